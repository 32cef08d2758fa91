"""Absences (缺岗报备): who is away, who stands in."""
from datetime import date

from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp, json_object
from app.api.representations import iso
from app.http_inputs import db_int
from app.models import Absence
from app.security import current_actor
from app.services.organization import absence_reports as absence_admin
from app.services.workflow.errors import InvalidInput


def absence_json(a: Absence) -> dict:
    note = a.note if absence_admin.may_read_note(current_actor().user, a) else None
    return {"id": a.id, "userId": a.user_id, "startsOn": iso(a.starts_on),
            "endsOn": iso(a.ends_on), "reason": a.reason, "note": note,
            "deputyId": a.deputy_id, "filedAt": iso(a.filed_at), "filedBy": a.filed_by,
            "approvedAt": iso(a.approved_at), "approvedBy": a.approved_by,
            "endedEarlyAt": iso(a.ended_early_at), "handedOverAt": iso(a.handed_over_at),
            "returnedAt": iso(a.returned_at)}


@bp.get("/absences")
def list_absences():
    on = request.args.get("on")
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        raise InvalidInput("on must be a date YYYY-MM-DD") from None
    rows = absence_admin.listing(user_id=request.args.get("userId", type=db_int), on=day)
    return jsonify(pages.page(absence_json(a) for a in rows))


@bp.post("/absences")
def report_absence():
    return jsonify(absence_json(absence_admin.report(json_object(), current_actor()))), 201


@bp.get("/absences/<int:absence_id>")
def absence_detail(absence_id: int):
    return jsonify(absence_json(absence_admin.get(absence_id)))


@bp.post("/absences/<int:absence_id>/end")
def end_absence(absence_id: int):
    return jsonify(absence_json(absence_admin.end_early(absence_id, current_actor())))


@bp.post("/absences/<int:absence_id>/approve")
def approve_absence(absence_id: int):
    """The center's consent to a leave (请假经中心同意)."""
    return jsonify(absence_json(absence_admin.approve(absence_id, current_actor())))
