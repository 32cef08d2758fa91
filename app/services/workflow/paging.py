"""Counting what a list matches without counting a huge table.

A page says how many rows match so that it can offer its pages; past COUNT_CAP the exact
figure is worth less than its cost (every matching row read on every page), so counting
stops there and the page says "more than COUNT_CAP" and asks for a narrower query.
"""
from __future__ import annotations

import sqlalchemy as sa

from app.models import db

COUNT_CAP = 1000


def bounded_count(stmt: sa.Select) -> int:
    """How many rows `stmt` matches, up to COUNT_CAP + 1 (meaning "more than COUNT_CAP")."""
    probe = stmt.with_only_columns(sa.literal(1)).order_by(None).limit(COUNT_CAP + 1)
    return db.session.scalar(sa.select(sa.func.count()).select_from(probe.subquery()))


def is_capped(total: int) -> bool:
    return total > COUNT_CAP
