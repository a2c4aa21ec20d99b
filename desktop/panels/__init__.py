"""Panels of the main window (layout, little logic)."""
