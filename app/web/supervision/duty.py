"""负责人值班 pages: /supervision/duty (schedule, my check-in, the month's report) and
/supervision/duty/notice (the month's printable 通报). The service decides who may do what."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from app.models.inspection import DUTY_PARTS
from app.security import current_actor
from app.services import supervision
from app.services.supervision import duty, inspections
from app.services.supervision.inspection_checklist import unit_heads
from app.web.blueprint import bp
from app.web.form_support import FailedForm, submit
from app.web.supervision import nav_entry

nav_entry("web.duty_page", _l("负责人值班"), units_too=True)


def _month() -> str:
    return inspections.month_or_current(request.args.get("month"))


def _page(failed: FailedForm | None = None) -> str:
    viewer = current_actor().user
    month = _month()
    rows = duty.report_for(viewer, month)
    units = duty.schedulable_units(viewer)
    return render_template(
        "supervision/duty.html", failed=failed, month=month, rows=rows,
        units=units, heads={u.id: unit_heads(u.id) for u in units},
        mine=duty.my_duties(viewer), upcoming=duty.upcoming(viewer), parts=DUTY_PARTS,
        may_check_in=lambda shift: duty.may_check_in(viewer, shift),
        may_cancel=lambda shift: duty.may_cancel(viewer, shift))


@bp.get("/supervision/duty")
def duty_page():
    return _page()


@bp.post("/supervision/duty")
def duty_schedule_form():
    actor = current_actor()
    fields = _unit_and_person(request.form)
    return submit("schedule", lambda: duty.schedule(actor.user, fields, actor),
                  _page, "web.duty_page")


def _unit_and_person(form) -> dict:
    """The page asks unit and person in one choice, `head` = "department_id:user_id"."""
    fields = form.to_dict()
    if "head" in fields:
        department_id, _, user_id = fields.pop("head").partition(":")
        fields.update(department_id=department_id, user_id=user_id)
    return fields


@bp.post("/supervision/duty/<int:duty_id>/check-in")
def duty_check_in_form(duty_id: int):
    actor = current_actor()
    return submit("rows", lambda: duty.check_in(duty.get(duty_id), actor.user, actor),
                  _page, "web.duty_page")


@bp.post("/supervision/duty/<int:duty_id>/cancel")
def duty_cancel_form(duty_id: int):
    actor = current_actor()
    return submit("rows", lambda: duty.cancel(duty.get(duty_id), actor.user, actor),
                  _page, "web.duty_page")


@bp.get("/supervision/duty/notice")
def duty_notice_page():
    viewer = current_actor().user
    month = _month()
    supervision.require_supervisor(viewer)  # the 通报 is the center's
    return render_template("supervision/duty_notice.html", month=month,
                           rows=duty.monthly_report(month), parts=DUTY_PARTS)
