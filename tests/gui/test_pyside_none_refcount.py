"""Regression guard: PySide6 6.12.0 on Python 3.11 drops a reference to None on every
call of a method that returns nothing, and aborts after a few thousand ("none_dealloc").
The pinned range excludes it; this test makes 100,000 such calls."""
import sys

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGraphicsRectItem


def test_100k_void_calls_keep_none_alive(qapp):
    item = QGraphicsRectItem(0, 0, 10, 10)
    brush = QBrush(QColor("#336699"))
    before = sys.getrefcount(None)
    for _ in range(100_000):
        item.setBrush(brush)
    after = sys.getrefcount(None)
    # A leak of one reference per call would show as a drop of ~100,000.
    assert after > before - 1_000
