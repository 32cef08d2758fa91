"""Counting what a list matches without counting a huge table, and reading a growing list
page by page from where the last page ended (keyset pagination).

A page says how many rows match so that it can offer its pages; past COUNT_CAP the exact
figure is worth less than its cost (every matching row read on every page), so counting
stops there and the page says "more than COUNT_CAP" and asks for a narrower query.

An offset re-reads every row it skips and, on a table that grows while someone pages
through it, repeats or skips rows; a keyset page starts strictly after the sort key of the
last row seen, so it costs the same on page 1 and page 1000 and sees each row once.

A cursor carries that key to the next request, opaque to its reader: the URL-safe base64
(unpadded) of a JSON array naming the list's order and holding the key, e.g.
`["instances", 42]`, read back strictly (BadCursor for anything this server did not write
for this very list and sort). The JSON API and the pages share it.
"""
from __future__ import annotations

import base64
import binascii
import dataclasses
import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa

from app.http_inputs import MAX_ID
from app.models import db

COUNT_CAP = 1000
MAX_TEXT = 200  # characters of a text key (a task's name or id, a case number, an item name)
# characters of a cursor: the longest key of ours (the inbox by item: an item name of
# MAX_TEXT characters of 4 bytes each in UTF-8 and five short terms) stays under it
MAX_CURSOR = 1500


@contextmanager
def serial_plans() -> Iterator[None]:
    """Within: PostgreSQL plans without parallel workers. A page or a bounded count stops
    after a few rows, but where the planner misjudges how soon (a LIMIT over a correlated
    filter: who may see a case), it starts workers that cost more to start (about 10 ms
    before their first row, bench/README.md "Lists at scale") than they save."""
    if db.session.get_bind().dialect.name != "postgresql":
        yield
        return
    # The transaction's own setting comes back after, for whatever it runs next; after a
    # database error the transaction takes no statement, and its rollback undoes SET LOCAL.
    previous = db.session.scalar(sa.text("SHOW max_parallel_workers_per_gather"))
    db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))
    aborted = False
    try:
        yield
    except sa.exc.DBAPIError:
        aborted = True
        raise
    finally:
        if not aborted:  # also after a refusal (a bad cursor) the caller may go on from
            db.session.execute(sa.text("SELECT set_config('max_parallel_workers_per_gather', "
                                       ":previous, true)"), {"previous": previous})


def bounded_count(stmt: sa.Select) -> int:
    """How many rows `stmt` matches, up to COUNT_CAP + 1 (meaning "more than COUNT_CAP")."""
    return db.session.scalar(_bounded(stmt))


def bounded_counts(stmt: sa.Select, column, values: Sequence) -> dict:
    """The bounded_count of `stmt` where `column` is each of `values`, in one statement."""
    return bounded_counts_where(stmt, {value: column == value for value in values})


def bounded_counts_where(stmt: sa.Select, conditions: dict) -> dict:
    """The bounded_count of `stmt` under each condition ({key: condition}), in one statement."""
    found = dict(db.session.execute(sa.union_all(*(
        sa.select(sa.literal(number).label("key"),
                  _bounded(stmt.where(condition)).scalar_subquery().label("n"))
        for number, condition in enumerate(conditions.values())))).all())
    return {key: found[number] for number, key in enumerate(conditions)}


