"""qtmodeltester on every item model."""
from desktop.models.exhibitors import ExhibitorFilter, ExhibitorModel


def test_exhibitor_model(qtmodeltester, expo):
    model = ExhibitorModel(expo)
    assert model.rowCount() == 9
    qtmodeltester.check(model, force_py=True)


def test_exhibitor_filter(qtmodeltester, expo):
    model = ExhibitorModel(expo)
    proxy = ExhibitorFilter()
    proxy.setSourceModel(model)
    proxy.set_text("sicar")
    assert proxy.rowCount() == 1
    qtmodeltester.check(proxy, force_py=True)
    proxy.set_text("")
    qtmodeltester.check(proxy, force_py=True)
