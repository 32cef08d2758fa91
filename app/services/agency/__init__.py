"""全程代办 (seed 002 art. 41, seed 004): the center's 代办员 takes an investment or major
project across several items and departments on the applicant's mandate (委托书).

Its parts: projects (who sees which, the mandate), items (each item's case started or
linked), board (代办看板 and the 30-working-day limit), reminders (催办, and the sweep's).
"""
from __future__ import annotations

from app.services.agency import items
from app.services.agency import reminders  # noqa: F401  importing it registers its sweep step


def register() -> None:
    """The agent takes in a mandate's items; the intake confirms a major project's flag."""
    items.register()
