"""The case's clock on pages: the handler asks for an extension (延期) and starts or ends a
特别程序 from the case page; the approver decides at /extensions. Deciding and ending are
confirmed first: neither can be undone."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user

from app.http_inputs import db_int
from app.models import CaseClockEvent, db
from app.security import current_actor
from app.services import calendar, cases
from app.services.cases import clock as case_clock
from app.services.workflow.errors import Conflict, InvalidInput, NotFound
from app.web import problem_text
from app.web.blueprint import bp
from app.web.cases.clock_section import event_kinds, procedure_names
from app.web.cases.intake import case_view
from app.web.form_support import submit


def _on_case_page(instance_id: int, form: str, action):
    """Run a clock action from the case page; a refusal shows the page again, worded."""
    return submit(form, action, lambda failed: case_view(instance_id, failed), "web.case_page",
                  instance_id=instance_id, _anchor="clock")


@bp.post("/cases/<int:instance_id>/extensions")
def case_extension_request(instance_id: int):
    days = request.form.get("days", type=db_int)
    return _on_case_page(instance_id, "extension", lambda: case_clock.request_extension(
        instance_id, days, request.form.get("reason", ""), current_actor()))


@bp.post("/cases/<int:instance_id>/pauses")
def case_pause_start(instance_id: int):
    form = request.form
    days = form.get("days", type=db_int)
    return _on_case_page(instance_id, "pause", lambda: case_clock.start_pause(
        instance_id, form.get("kind", ""), form.get("procedure") or None, days,
        form.get("reason", ""), current_actor()))


def _event(event_id: int) -> CaseClockEvent:
    event = db.session.get(CaseClockEvent, event_id)
    if event is None:
        raise NotFound(f"clock event {event_id} does not exist", code="clock_event_not_found")
    return event


def _confirm_page(event: CaseClockEvent, action: str, refusal: str | None = None):
    case = cases.case_of(event.instance_id)
    return render_template("cases/clock/confirm.html", event=event, case=case, action=action,
                           rule=case_clock.rule_for(case), refusal=refusal,
                           extended_days=case_clock.extended_days(case.instance_id),
                           kinds=event_kinds(), procedures=procedure_names(),
                           local=calendar.to_local)


def _confirmation(event_id: int, may, action: str):
    """The confirmation page, for those `may` (a case_clock.require_* check) lets in."""
    event = _event(event_id)
    may(cases.case_of(event.instance_id), current_user._get_current_object())
    return _confirm_page(event, action)


@bp.get("/pauses/<int:event_id>/end")
def pause_end_confirm(event_id: int):
    return _confirmation(event_id, case_clock.require_handler, "end")


@bp.post("/pauses/<int:event_id>/end")
def pause_end(event_id: int):
    event = _event(event_id)
    instance_id = event.instance_id
    return _on_case_page(instance_id, "end", lambda: case_clock.end_pause(
        event_id, request.form.get("note", ""), current_actor()))


@bp.get("/extensions")
def extension_approvals():
    return render_template("cases/clock/approvals.html",
                           pending=case_clock.pending_for(current_user._get_current_object()))


@bp.get("/extensions/<int:event_id>")
def extension_decision_page(event_id: int):
    return _confirmation(event_id, case_clock.require_approver, "decide")


@bp.post("/extensions/<int:event_id>/decision")
def extension_decision(event_id: int):
    event = _event(event_id)
    try:
        case_clock.decide_extension(event_id, request.form.get("approve") == "yes",
                                    request.form.get("note", ""), current_actor())
    except (InvalidInput, Conflict) as err:
        db.session.rollback()
        return _confirm_page(_event(event_id), "decide", problem_text.for_people(err)), \
            err.status
    return redirect(url_for("web.extension_approvals", decided=event.id), code=303)

