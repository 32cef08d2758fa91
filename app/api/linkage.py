"""三级联动 over HTTP: the signed endpoint peer deployments deliver to, the window's
timeline of a reported case, and the administrator's undelivered and dead-lettered messages."""
from __future__ import annotations

from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp
from app.api.representations import camel, iso
from app.models import LinkMessage
from app.security import current_actor
from app.services.linkage import admin as link_admin


@bp.post("/link/messages")
def link_receive():
    """Authenticated by the peer's HMAC signature instead of a user (see link_transport)."""
    uid = link_admin.receive_signed(request.headers, request.get_data(), request.remote_addr)
    return jsonify(acknowledged=uid), 202


@bp.get("/link/messages")
def link_messages():
    rows = link_admin.problem_messages(current_actor(),
                                       request.args.get("which", link_admin.UNDELIVERED))
    return jsonify(pages.page(_message(row) for row in rows))


@bp.post("/link/messages/<int:message_id>/redeliver")
def link_redeliver(message_id: int):
    status = link_admin.redeliver(message_id, current_actor())
    return jsonify(id=message_id, status=status)


@bp.get("/process-instances/<int:instance_id>/linkage")
def linkage_timeline(instance_id: int):
    timeline = link_admin.timeline_for(instance_id, current_actor().user)
    return jsonify(originCaseNo=timeline.origin_case_no,
                   holder=timeline.holder and timeline.holder["center"],
                   levels=[_camel(level, drop="messages") for level in timeline.levels],
                   messages=[_camel(m) for m in timeline.messages])


def _message(row: LinkMessage) -> dict:
    return {"id": row.id, "uid": row.uid, "direction": row.direction, "name": row.name,
            "fromCenter": row.from_center, "toCenter": row.to_center,
            "originCaseNo": row.origin_case_no, "status": row.status,
            "attempts": row.attempts, "lastError": row.last_error,
            "nextAttemptAt": iso(row.next_attempt_at), "createdAt": iso(row.created_at)}


def _camel(values: dict, drop: str = "") -> dict:
    return {camel(key): value for key, value in values.items() if key != drop}
