"""Filling and editing the working-day calendar table."""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar
import sqlalchemy as sa

from app.models import CalendarDay, db
from app.services import audit, calendar, permissions
from app.services.actor import Actor
from app.services.errors import InvalidInput


def library_years() -> range:
    """The years the chinesecalendar package has official State Council data for."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


def _describe(day: date) -> tuple[bool, str]:
    workday = chinese_calendar.is_workday(day)
    _, name = chinese_calendar.get_holiday_detail(day)
    if workday and day.weekday() >= 5:
        return True, "调休上班"
    if not workday and name:
        return False, _CHINESE_NAMES.get(name, name)
    return workday, "" if workday else "周末"


# How far ahead a deadline can reach: the longest legal limit (45 working days in the demo
# catalog, 60 for some) plus holidays, rounded up. A year inside this horizon must be entered.
HORIZON_DAYS = 120


def missing_years(region: str, today: date) -> list[int]:
    """Years a deadline counted from today could fall in that have no calendar yet.

    Cases accepted then would stop with `calendar_year_missing`, so administrators are told
    while there is time to enter the State Council's schedule (published late in the year)."""
    last = (today + timedelta(days=HORIZON_DAYS)).year
    have = set(db.session.scalars(sa.select(sa.extract("year", CalendarDay.day)).where(
        CalendarDay.region == region,
        CalendarDay.day.between(date(today.year, 1, 1), date(last, 12, 31))).distinct()))
    return [year for year in range(today.year, last + 1) if year not in have]


def seed_from_library(region: str, actor: Actor, years: range | None = None) -> int:
    """Insert the library's days for years the table does not have yet; returns rows added."""
    have = set(db.session.scalars(sa.select(sa.extract("year", CalendarDay.day)).where(
        CalendarDay.region == region).distinct()))
    added = 0
    for year in years or library_years():
        if year in have:
            continue  # administrators' edits win over the library
        day = date(year, 1, 1)
        rows = []
        while day.year == year:
            is_workday, note = _describe(day)
            rows.append({"region": region, "day": day, "is_workday": is_workday, "note": note,
                         "source": "chinesecalendar"})
            day += timedelta(days=1)
        db.session.execute(sa.insert(CalendarDay), rows)
        added += len(rows)
    if added:
        audit.record(actor, "calendar.seeded", region=region, rows=added)
    calendar.invalidate()
    return added


def set_day(region: str, day: date, is_workday: bool, note: str, actor: Actor) -> CalendarDay:
    """An administrator's correction (a local holiday, a late 调休 notice)."""
    permissions.require_admin(actor)
    if not db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay).where(
            CalendarDay.region == region,
            CalendarDay.day.between(date(day.year, 1, 1), date(day.year, 12, 31)))):
        raise InvalidInput(f"{day.year} has no calendar yet; add the year first",
                           code="calendar_year_missing")
    row = db.session.get(CalendarDay, (region, day))
    previous = row.is_workday
    row.is_workday, row.note, row.source = is_workday, note, "admin"
    audit.record(actor, "calendar.day_set", region=region, day=day.isoformat(),
                 previous=previous, is_workday=is_workday, note=note)
    calendar.invalidate()
    return row


def add_year_from_weekends(region: str, year: int, actor: Actor) -> int:
    """Start a year the library lacks: weekdays on, weekends off, to be corrected by hand.

    Only an administrator's explicit command does this; nothing falls back to it silently.
    """
    permissions.require_admin(actor)
    if db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay).where(
            CalendarDay.region == region,
            CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))):
        raise InvalidInput(f"{year} already has a calendar", code="calendar_year_exists")
    day, rows = date(year, 1, 1), []
    while day.year == year:
        rows.append({"region": region, "day": day, "is_workday": day.weekday() < 5,
                     "note": "" if day.weekday() < 5 else "周末", "source": "weekends"})
        day += timedelta(days=1)
    db.session.execute(sa.insert(CalendarDay), rows)
    audit.record(actor, "calendar.year_added", region=region, year=year, source="weekends")
    calendar.invalidate()
    return len(rows)
