"""应诉: 行政复议 and 行政诉讼 matters against a case's decision, and their answers."""
from __future__ import annotations

from flask import jsonify

from app.api import pages
from app.api.blueprint import bp, json_object
from app.api.representations import iso
from app.models import RemedyMatter
from app.security import current_actor
from app.services.cases import remedies


def remedy_json(row: RemedyMatter) -> dict:
    return {"id": row.id, "caseId": row.instance_id, "kind": row.kind,
            "reference": row.reference, "body": row.body,
            "receivedOn": iso(row.received_on), "answerDue": iso(row.answer_due),
            "representativeId": row.representative_id, "letterId": row.letter_id,
            "status": row.status, "answer": row.answer or None,
            "answeredAt": iso(row.answered_at)}


@bp.get("/cases/<int:instance_id>/remedies")
def list_remedies(instance_id: int):
    rows = remedies.listing(instance_id, current_actor())
    return jsonify(pages.page(remedy_json(row) for row in rows))


@bp.post("/cases/<int:instance_id>/remedies")
def record_remedy(instance_id: int):
    """{kind: reconsideration|litigation, body, reference, receivedOn} (201)."""
    return jsonify(remedy_json(remedies.record(instance_id, json_object(), current_actor()))), 201


@bp.post("/remedies/<int:matter_id>/answer")
def answer_remedy(matter_id: int):
    body = json_object()
    return jsonify(remedy_json(remedies.answer(matter_id, body.get("answer"), current_actor())))
