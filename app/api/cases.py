"""Cases: finding them (办件查询), and a case's clock: extensions (延期, art. 42) and pauses
(特别程序 / 补正, art. 45)."""
from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp, json_object
from app.api.representations import case, clock, clock_event, commitment_check, lenient_acceptance
from app.http_inputs import page_args
from app.security import current_actor
from app.services import cases
from app.services.cases import clock as case_clock
from app.services.cases import commitments, lenient
from app.services.cases import search
from app.services.workflow import instances
from app.services.workflow.errors import InvalidInput


SEARCH_FIELDS = {"caseNo": "case_no", "applicant": "applicant", "idNumber": "id_number",
                 "phone": "phone", "itemCode": "item_code", "departmentId": "department_id",
                 "status": "status", "receivedFrom": "received_from",
                 "receivedTo": "received_to", "page": "page"}


@bp.get("/cases")
def find_cases():
    """?caseNo=&applicant=&idNumber=&phone=&itemCode=&departmentId=&status=&receivedFrom=
    &receivedTo= among the cases the caller may see, newest received first; at least one
    field. Paged by `limit` (50) and the cursor `after`; `page` and `offset` still skip."""
    try:
        query = search.query_from({snake: request.args.get(camel)
                                   for camel, snake in SEARCH_FIELDS.items()})
    except InvalidInput as err:  # the problems named as the caller spelled them
        camel = {snake: name for name, snake in SEARCH_FIELDS.items()}
        err.errors = [{**p, "field": camel.get(p["field"], p["field"])} for p in err.errors]
        raise
    window = page_args(request.args, default_limit=search.PAGE_SIZE)
    after = pages.after_arg(search.NEWEST_FIRST)
    offset = window["offset"] + (query.page - 1) * window["limit"]  # ?page= as before
    rows, total, next_key = ([], 0, None) if query.is_empty else search.find_page(
        current_actor().user, query, after=after, limit=window["limit"], offset=offset)
    return jsonify(pages.page([{"processInstanceId": c.instance_id, **case(c)} for c in rows],
                              total=total, next=pages.encode(search.NEWEST_FIRST, next_key)))


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
    return jsonify(pages.page({**clock_event(e), "caseNo": c.case_no, "item": c.item.code,
                               "itemName": c.item.name, "applicant": c.applicant_name}
                              for e, c in case_clock.pending_for(current_actor().user)))


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


@bp.post("/cases/<int:instance_id>/lenient/received")
def lenient_materials_received(instance_id: int):
    """容缺受理: the deferred materials were brought; the result may then be delivered."""
    return jsonify(lenient_acceptance(lenient.record_received(instance_id, current_actor())))


@bp.post("/cases/<int:instance_id>/commitment-check")
def commitment_check_outcome(instance_id: int):
    """告知承诺 核查: {"outcome": "true" (属实) | "false" (承诺不实), "findings": "..."}."""
    body = json_object()
    return jsonify(commitment_check(commitments.record_outcome(
        instance_id, body.get("outcome"), body.get("findings"), current_actor())))
