"""Data layer of WeSemiBay Explorer: plain Python and SQLite, no Qt."""
from .errors import DataError, UsageError

__all__ = ["DataError", "UsageError"]
