"""The lead window's board and actions on joint cases (联审联办)."""
from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp, json_object
from app.api.representations import camel, clock_event, iso, provisional
from app.security import current_actor
from app.services.joint import board as joint_board

_ANSWERS = ("state", "conditions", "reasons", "legal_basis", "overdue", "formal_state")


def _cell(cell: joint_board.Cell) -> dict:
    o = cell.opinion
    return {"department": o.department.code, "departmentName": o.department.name,
            "lead": o.lead, "days": o.days, "deadlineAt": iso(o.deadline_at),
            "deadlineProvisional": provisional(o.deadline_at), "workingDaysLeft": cell.days_left, "answeredAt": iso(o.answered_at),
            "reminders": len(o.reminders),
            **{camel(name): getattr(o, name) for name in _ANSWERS}}


def _row(row: joint_board.Row) -> dict:
    return {"processInstanceId": row.instance.id, "caseNo": row.case.case_no,
            "item": row.case.item.code, "itemName": row.case.item.name,
            "applicant": row.case.applicant_name, "deadlineAt": iso(row.case.deadline_at),
            "deadlineProvisional": provisional(row.case.deadline_at),
            "workingDaysLeft": row.days_left,
            "departments": [_cell(c) for c in row.cells.values()],
            "openTasks": [{"id": t.id, "name": t.name, "title": t.title}
                          for t in row.open_tasks],
            "meetings": [{"id": m.id, "kind": m.kind, "heldAt": iso(m.held_at),
                          "place": m.place, "attendance": m.attendance} for m in row.meetings]}


@bp.get("/joint-cases")
def joint_cases():
    rows, _columns = joint_board.board(current_actor().user,
                                       include_closed=request.args.get("closed") == "true")
    return jsonify(pages.page(_row(r) for r in rows))


@bp.post("/joint-cases/<int:instance_id>/urge")
def urge_department(instance_id: int):
    body = json_object()
    opinion = joint_board.urge(instance_id, body.get("department_id"), current_actor())
    return jsonify(department=opinion.department.code, reminders=len(opinion.reminders))


@bp.post("/joint-cases/<int:instance_id>/extension")
def request_extension(instance_id: int):
    body = json_object()
    event = joint_board.request_extension(instance_id, body.get("days"), body.get("reason"),
                                          current_actor())
    return jsonify(requested=True, **clock_event(event)), 202


@bp.post("/joint-cases/<int:instance_id>/meetings")
def schedule_meeting(instance_id: int):
    body = json_object()
    meeting = joint_board.schedule_meeting(instance_id, body.get("kind"), body.get("held_at"),
                                           body.get("place"), current_actor())
    return jsonify(id=meeting.id, heldAt=iso(meeting.held_at)), 201


@bp.post("/joint-meetings/<int:meeting_id>/attendance")
def record_attendance(meeting_id: int):
    body = json_object()
    meeting = joint_board.record_attendance(meeting_id, body.get("department_id"),
                                            body.get("attended"), body.get("reason"),
                                            current_actor())
    return jsonify(id=meeting.id, attendance=meeting.attendance)
