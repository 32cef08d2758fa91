"""The center's working-day calendar (行政许可法 art. 82: working days only).

The calendar table says which days are working days, per region; the platform's arithmetic
(workflow.working_days: the acceptance day is not counted, 民法典 art. 201) counts by it once
`register` has run. Every year can be counted: a year the table lacks is counted by the
law's rule (calendar_rules), provisional until the State Council's notice confirms it, so
no deadline ever fails for want of a year.
"""
from __future__ import annotations

import threading
import time
from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.models import CalendarDay, CalendarYear, db
from app.models.calendar import CONFIRMED, PROVISIONAL
from app.services.calendar import rules as calendar_rules
from app.services.workflow import working_days
# The platform's arithmetic, counted by this calendar once registered (the domain's callers
# read it as the center's calendar).
from app.services.workflow.working_days import (CalendarError, CalendarInvalidDays,
                                                add_working_days, is_provisional, local_zone,
                                                nth_workday_after, shift_working_days, to_local,
                                                today, working_days_between)

__all__ = ["CalendarError", "CalendarInvalidDays", "CalendarOutOfRange", "FIRST_YEAR",
           "LAST_YEAR", "add_working_days", "current_region", "invalidate", "is_provisional",
           "is_workday", "local_zone", "nth_workday_after", "register", "shift_working_days",
           "to_local", "today", "working_days_between", "workdays_of_year", "year_status"]

_CACHE_SECONDS = 60
_cache: dict[tuple[str, int], tuple[float, frozenset[date], str]] = {}
_lock = threading.Lock()
FIRST_YEAR, LAST_YEAR = 1990, 2199  # the years a deadline may be counted in


class CalendarOutOfRange(CalendarError):
    code = "calendar_out_of_range"


def current_region() -> str:
    return current_app.config["CALENDAR_REGION"]


_region = current_region


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


def invalidate() -> None:
    with _lock:
        _cache.clear()


def is_workday(day: date, region: str | None = None) -> bool:
    return day in workdays_of_year(day.year, region)


def register() -> None:
    """The platform counts working days by this calendar."""
    working_days.use(workdays_of_year, lambda year: year_status(year) == CONFIRMED)