def _bounded(stmt: sa.Select) -> sa.Select:
    probe = stmt.with_only_columns(sa.literal(1)).order_by(None).limit(COUNT_CAP + 1)
    return sa.select(sa.func.count()).select_from(probe.subquery())


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
        beyond v2, and so on. Keys all in one direction say it as one row comparison,
        `(k1, k2, …) > (v1, v2, …)`, from which PostgreSQL seeks into an index of the order
        (the spelled-out form only filters the index it walks from its start); mixed ones
        build it from the last key back."""
        pairs = list(zip(self.keys, values, strict=True))
        if len(pairs) > 1 and len({key.descending for key in self.keys}) == 1:
            row = sa.tuple_(*(key.expression for key in self.keys))
            given = sa.tuple_(*(sa.literal(value, key.expression.type) for key, value in pairs))
            return row < given if self.keys[0].descending else row > given
        condition: sa.ColumnElement[bool] | None = None
        for key, value in reversed(pairs):
            beyond = key.expression < value if key.descending else key.expression > value
            condition = beyond if condition is None else sa.or_(
                beyond, sa.and_(key.expression == value, condition))
        return condition

    def values_of(self, row) -> list:
        return [key.read(row) for key in self.keys]

    def reversed(self) -> Keyset:
        """The same order backwards: read after the first row of a page, the rows before
        that page, the nearest first (a page's "previous" link)."""
        return Keyset(f"{self.name}.reversed", tuple(
            dataclasses.replace(key, descending=not key.descending) for key in self.keys))


def nulls_last(expression, read: Callable[[Any], Any], blank: Any) -> tuple[Key, Key]:
    """A nullable term of an order as two keys that never are NULL: whether it is NULL (the
    NULLs last), then its value or `blank`. `read` gives the value from a row (None for NULL)."""
    def value(row):
        found = read(row)
        return blank if found is None else found
    return (Key(sa.case((expression.is_(None), 1), else_=0), lambda row: int(read(row) is None),
                int),
            Key(sa.func.coalesce(expression, blank), value, type(blank)))


def keyset_page(stmt: sa.Select, keyset: Keyset, *, after: Sequence | None, limit: int,
                offset: int = 0, tuples: bool = False) -> tuple[list, list | None]:
    """One page of `stmt` in `keyset`'s order, after the key `after` (from the start when
    None) and `offset` more rows; with the key of its last row when more rows follow (one
    row more is read to know), else None. A row is the statement's first entity, or with
    `tuples` all it selects (the keys then read from that tuple)."""
    if after is not None:
        stmt = stmt.where(keyset.after(after))
    result = db.session.execute(stmt.order_by(*keyset.order_by()).limit(limit + 1)
                                .offset(offset))
    rows = list((result if tuples else result.scalars()).unique())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    return rows, keyset.values_of(rows[-1])


class BadCursor(ValueError):
    """A cursor this server did not write for this very list and sort."""


def encode_cursor(keyset: Keyset, values: Sequence | None) -> str | None:
    """The cursor after the row whose sort key is `values` (None: there is no next page)."""
    if values is None:
        return None
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    text = json.dumps([keyset.name, *plain], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(keyset: Keyset, text: str) -> list:
    """The sort key a cursor of `keyset` holds, each term of its type; BadCursor otherwise."""
    try:
        found = json.loads(_unbase64(text))
        if not isinstance(found, list) or found[:1] != [keyset.name] \
                or len(found) != len(keyset.keys) + 1:
            raise ValueError("not a cursor of this list and sort")
        return [_value(value, kind) for value, kind in zip(found[1:], keyset.kinds)]
    except (ValueError, OverflowError, UnicodeDecodeError, binascii.Error) as err:
        raise BadCursor(str(err)) from None


def _unbase64(text: str) -> str:
    if len(text) > MAX_CURSOR:
        raise ValueError("too long")
    # validate=True: a character outside the alphabet is refused, not skipped
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_",
                            validate=True).decode()


def _value(value, kind: type):
    """One key of a cursor, of the type its place in the order holds."""
    if kind is bool and isinstance(value, bool):
        return value
    if kind is int and type(value) is int and -MAX_ID <= value <= MAX_ID:
        return value
    if kind is str and isinstance(value, str) and len(value) <= MAX_TEXT \
            and "\x00" not in value:  # PostgreSQL holds no NUL
        return value
    if kind is datetime and isinstance(value, str) and len(value) <= 40:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:  # we write UTC moments with their offset
            return moment.astimezone(timezone.utc)  # OverflowError past year 1 or 9999
    raise ValueError(f"{value!r} is not a {kind.__name__}")
