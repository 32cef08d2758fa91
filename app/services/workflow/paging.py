"""Counting what a list matches without counting a huge table, and reading a growing list
page by page from where the last page ended (keyset pagination).

A page says how many rows match so that it can offer its pages; past COUNT_CAP the exact
figure is worth less than its cost (every matching row read on every page), so counting
stops there and the page says "more than COUNT_CAP" and asks for a narrower query.

An offset re-reads every row it skips and, on a table that grows while someone pages
through it, repeats or skips rows; a keyset page starts strictly after the sort key of the
last row seen, so it costs the same on page 1 and page 1000 and sees each row once.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.models import db

COUNT_CAP = 1000


def bounded_count(stmt: sa.Select) -> int:
    """How many rows `stmt` matches, up to COUNT_CAP + 1 (meaning "more than COUNT_CAP")."""
    probe = stmt.with_only_columns(sa.literal(1)).order_by(None).limit(COUNT_CAP + 1)
    return db.session.scalar(sa.select(sa.func.count()).select_from(probe.subquery()))


def is_capped(total: int) -> bool:
    return total > COUNT_CAP


@dataclass(frozen=True)
class Key:
    """One term of a list's order: its SQL expression (never NULL: coalesce a nullable
    column, and order by its IS NULL first), the same value read from a row, its Python
    type (what a cursor must hold there) and its direction."""
    expression: Any
    read: Callable[[Any], Any]
    kind: type
    descending: bool = False


@dataclass(frozen=True)
class Keyset:
    """A total order of a list (its last key unique) under a name, so that a cursor of one
    list or one sort is not taken for another's."""
    name: str
    keys: tuple[Key, ...]

    @property
    def kinds(self) -> tuple[type, ...]:
        return tuple(key.kind for key in self.keys)

    def order_by(self) -> list:
        return [k.expression.desc() if k.descending else k.expression.asc() for k in self.keys]

    def after(self, values: Sequence) -> sa.ColumnElement[bool]:
        """The rows strictly after `values` in this order: k1 beyond v1, or k1 = v1 and k2
        beyond v2, and so on (built from the last key back)."""
        condition: sa.ColumnElement[bool] | None = None
        for key, value in reversed(list(zip(self.keys, values, strict=True))):
            beyond = key.expression < value if key.descending else key.expression > value
            condition = beyond if condition is None else sa.or_(
                beyond, sa.and_(key.expression == value, condition))
        return condition

    def values_of(self, row) -> list:
        return [key.read(row) for key in self.keys]


def keyset_page(stmt: sa.Select, keyset: Keyset, *, after: Sequence | None, limit: int,
                offset: int = 0) -> tuple[list, list | None]:
    """One page of `stmt` in `keyset`'s order, after the key `after` (from the start when
    None) and `offset` more rows; with the key of its last row when more rows follow (one
    row more is read to know), else None."""
    if after is not None:
        stmt = stmt.where(keyset.after(after))
    rows = list(db.session.scalars(stmt.order_by(*keyset.order_by())
                                   .limit(limit + 1).offset(offset)).unique())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, keyset.values_of(rows[-1])
