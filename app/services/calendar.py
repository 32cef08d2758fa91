"""Working-day arithmetic over the calendar table (行政许可法 art. 82: working days only).

The acceptance day is not counted (民法典 art. 201): N working days from a day end at the
close of the N-th working day after it; a half day (0.5) ends at noon. A year without
calendar rows is an error, never a guess.
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

from app.models import CalendarDay, db
from app.services.errors import ServiceError

_CACHE_SECONDS = 60
_cache: dict[tuple[str, int], tuple[float, frozenset[date]]] = {}
_lock = threading.Lock()
FIRST_YEAR, LAST_YEAR = 1990, 2100  # outer bounds for scans; real coverage is in the table


class CalendarYearMissing(ServiceError):
    status, code, title = 422, "calendar_year_missing", "Working-day calendar missing"


def _region() -> str:
    return current_app.config["CALENDAR_REGION"]


def local_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["TIMEZONE"])


def workdays_of_year(year: int, region: str | None = None) -> frozenset[date]:
    region = region or _region()
    hit = _cache.get((region, year))
    if hit and time.monotonic() - hit[0] < _CACHE_SECONDS:
        return hit[1]
    rows = db.session.execute(
        sa.select(CalendarDay.day, CalendarDay.is_workday)
        .where(CalendarDay.region == region,
               CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))).all()
    if not rows:
        raise CalendarYearMissing(
            f"no working-day calendar for {year} (region {region}); an administrator must "
            f"import or enter that year first", year=year, region=region)
    days = frozenset(day for day, is_workday in rows if is_workday)
    with _lock:
        _cache[(region, year)] = (time.monotonic(), days)
    return days


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
    days = Decimal(str(days))
    if days < 0 or (days * 2) % 1:
        raise ValueError(f"working days must be a non-negative multiple of 0.5, got {days}")
    whole = math.ceil(days)
    end_day = nth_workday_after(to_local(start).date(), whole)
    if days % 1:
        return datetime.combine(end_day, datetime.min.time(), local_zone()).replace(hour=12)
    return datetime.combine(end_day, datetime.max.time(), local_zone()).replace(microsecond=0)


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
