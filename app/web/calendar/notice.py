"""Entering the State Council's holiday notice: paste it as published, see what it changes
against the year as counted now, confirm (the year becomes 已核定 and deadlines move)."""
from __future__ import annotations

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.http_inputs import db_int
from app.models import db
from app.security import current_actor
from app.services import calendar
from app.services.calendar import admin as calendar_admin
from app.services.workflow import permissions
from app.services.workflow.errors import ServiceError
from app.web import problem_text
from app.web.blueprint import bp


def _region() -> str:
    return current_app.config["CALENDAR_REGION"]


def _page(year: int, *, text: str = "", document_no: str = "", changes=None,
          arrangement=None, refusal: str | None = None, status: int = 200):
    return render_template(
        "admin/calendar_notice.html", year=year, text=text, document_no=document_no,
        changes=changes, arrangement=arrangement, refusal=refusal,
        weekday_names=[_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")],
        status=calendar.year_status(year), stored=calendar_admin.year_row(_region(), year)), \
        status


def _year() -> int:
    default = calendar.today().year + 1
    year = request.values.get("year", default, type=db_int)
    return year if calendar.FIRST_YEAR <= year <= calendar.LAST_YEAR else default


@bp.get("/admin/calendar/notice")
def admin_calendar_notice():
    permissions.require_admin(current_actor())
    return _page(_year())


@bp.post("/admin/calendar/notice")
def admin_calendar_notice_post():
    """Step one previews (nothing saved); step two, with confirm=yes, confirms the year."""
    actor = current_actor()
    permissions.require_admin(actor)
    year, form = _year(), request.form
    text, document_no = form.get("text", ""), form.get("document_no", "").strip()
    kept = {"text": text, "document_no": document_no}
    try:
        if form.get("confirm") != "yes":
            arrangement, changes = calendar_admin.preview_notice(_region(), year, text)
            return _page(year, changes=changes, arrangement=arrangement, **kept)
        done = calendar_admin.confirm_notice(_region(), year, text, document_no, actor)
    except ServiceError as err:
        db.session.rollback()
        return _page(year, refusal=problem_text.for_people(err), status=err.status, **kept)
    db.session.commit()
    outcome = _("%(year)s 年放假安排已核定（%(no)s）：%(days)s 天有变化，%(moved)s 个办件的期限随之调整。",
                year=year, no=document_no, days=len(done.changes), moved=done.moved_instances)
    return redirect(url_for("web.admin_calendar", year=year, month=1, outcome=outcome), code=303)
