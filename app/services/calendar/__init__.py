"""Working-day arithmetic over the calendar table (行政许可法 art. 82: working days only).

The acceptance day is not counted (民法典 art. 201): N working days from a day end at the
close of the N-th working day after it; a half day (0.5) ends at noon. Every year can be
counted: a year the table lacks is counted by the law's rule (calendar_rules), provisional
until the State Council's notice confirms it, so no deadline ever fails for want of a year.
"""
from __future__ import annotations

import math
import threading
import time
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from app.models import CalendarDay, CalendarYear, db
from app.models.calendar import CONFIRMED, PROVISIONAL
from app.services import deadlines
from app.services.calendar import rules as calendar_rules
from app.services.errors import InvalidInput

_CACHE_SECONDS = 60
_cache: dict[tuple[str, int], tuple[float, frozenset[date], str]] = {}
_lock = threading.Lock()
FIRST_YEAR, LAST_YEAR = 1990, 2199  # the years a deadline may be counted in


class CalendarError(InvalidInput, ValueError):
    status, code, title = 422, "calendar_error", "Working-day calendar"


class CalendarOutOfRange(CalendarError):
    code = "calendar_out_of_range"


class CalendarInvalidDays(CalendarError):
    code = "calendar_invalid_days"


def current_region() -> str:
    return current_app.config["CALENDAR_REGION"]


_region = current_region


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def workdays_of_year(year: int, region: str | None = None) -> frozenset[date]:
    return _year(year, region)[0]


def year_status(year: int, region: str | None = None) -> str:
    """CONFIRMED (已核定) or PROVISIONAL (暂定)."""
    return _year(year, region)[1]


def _year(year: int, region: str | None) -> tuple[frozenset[date], str]:
    region = region or _region()
    hit = _cache.get((region, year))
    if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
        return hit[1], hit[2]
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise CalendarOutOfRange(
            f"{year} is outside the years a deadline can be counted in "
            f"({FIRST_YEAR}–{LAST_YEAR})", year=year)
    rows = db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.is_workday)
        .where(CalendarDay.region == region,
               CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))).all()
    if rows:
        days = frozenset(day for day, is_workday in rows if is_workday)
        status = db.session.scalar(sa.select(CalendarYear.status).where(
            CalendarYear.region == region, CalendarYear.year == year)) or PROVISIONAL
    else:  # not entered yet: the worker stores it well before; meanwhile count by the rule
        counted = calendar_rules.best_year(year)
        days = frozenset(day for day, d in counted.days.items() if d.is_workday)
        status = counted.status
    with _lock:
        _cache[(region, year)] = (time.monotonic(), days, status)
    return days, status


def is_provisional(until: str | date | datetime, since: str | date | datetime | None = None,
                   region: str | None = None) -> bool:
    """Whether counting from `since` (today) to `until` passes through a provisional year."""
    first = to_local(since).year if since is not None else today().year
    last = to_local(until).year
    return any(year_status(year, region) != CONFIRMED
               for year in range(min(first, last), max(first, last) + 1))


def invalidate() -> None:
    with _lock:
        _cache.clear()


def is_workday(day: date, region: str | None = None) -> bool:
    return day in workdays_of_year(day.year, region)


def nth_workday_after(start: date, n: int, region: str | None = None) -> date:
    """The n-th working day after start (n=0: start itself, or the next working day)."""
    day, count = start, 0
    if n == 0:
        while not is_workday(day, region):
            day += timedelta(days=1)
        return day
    while count < n:
        day += timedelta(days=1)
        if is_workday(day, region):
            count += 1
    return day


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
    whole = math.ceil(days)
    begin = to_local(start)
    end_day = nth_workday_after(begin.date(), whole)
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
    sign = 1
    if last < first:
        first, last, sign = last, first, -1
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        count += is_workday(day)
    return sign * count
