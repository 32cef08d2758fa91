"""The indicators of the monthly assessment (月度效能考评): a registry the assessment iterates.

An indicator is `Indicator(key, label, definition, kind, compute)`:

- `kind` is "count" (an int), "rate" (a [numerator, denominator] pair of ints, shown as a
  percentage; kept as a pair so rows can be added up) or "days" (an int of working days);
- `compute(period)` returns `{(dimension, key, department_id): value}` for the local month
  `period`: `dimension` is "department", "window" or "staff"; `key` is the department's,
  window's or user's id (None: not attributable, e.g. a case received by no one at a
  window); `department_id` is the unit whose cases make the value. For the department
  dimension key == department_id; a window's or staff member's figures are split by unit,
  so that a unit reads only its own part of a comprehensive window (综合窗口) and the center
  adds the parts up (`combine`: "sum", or "max" for a largest value);
- `dimensions` says which dimensions it has figures for (缺席默认 and 授权率 are a unit's).

Other parts register theirs (red and yellow cards, file checks) with `@indicator(...)` in
their own module, imported by app.services.supervision.assessment.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.models import Post, db
from app.services import calendar

DEPARTMENT, WINDOW, STAFF = "department", "window", "staff"
DIMENSIONS = (DEPARTMENT, WINDOW, STAFF)
KINDS = ("count", "rate", "days")

Key = tuple[str, object, object]  # (dimension, key, department_id)
Value = int | list[int]


@dataclass(frozen=True)
class Period:
    """One local month: [start, end), figures as of `until` (the month's end, or now)."""
    month: str
    start: datetime
    end: datetime
    until: datetime
    cache: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def last_day(self) -> date:
        return (self.end.astimezone(calendar.local_zone()) - timedelta(days=1)).date()

    def cached(self, name: str, make: Callable[[], object]):
        """Several indicators read one aggregate query; it runs once per period."""
        if name not in self.cache:
            self.cache[name] = make()
        return self.cache[name]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: object  # lazy strings: worded in the page's language
    definition: object
    kind: str
    compute: Callable[[Period], dict[Key, Value]]
    combine: str = "sum"
    dimensions: tuple[str, ...] = DIMENSIONS


REGISTRY: dict[str, Indicator] = {}


def indicator(key: str, label, definition, kind: str, *, combine: str = "sum",
              dimensions: tuple[str, ...] = DIMENSIONS):
    """Registers `compute` as the indicator `key` (once; the first registration stands)."""
    assert kind in KINDS and combine in ("sum", "max")

    def register(compute: Callable[[Period], dict[Key, Value]]):
        REGISTRY.setdefault(key, Indicator(key, label, definition, kind, compute, combine,
                                           dimensions))
        return compute
    return register


def combined(kind: str, how: str, values: list[Value]) -> Value:
    """Several parts of one row (a window's units) as one value."""
    if kind == "rate":
        return [sum(v[0] for v in values), sum(v[1] for v in values)]
    return max(values) if how == "max" else sum(values)


def as_percent(value: Value) -> float | None:
    numerator, denominator = value
    return round(100 * numerator / denominator, 1) if denominator else None


# --- SQL building blocks the indicator modules share ---------------------------------

def local_day(column):
    """The local calendar day of a UTC moment, in SQL. PostgreSQL converts by the zone's
    rules; SQLite (development, tests) by the zone's offset, which for the center's zones
    (China: no daylight saving time) is the same."""
    zone = calendar.local_zone()
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.cast(sa.func.timezone(zone.key, column), sa.Date)
    offset = int(datetime.now(zone).utcoffset().total_seconds() // 60)
    return sa.func.date(column, f"{offset:+d} minutes")


def as_date(value) -> date:
    """A day as the database returned it (a date on PostgreSQL, text on SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def count_where(condition):
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), 0 for no rows: a count in a GROUP BY."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def in_period(column, period: Period):
    return sa.and_(column >= period.start, column < period.end)


def staff_windows():
    """user id → the window of a post the user holds as A or B (the lowest window id if the
    user holds posts at several), as a subquery: a clerk's cases count for their window."""
    holders = sa.union_all(
        sa.select(Post.a_user_id.label("user_id"), Post.window_id),
        sa.select(Post.b_user_id.label("user_id"), Post.window_id)).subquery()
    return (sa.select(holders.c.user_id, sa.func.min(holders.c.window_id).label("window_id"))
            .group_by(holders.c.user_id).subquery("staff_window"))


def staff_window_map(period: Period) -> dict[int, int]:
    """user id → window id (staff_windows), read once per period."""
    return period.cached("staff_windows", lambda: dict(
        db.session.execute(sa.select(staff_windows())).all()))


def spread(rows, measures: tuple[str, ...], windows: dict[int, int]) -> dict[Key, dict]:
    """Rows counted per (department_id, staff_id) as every dimension's figures: a staff
    member's as they are, their window's and their unit's added up."""
    figures: dict[Key, dict] = {}
    for row in rows:
        department = row.department_id
        for key in ((DEPARTMENT, department, department), (STAFF, row.staff_id, department),
                    (WINDOW, windows.get(row.staff_id), department)):
            totals = figures.setdefault(key, dict.fromkeys(measures, 0))
            for name in measures:
                totals[name] += getattr(row, name)
    return figures


def by_dimension(rows, dimension: str) -> dict[Key, Value]:
    """(key, department_id, value) rows as an indicator's figures."""
    return {(dimension, key, department): value for key, department, value in rows}
