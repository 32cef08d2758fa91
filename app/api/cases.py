"""A case's clock: extensions (延期, art. 42) and pauses (特别程序 / 补正, art. 45)."""
from flask import jsonify

from app.api.blueprint import bp, json_object
from app.api.representations import clock, clock_event
from app.security import current_actor
from app.services import cases
from app.services.cases import clock as case_clock
from app.services.workflow import instances


@bp.get("/cases/<int:instance_id>/clock")
def case_clock_detail(instance_id: int):
    instances.viewable(instance_id, current_actor().user)
    return jsonify(clock(cases.case_of(instance_id)))


@bp.post("/cases/<int:instance_id>/extensions")
def request_case_extension(instance_id: int):
    body = json_object()
    event = case_clock.request_extension(instance_id, body.get("days"), body.get("reason"),
                                         current_actor())
    return jsonify(clock_event(event)), 201


@bp.get("/extensions")
def pending_extensions():
    """The extension requests the caller may decide."""
    return jsonify([{**clock_event(e), "caseNo": c.case_no, "item": c.item.code,
                     "itemName": c.item.name, "applicant": c.applicant_name}
                    for e, c in case_clock.pending_for(current_actor().user)])


@bp.post("/extensions/<int:event_id>/decision")
def decide_case_extension(event_id: int):
    body = json_object()
    event = case_clock.decide_extension(event_id, body.get("approve"), body.get("note"),
                                        current_actor())
    return jsonify(clock_event(event))


@bp.post("/cases/<int:instance_id>/pauses")
def start_case_pause(instance_id: int):
    body = json_object()
    event = case_clock.start_pause(instance_id, body.get("kind"), body.get("procedure"),
                                   body.get("days"), body.get("reason"), current_actor())
    return jsonify(clock_event(event)), 201


@bp.post("/pauses/<int:event_id>/end")
def end_case_pause(event_id: int):
    event = case_clock.end_pause(event_id, json_object().get("note"), current_actor())
    return jsonify(clock_event(event))
