"""The working-day calendar editor: a month at a time, one day corrected per form."""
from __future__ import annotations

import calendar as month_grid
from datetime import date

import sqlalchemy as sa
from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.http_inputs import db_int
from app.models import CalendarDay, db
from app.security import current_actor
from app.services import calendar
from app.services.calendar import admin as calendar_admin
from app.services.calendar import rules as calendar_rules
from app.services.workflow import permissions
from app.services.workflow.errors import InvalidInput, ServiceError
from app.web import problem_text
from app.web.blueprint import bp

WORKDAY, REST, HOLIDAY, SHIFTED_WORKDAY = "workday", "rest", "holiday", "shifted_workday"
# The notes the stored years (published or by rule) write for plain days off.
PLAIN_REST_NOTES = ("", "周末")
SHIFTED_NOTE = "调休上班"


def kind_names() -> dict[str, str]:
    return {WORKDAY: _("工作日"), REST: _("休息日"), HOLIDAY: _("法定节假日"),
            SHIFTED_WORKDAY: _("调休上班")}


def kind_of(row: CalendarDay) -> str:
    """The table stores only is_workday and a note; the four kinds are read back from them."""
    if row.is_workday:
        return SHIFTED_WORKDAY if row.day.weekday() >= 5 or row.note == SHIFTED_NOTE else WORKDAY
    return REST if row.note in PLAIN_REST_NOTES else HOLIDAY


def _region() -> str:
    return current_app.config["CALENDAR_REGION"]


def _month_rows(year: int, month: int) -> dict[date, CalendarDay]:
    """The month's stored days; a year not stored yet shows the days it is counted with."""
    last = month_grid.monthrange(year, month)[1]
    stored = {row.day: row for row in db.session.scalars(sa.select(CalendarDay).where(
        CalendarDay.region == _region(),
        CalendarDay.day.between(date(year, month, 1), date(year, month, last))))}
    if stored:
        return stored
    counted = calendar_rules.best_year(year).days
    return {day: CalendarDay(day=day, is_workday=d.is_workday, note=d.note)
            for day, d in counted.items() if day.month == month}


def _calendar_page(year: int, month: int, *, outcome: str | None = None,
                   refusal: str | None = None, refused: str | None = None):
    """`refused` names the form ("day", "year") a refusal belongs to: it is shown there,
    with what was typed (request.form) kept."""
    rows = _month_rows(year, month)
    weeks = month_grid.Calendar(firstweekday=0).monthdatescalendar(year, month)
    previous = (year - 1, 12) if month == 1 else (year, month - 1)
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    return render_template(
        "admin/calendar.html", year=year, month=month, weeks=weeks, rows=rows,
        kinds={d: kind_of(r) for d, r in rows.items()}, kind_names=kind_names(),
        previous=previous, following=following, outcome=outcome, refusal=refusal,
        refused=refused, kept=request.form if refused else {},
        library_years=calendar_admin.library_years(), status=calendar.year_status(year),
        stored=calendar_admin.year_row(_region(), year))


@bp.get("/admin/calendar")
def admin_calendar():
    permissions.require_admin(current_actor())
    today = calendar.today()
    year = request.args.get("year", today.year, type=db_int)
    month = request.args.get("month", today.month, type=db_int)
    if not (calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR and 1 <= month <= 12):
        raise InvalidInput(_("年份或月份无效"))
    return _calendar_page(year, month, outcome=request.args.get("outcome"))


@bp.post("/admin/calendar/day")
def admin_calendar_set_day():
    permissions.require_admin(current_actor())
    form = request.form
    try:
        day = _posted_date(form.get("day", ""))
    except InvalidInput as err:
        today = calendar.today()
        return _calendar_page(today.year, today.month, refusal=problem_text.for_people(err),
                              refused="day"), err.status
    kind = form.get("kind", "")

    moved = []

    def save():
        if kind not in kind_names():
            raise InvalidInput(_("请选择日期类型"))
        moved.append(calendar_admin.set_day(
            _region(), day, kind in (WORKDAY, SHIFTED_WORKDAY),
            _note_for(kind, form.get("note", "").strip()), current_actor()))
    return _calendar_write(day.year, day.month, save, "day",
                           lambda: _("已保存 %(day)s，%(count)s 个办件的期限随之调整。",
                                     day=day.isoformat(), count=moved[0]))


@bp.post("/admin/calendar/year")
def admin_calendar_add_year():
    permissions.require_admin(current_actor())
    year = request.form.get("year", 0, type=db_int)
    if not calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR:
        today = calendar.today()
        return _calendar_page(today.year, today.month, refusal=_("年份无效"), refused="year"), 400
    return _calendar_write(
        year, 1, lambda: calendar_admin.add_year_by_rule(_region(), year, current_actor()),
        "year",
        _("已按法定节假日规则生成 %(year)s 年日历（暂定），国务院公布放假安排后请录入通知。",
          year=year))


def _calendar_write(year: int, month: int, save, form: str, outcome):
    try:
        save()
    except ServiceError as err:
        db.session.rollback()
        return _calendar_page(year, month, refusal=problem_text.for_people(err),
                              refused=form), err.status
    db.session.commit()  # calendar_admin leaves the commit to its caller
    outcome = outcome() if callable(outcome) else outcome
    return redirect(url_for("web.admin_calendar", year=year, month=month, outcome=outcome),
                    code=303)


def _posted_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_("日期格式应为 YYYY-MM-DD")) from None


def _note_for(kind: str, note: str) -> str:
    """Keep the note consistent with kind_of(): a holiday needs a note that is not a plain
    rest-day note, and a shifted working day on a weekday is recognised by its note."""
    if kind == HOLIDAY and note in PLAIN_REST_NOTES:
        return kind_names()[HOLIDAY]
    if kind == SHIFTED_WORKDAY and not note:
        return SHIFTED_NOTE
    if kind == REST and note not in PLAIN_REST_NOTES:
        return ""  # any other note would read back as a holiday
    return note
