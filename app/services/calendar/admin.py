"""Keeping the working-day calendar: years stored ahead of need, the State Council's notice
entered and confirmed, days corrected; every change moves the deadlines it touches.

Callers commit: a change of days and the deadlines it moves are one transaction.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.models import CalendarDay, CalendarYear, db, utcnow
from app.models.calendar import CONFIRMED, PROVISIONAL
from app.services import calendar
from app.services.calendar import changes as calendar_changes
from app.services.calendar import notice as calendar_notice
from app.services.calendar import rules as calendar_rules
from app.services.calendar.rules import Year
from app.services.workflow import audit, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput

library_years = calendar_rules.library_years

# How far ahead a deadline can reach: the longest legal limit (60 working days and a
# 15-day extension) plus holidays, rounded up. Years inside it are stored ahead of need.
HORIZON_DAYS = 150


@dataclass(frozen=True)
class Change:
    day: date
    was_workday: bool | None  # None: the day was not stored yet
    is_workday: bool
    note: str


@dataclass(frozen=True)
class Confirmation:
    year: int
    changes: list[Change]  # the days whose working status changed
    moved_instances: int


def year_row(region: str, year: int) -> CalendarYear | None:
    return db.session.get(CalendarYear, (region, year))


def years(region: str) -> list[CalendarYear]:
    return list(db.session.scalars(sa.select(CalendarYear).where(
        CalendarYear.region == region).order_by(CalendarYear.year)))


def coming_years(today: date) -> range:
    """This year to the year after the horizon's: the years to have stored now."""
    return range(today.year, (today + timedelta(days=HORIZON_DAYS)).year + 2)


def provisional_years(region: str, today: date) -> list[int]:
    """Years a deadline counted from today may reach that are still provisional (暂定)."""
    last = (today + timedelta(days=HORIZON_DAYS)).year
    return [year for year in range(today.year, last + 1)
            if calendar.year_status(year, region) != CONFIRMED]


def ensure_years(region: str, today: date, actor: Actor) -> list[int]:
    """Store the coming years that are missing (the published arrangement, else the rule),
    and confirm a provisional year the library has since published. Returns years added."""
    added = []
    for year in coming_years(today):
        row = year_row(region, year)
        if row is None:
            _store_year(region, calendar_rules.best_year(year), actor)
            added.append(year)
        elif row.status == PROVISIONAL and (published := calendar_rules.library_year(year)):
            _apply_year(region, published, "chinesecalendar", actor)
    return added


def keep_ahead(today: date | None = None) -> list[int]:
    """The worker's daily duty: the coming years stored before any deadline reaches them,
    and a year the library has since published confirmed. Idempotent; commits."""
    added = ensure_years(calendar.current_region(), today or calendar.today(),
                         Actor.system("calendar"))
    db.session.commit()
    return added


def seed_from_library(region: str, actor: Actor, years: range | None = None) -> int:
    """Store the library's published years the table does not have; returns rows added."""
    added = 0
    for year in years or library_years():
        if year_row(region, year) is None and not _has_days(region, year):
            added += _store_year(region, calendar_rules.library_year(year), actor)
    return added


def _has_days(region: str, year: int) -> bool:
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(CalendarDay).where(
        CalendarDay.region == region,
        CalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))))


def _store_year(region: str, counted: Year, actor: Actor) -> int:
    rows = [{"region": region, "day": day, "is_workday": d.is_workday, "note": d.note,
             "source": counted.source} for day, d in sorted(counted.days.items())
            if day.year == counted.year]
    db.session.execute(sa.insert(CalendarDay), rows)
    db.session.add(CalendarYear(region=region, year=counted.year, status=counted.status,
                                source=counted.source, document_no=""))
    audit.record(actor, "calendar.year_stored", region=region, year=counted.year,
                 status=counted.status, source=counted.source)
    calendar.invalidate()
    return len(rows)


def add_year_by_rule(region: str, year: int, actor: Actor) -> int:
    """An administrator starts a year ahead of the worker: provisional, by the law's rule."""
    permissions.require_admin(actor)
    _check_year(year)
    if year_row(region, year) is not None or _has_days(region, year):
        raise InvalidInput(f"{year} 年的工作日历已存在", field="year", code="calendar_year_exists")
    return _store_year(region, calendar_rules.best_year(year), actor)


