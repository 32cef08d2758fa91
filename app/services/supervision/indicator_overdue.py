"""超时件: the accepted cases past their promised deadline in the month, with working days.

A case counts in a month when its deadline passed before the month's end (or now, for the
current month) and it was not concluded by its deadline nor before the month began: it was
concluded late in the month, or it is still open at the month's end (then it counts again
next month, with more days). Its working days overdue run from the deadline's day to the
day it was concluded (or the month's end); a part of a working day counts as one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.models import Case, Item, db
from app.services import calendar
from app.services.supervision.indicators import (DEPARTMENT, STAFF, WINDOW, Key, Period, Value,
                                                 indicator, staff_windows)


@dataclass(frozen=True)
class OverdueCase:
    case_id: int
    case_no: str | None
    item_name: str
    department_id: int
    staff_id: int | None
    window_id: int | None
    deadline_at: str  # ISO, UTC
    concluded_at: str | None  # None: still open at the month's end
    days: int

    def as_dict(self) -> dict:
        return dict(vars(self))  # asdict deep-copies, ten times slower


class WorkingDayIndex:
    """Working days between two local days by subtraction: the running count of working
    days from the earliest deadline on, so thousands of open cases cost one pass over the
    calendar. Counts as calendar.working_days_between does (after the first day, up to
    and including the last)."""

    def __init__(self, first: date, last: date):
        self.first, self.running, count = first, [], 0
        for offset in range((last - first).days + 1):
            count += calendar.is_workday(first + timedelta(days=offset))
            self.running.append(count)

    def between(self, start: datetime, end: datetime) -> int:
        """At least one: a part of a working day counts as one."""
        first = (calendar.to_local(start).date() - self.first).days
        last = (calendar.to_local(end).date() - self.first).days
        return max(self.running[last] - self.running[first], 1)


def overdue_cases(period: Period) -> list[OverdueCase]:
    """The month's 超时件, most days overdue first."""
    return period.cached("overdue", lambda: _overdue_cases(period))


def _overdue_cases(period: Period) -> list[OverdueCase]:
    window = staff_windows()
    rows = db.session.execute(
        sa.select(Case.id, Case.case_no, Item.name, Item.department_id, Case.received_by,
                  window.c.window_id, Case.deadline_at, Case.concluded_at)
        .select_from(Case).join(Item, Item.id == Case.item_id)
        .outerjoin(window, window.c.user_id == Case.received_by)
        .where(Case.accepted_at.is_not(None), Case.deadline_at < period.until,
               sa.or_(Case.concluded_at.is_(None),
                      sa.and_(Case.concluded_at >= period.start,
                              Case.concluded_at > Case.deadline_at)))).all()
    if not rows:
        return []
    index = WorkingDayIndex(min(calendar.to_local(r.deadline_at).date() for r in rows),
                            calendar.to_local(period.until).date())
    found = []
    for row in rows:
        concluded = row.concluded_at if row.concluded_at and row.concluded_at < period.until \
            else None
        end = concluded or period.until - timedelta(microseconds=1)
        found.append(OverdueCase(row.id, row.case_no, row.name, row.department_id,
                                 row.received_by, row.window_id, row.deadline_at.isoformat(),
                                 concluded.isoformat() if concluded else None,
                                 index.between(row.deadline_at, end)))
    return sorted(found, key=lambda c: (-c.days, c.deadline_at))


def _keys(case: OverdueCase) -> list[Key]:
    return [(DEPARTMENT, case.department_id, case.department_id),
            (WINDOW, case.window_id, case.department_id),
            (STAFF, case.staff_id, case.department_id)]


def _folded(period: Period, value, fold) -> dict[Key, Value]:
    figures: dict[Key, Value] = {}
    for case in overdue_cases(period):
        for key in _keys(case):
            figures[key] = fold(figures.get(key, 0), value(case))
    return figures


@indicator("overdue", _l("超时件数"),
           _l("承诺期限在本月底（本月为当前时刻）前届满、未按期办结的已受理办件：本月超期办结的，"
              "以及月底仍未办结的（次月继续计入）。"), "count")
def overdue_count(period: Period) -> dict[Key, Value]:
    return _folded(period, lambda case: 1, lambda total, one: total + one)


@indicator("overdue_days", _l("超时工作日合计"),
           _l("各超时件自承诺期限之日起至办结之日（未办结的至月底）的工作日数之和；"
              "不足一个工作日的按一个工作日计。"), "days")
def overdue_days(period: Period) -> dict[Key, Value]:
    return _folded(period, lambda case: case.days, lambda total, days: total + days)


@indicator("overdue_days_max", _l("最长超时工作日"),
           _l("本月超时件中超时工作日数最多的一件的工作日数。"), "days", combine="max")
def overdue_days_max(period: Period) -> dict[Key, Value]:
    return _folded(period, lambda case: case.days, max)
