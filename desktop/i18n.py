"""Translation entry point: every user-facing string goes through ``tr``."""
from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def tr(text: str, context: str = "WeSemiBay", disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(context, text, disambiguation, n)