def _check_year(year: int) -> None:
    if not calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR:
        raise calendar.CalendarOutOfRange(
            f"年份 {year} 超出可计算范围（{calendar.FIRST_YEAR}–{calendar.LAST_YEAR}）",
            field="year")


def preview_notice(region: str, year: int, text: str) -> tuple[calendar_notice.Arrangement,
                                                                list[Change]]:
    """What a notice would change against the year as it stands (provisional or not)."""
    _check_year(year)
    arrangement = calendar_notice.parse(year, text)
    counted = calendar_rules.notice_year(year, arrangement.holidays, arrangement.workdays)
    return arrangement, _changes(region, counted)


def confirm_notice(region: str, year: int, text: str, document_no: str,
                   actor: Actor) -> Confirmation:
    """Enter the State Council's notice for `year`: its days replace the year's, the year is
    confirmed (已核定) under the notice's 文号, and the deadlines it touches move."""
    permissions.require_admin(actor)
    document_no = (document_no or "").strip()
    if not document_no:
        raise InvalidInput("请填写通知文号（如 国办发明电〔2026〕7号）", field="document_no",
                           code="calendar_document_no_missing")
    if len(document_no) > 100:
        raise InvalidInput("文号不能超过 100 字", field="document_no")
    arrangement, _ = preview_notice(region, year, text)
    counted = calendar_rules.notice_year(year, arrangement.holidays, arrangement.workdays)
    changes, moved = _apply_year(region, counted, document_no, actor)
    return Confirmation(year, changes, moved)


def _changes(region: str, counted: Year) -> list[Change]:
    stored = {row.day: row for row in db.session.scalars(sa.select(CalendarDay).where(
        CalendarDay.region == region, CalendarDay.day.in_(list(counted.days))))}
    found = []
    for day, d in sorted(counted.days.items()):
        row = stored.get(day)
        was = row.is_workday if row is not None else calendar.is_workday(day, region)
        if was != d.is_workday:
            found.append(Change(day, was, d.is_workday, d.note))
    return found


def _apply_year(region: str, counted: Year, document_no: str,
                actor: Actor) -> tuple[list[Change], int]:
    changes = _changes(region, counted)
    for year in sorted({day.year for day in counted.days}):
        if year_row(region, year) is None:
            _store_year(region, calendar_rules.best_year(year), actor)
    for day, d in counted.days.items():
        row = db.session.get(CalendarDay, (region, day))
        if (row.is_workday, row.note) != (d.is_workday, d.note):
            row.is_workday, row.note, row.source = d.is_workday, d.note, counted.source
    row = year_row(region, counted.year)
    row.status, row.source, row.document_no = CONFIRMED, counted.source, document_no
    row.confirmed_at, row.confirmed_by = utcnow(), actor.user_id
    db.session.flush()
    calendar.invalidate()
    moved = calendar_changes.recount(region, {c.day for c in changes}, actor,
                                     f"{counted.year} 年放假安排已核定（{document_no}）")
    audit.record(actor, "calendar.year_confirmed", region=region, year=counted.year,
                 document_no=document_no, changed=[c.day.isoformat() for c in changes],
                 moved_instances=moved)
    return changes, moved


def set_day(region: str, day: date, is_workday: bool, note: str, actor: Actor) -> int:
    """An administrator's correction (a local holiday, a late 调休 notice); the deadlines it
    touches move. Returns the number of instances whose deadlines moved."""
    permissions.require_admin(actor)
    _check_year(day.year)
    if year_row(region, day.year) is None and not _has_days(region, day.year):
        _store_year(region, calendar_rules.best_year(day.year), actor)
    row = db.session.get(CalendarDay, (region, day))
    previous = row.is_workday
    row.is_workday, row.note, row.source = is_workday, note, "admin"
    db.session.flush()
    calendar.invalidate()
    moved = 0
    if previous != is_workday:
        moved = calendar_changes.recount(region, {day}, actor,
                                         f"{day.isoformat()} 改为{'工作日' if is_workday else '休息日'}"
                                         f"{'（' + note + '）' if note else ''}")
    audit.record(actor, "calendar.day_set", region=region, day=day.isoformat(),
                 previous=previous, is_workday=is_workday, note=note, moved_instances=moved)
    return moved
