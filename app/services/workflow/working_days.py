"""Local time and working-day arithmetic for deadlines and timers.

The acceptance day is not counted: N working days from a day end at the close of the N-th
working day after it; a half day (0.5) ends at noon. Which days are working days, and
whether a year's calendar is final, is the domain's (the center's calendar registers it at
app start with `use`); without it, Monday to Friday.
"""
from __future__ import annotations

import bisect
import math
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from flask import current_app

from app.services.workflow import deadlines
from app.services.workflow.errors import InvalidInput

Workdays = Callable[[int], frozenset[date]]
Confirmed = Callable[[int], bool]


class CalendarError(InvalidInput, ValueError):
    status, code, title = 422, "calendar_error", "Working-day calendar"


class CalendarInvalidDays(CalendarError):
    code = "calendar_invalid_days"


def _weekdays(year: int) -> frozenset[date]:
    first = date(year, 1, 1)
    days = (first + timedelta(days=n) for n in range((date(year + 1, 1, 1) - first).days))
    return frozenset(day for day in days if day.weekday() < 5)


_source: dict[str, Callable] = {"workdays": _weekdays, "confirmed": lambda year: True}


def use(workdays: Workdays, confirmed: Confirmed) -> None:
    """Register the calendar: a year's working days, and whether that year is final."""
    _source.update(workdays=workdays, confirmed=confirmed)


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def today() -> date:
    """The center's local date (the server may run in UTC)."""
    return datetime.now(local_zone()).date()


def to_local(value: str | date | datetime) -> datetime:
    if isinstance(value, str):  # a bare date ("2026-03-02") is a calendar day, not a moment
        value = date.fromisoformat(value) if len(value) == 10 else datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return datetime.combine(value, datetime.min.time(), local_zone())
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value.isoformat()}: give a timezone")
    return value.astimezone(local_zone())


def is_workday(day: date) -> bool:
    return day in _source["workdays"](day.year)


def is_provisional(until: str | date | datetime,
                   since: str | date | datetime | None = None) -> bool:
    """Whether counting from `since` (today) to `until` passes through a year not final."""
    first = to_local(since).year if since is not None else today().year
    last = to_local(until).year
    return not all(_source["confirmed"](year)
                   for year in range(min(first, last), max(first, last) + 1))


def nth_workday_after(start: date, n: int) -> date:
    """The n-th working day after start (n=0: start itself, or the next working day)."""
    day, count = start, 0
    if n == 0:
        while not is_workday(day):
            day += timedelta(days=1)
        return day
    while count < n:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return day


def add_working_days(start: str | date | datetime, days: float | Decimal | int) -> datetime:
    """When a limit of `days` working days counted from `start` runs out (local time)."""
    try:
        days = Decimal(str(days))
    except ArithmeticError:
        raise CalendarInvalidDays(f"working days must be a number, got {days!r}",
                                  days=str(days)) from None
    if not days.is_finite() or days < 0 or (days * 2) % 1:
        raise CalendarInvalidDays(
            f"working days must be a non-negative multiple of 0.5, got {days}", days=str(days))
    begin = to_local(start)
    end_day = nth_workday_after(begin.date(), math.ceil(days))
    if days % 1:
        due = datetime.combine(end_day, datetime.min.time(), local_zone()).replace(hour=12)
    else:
        due = datetime.combine(end_day, datetime.max.time(), local_zone()).replace(microsecond=0)
    if deadlines.is_recording():  # a step keeps what it counted, to count it again later
        deadlines.note(begin, days, due, is_provisional(due, since=begin))
    return due


def shift_working_days(moment: str | date | datetime, days: float | Decimal | int) -> datetime:
    """`moment` moved by `days` working days, keeping its time of day; negative moves back."""
    days = Decimal(str(days))
    if days >= 0:
        return add_working_days(moment, days)
    local = to_local(moment)
    day, count = local.date(), 0
    while count < math.ceil(-days):
        day -= timedelta(days=1)
        count += is_workday(day)
    return datetime.combine(day, local.timetz())


def working_days_between(start: str | date | datetime, end: str | date | datetime) -> int:
    """Working days after start's day up to and including end's day (negative if end first)."""
    first, last = to_local(start).date(), to_local(end).date()
    if last < first:
        return -working_days_between(last, first)
    # Year by year in the year's sorted working days, not day by day: a task two years
    # overdue costs four binary searches, not 730 calendar lookups.
    count = 0
    for year in range(first.year, last.year + 1):
        days = _sorted_workdays(year)
        count += bisect.bisect_right(days, last) - bisect.bisect_right(days, first)
    return count


_sorted: dict[int, tuple[frozenset, tuple[date, ...]]] = {}


def _sorted_workdays(year: int) -> tuple[date, ...]:
    """The year's working days in order, sorted once per set the calendar hands out (it
    hands out a new one when the calendar changes)."""
    days = _source["workdays"](year)
    hit = _sorted.get(id(days))
    if hit is None or hit[0] is not days:
        if len(_sorted) > 256:
            _sorted.clear()
        hit = _sorted[id(days)] = (days, tuple(sorted(days)))
    return hit[1]
