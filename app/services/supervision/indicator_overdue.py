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
                                                 as_date, indicator, local_day, staff_window_map)


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
        self.running, count = {}, 0
        for offset in range((last - first).days + 1):
            day = first + timedelta(days=offset)
            count += calendar.is_workday(day)
            self.running[day] = count

    def between(self, first: date, last: date) -> int:
        """At least one: a part of a working day counts as one."""
        return max(self.running[last] - self.running[first], 1)


@dataclass(frozen=True)
class Late:
    """One overdue case as the indicators fold it (OverdueCase is made for the listed)."""
    row: object
    days: int
    concluded: datetime | None


def _late(period: Period) -> list[Late]:
    """The month's 超时件, most days overdue first (one query; local days from SQL)."""
    def read() -> list[Late]:
        rows = db.session.execute(
            sa.select(Case.id, Case.case_no, Item.name, Item.department_id, Case.received_by,
                      Case.deadline_at, Case.concluded_at,
                      local_day(Case.deadline_at).label("deadline_day"),
                      local_day(Case.concluded_at).label("concluded_day"))
            .select_from(Case).join(Item, Item.id == Case.item_id)
            .where(Case.accepted_at.is_not(None), Case.deadline_at < period.until,
                   sa.or_(Case.concluded_at.is_(None),
                          sa.and_(Case.concluded_at >= period.start,
                                  Case.concluded_at > Case.deadline_at)))).all()
        if not rows:
            return []
        # the month's end, or now: the last moment counted
        until_day = calendar.to_local(period.until - timedelta(microseconds=1)).date()
        index = WorkingDayIndex(min(as_date(r.deadline_day) for r in rows), until_day)
        found = []
        for row in rows:
            concluded = row.concluded_at is not None and row.concluded_at < period.until
            end_day = as_date(row.concluded_day) if concluded else until_day
            found.append(Late(row, index.between(as_date(row.deadline_day), end_day),
                              row.concluded_at if concluded else None))
        return sorted(found, key=lambda late: (-late.days, late.row.deadline_at))
    return period.cached("overdue", read)


def overdue_cases(period: Period, per_unit: int) -> list[OverdueCase]:
    """The most overdue `per_unit` cases of each unit, most days first."""
    windows, kept, listed = staff_window_map(period), {}, []
    for late in _late(period):
        row = late.row
        kept[row.department_id] = kept.get(row.department_id, 0) + 1
        if kept[row.department_id] <= per_unit:
            listed.append(OverdueCase(
                row.id, row.case_no, row.name, row.department_id, row.received_by,
                windows.get(row.received_by), row.deadline_at.isoformat(),
                late.concluded.isoformat() if late.concluded else None, late.days))
    return listed


def _folded(period: Period) -> dict[Key, list[int]]:
    """(count, total days, most days) per key of every dimension, in one pass."""
    def fold() -> dict[Key, list[int]]:
        windows, figures = staff_window_map(period), {}
        for late in _late(period):
            row = late.row
            for key in ((DEPARTMENT, row.department_id, row.department_id),
                        (WINDOW, windows.get(row.received_by), row.department_id),
                        (STAFF, row.received_by, row.department_id)):
                totals = figures.setdefault(key, [0, 0, 0])
                totals[0] += 1
                totals[1] += late.days
                totals[2] = max(totals[2], late.days)
        return figures
    return period.cached("overdue_figures", fold)


@indicator("overdue", _l("超时件数"),
           _l("承诺期限在本月底（本月为当前时刻）前届满、未按期办结的已受理办件：本月超期办结的，"
              "以及月底仍未办结的（次月继续计入）。"), "count")
def overdue_count(period: Period) -> dict[Key, Value]:
    return {key: totals[0] for key, totals in _folded(period).items()}


@indicator("overdue_days", _l("超时工作日合计"),
           _l("各超时件自承诺期限之日起至办结之日（未办结的至月底）的工作日数之和；"
              "不足一个工作日的按一个工作日计。"), "days")
def overdue_days(period: Period) -> dict[Key, Value]:
    return {key: totals[1] for key, totals in _folded(period).items()}


@indicator("overdue_days_max", _l("最长超时工作日"),
           _l("本月超时件中超时工作日数最多的一件的工作日数。"), "days", combine="max")
def overdue_days_max(period: Period) -> dict[Key, Value]:
    return {key: totals[2] for key, totals in _folded(period).items()}
