"""首席事务代表任命书 (appointments of the chief representative): issued and ended by the
center's administrators, read by supervisors and the department's leaders and chief. Never
edited: end it (POST .../end) and issue a new one."""
from __future__ import annotations

from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp, json_object
from app.http_inputs import db_int
from app.models import AppointmentLetter
from app.security import current_actor
from app.services.authorization import appointments


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def appointment_json(row: AppointmentLetter, departments: dict, users: dict) -> dict:
    department, appointee = departments.get(row.department_id), users.get(row.appointee_id)
    return {"id": row.id, "number": row.number, "departmentId": row.department_id,
            "department": department.code if department else None,
            "appointeeId": row.appointee_id,
            "appointee": appointee.display_name if appointee else None,
            "issuer": row.issuer, "duties": row.duties, "issuedOn": _iso(row.issued_on),
            "filedOn": _iso(row.filed_on), "status": row.status, "endedOn": _iso(row.ended_on),
            "endReason": row.end_reason or None}


def _one(row: AppointmentLetter) -> dict:
    return appointment_json(row, *appointments.parties([row]))


@bp.get("/appointments")
def list_appointments():
    rows = appointments.listing(current_actor(),
                                request.args.get("departmentId", type=db_int))
    departments, users = appointments.parties(rows)
    return jsonify(pages.page(appointment_json(row, departments, users) for row in rows))


@bp.post("/appointments")
def issue_appointment():
    """Issue (201); the department's appointment in force ends that day with `reason`."""
    return jsonify(_one(appointments.issue(json_object(), current_actor()))), 201


@bp.get("/appointments/<int:appointment_id>")
def appointment_detail(appointment_id: int):
    return jsonify(_one(appointments.readable(appointment_id, current_actor())))


@bp.post("/appointments/<int:appointment_id>/end")
def end_appointment(appointment_id: int):
    reason = json_object().get("reason", "")
    return jsonify(_one(appointments.end(appointment_id, reason, current_actor())))
