"""Intake at the window, the case record, extensions and pauses (延期, 特别程序)."""
