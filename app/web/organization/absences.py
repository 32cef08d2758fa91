"""The absences page (缺岗报备): who is away, who stands in, and filing a new absence."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from app.models import User, db
from app.models.organization import ABSENCE_REASONS
from app.security import current_actor
from app.services import calendar
from app.services.organization import absence_reports as absence_admin
from app.web.blueprint import bp
from app.web.form_support import FailedForm, posted, submit


def reason_names() -> dict[str, str]:
    return {"leave": _("休假"), "training": _("培训"), "meeting": _("会议"), "sick": _("病假"),
            "other": _("其他")}


def _absences_page(failed: FailedForm | None = None) -> str:
    user = current_actor().user
    rows = absence_admin.listing()
    people = absence_admin.people_filed_for_by(user)
    named = {u.id: u for u in people}
    named.update({u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(
        {r.user_id for r in rows} | {r.deputy_id for r in rows if r.deputy_id})))})
    return render_template(
        "organization/absences.html", failed=failed, absences=rows, people=named,
        today=calendar.today(), reasons=[(r, reason_names()[r]) for r in ABSENCE_REASONS],
        reason_names=reason_names(),
        people_options=[(u.id, f"{u.display_name} ({u.username})") for u in people],
        may_file_for={u.id for u in people})  # whose absence the user may also end early


@bp.get("/admin/absences")
def absences_page():
    return _absences_page()


@bp.post("/admin/absences")
def report_absence_form():
    return submit("absence", lambda: absence_admin.report(posted(), current_actor()),
                  _absences_page, "web.absences_page")


@bp.post("/admin/absences/<int:absence_id>/approve")
def approve_absence_form(absence_id: int):
    return submit("rows", lambda: absence_admin.approve(absence_id, current_actor()),
                  _absences_page, "web.absences_page")


@bp.post("/admin/absences/<int:absence_id>/end")
def end_absence_form(absence_id: int):
    return submit("rows", lambda: absence_admin.end_early(absence_id, current_actor()),
                  _absences_page, "web.absences_page")
