"""Case events out (事件推送): what a 一网通办 portal or a 12345 hotline system follows instead of
polling every case — 受理, 补正, 办结 and every other change of a case's status.

Each change writes a CaseEvent in the step's own transaction (cases.set_status), so an event
exists exactly when its change was committed. Other systems either poll the feed with a
cursor (`GET /api/events?after=<id>`: ids only grow) or receive webhooks: every endpoint in
WEBHOOKS gets each event as a notification row on the `webhook` channel, which the outbox
worker POSTs signed like the linkage messages (app/services/linkage/transport.py), retries
with backoff and marks dead after its last attempt, for an administrator to requeue.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.request

import sqlalchemy as sa
from flask import current_app

from app.models import Case, CaseEvent, Notification, db, utcnow
from app.models.case import STATUS_NAMES
from app.models.event import CASE_STATUS_CHANGED
from app.models.identity import CENTER_ADMIN, INTEGRATOR, SUPERVISOR
from app.models.outbox import DEAD, PENDING, SENDING, SENT
from app.services.workflow import audit, notifications, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

WEBHOOK = "webhook"
EVENT, DELIVERY = "X-Govflow-Event", "X-Govflow-Delivery"
MAX_PAGE = 500
READERS = (INTEGRATOR, CENTER_ADMIN, SUPERVISOR)


def register() -> None:
    notifications.register_channel(WEBHOOK, send)


def endpoints() -> dict:
    return current_app.config.get("WEBHOOKS") or {}


def status_changed(case: Case, code: int, note: str, center: str) -> CaseEvent:
    """Record the change (in the caller's transaction) and queue it for every webhook."""
    event = CaseEvent(type=CASE_STATUS_CHANGED, instance_id=case.instance_id,
                      case_no=case.case_no, item_code=case.item.code,
                      department_code=case.item.department.code, status_code=code,
                      note=note or "")
    db.session.add(event)
    db.session.flush()  # the id is the event's cursor, in its body
    body = json.dumps({**as_json(event), "center": center}, ensure_ascii=False)
    for name in endpoints():
        notifications.enqueue(WEBHOOK, event.type, case.case_no or "", body, address=name,
                              instance_id=case.instance_id)
    return event


def as_json(event: CaseEvent) -> dict:
    return {"id": event.id, "type": event.type, "occurredAt": event.occurred_at.isoformat(),
            "processInstanceId": event.instance_id, "caseNo": event.case_no,
            "itemCode": event.item_code, "department": event.department_code,
            "statusCode": event.status_code,
            "statusName": STATUS_NAMES.get(event.status_code, str(event.status_code)),
            "note": event.note}


def feed(actor: Actor, after: str | None, limit: str | None) -> tuple[list[CaseEvent], int]:
    """The events after the cursor, oldest first, and the cursor to pass next time."""
    if actor.user is None or not any(actor.user.has_role(role) for role in READERS):
        raise Forbidden("case events are for integrations, administrators and supervisors",
                        code="events_not_allowed")
    cursor, size = _number("after", after, 0), _number("limit", limit, 100)
    if size < 1 or size > MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}", code="bad_limit")
    rows = list(db.session.scalars(sa.select(CaseEvent).where(CaseEvent.id > cursor)
                                   .order_by(CaseEvent.id).limit(size)))
    return rows, rows[-1].id if rows else cursor


def deliveries(actor: Actor, status: str | None) -> list[Notification]:
    """The webhook deliveries (newest first, 200 at most), e.g. the dead letters."""
    permissions.require_admin(actor)
    query = sa.select(Notification).where(Notification.channel == WEBHOOK)
    if status:
        if status not in (PENDING, SENDING, SENT, DEAD):
            raise InvalidInput(f"unknown status {status}", code="bad_status")
        query = query.where(Notification.status == status)
    return list(db.session.scalars(query.order_by(Notification.id.desc()).limit(200)))


def retry(actor: Actor, delivery_id: int) -> Notification:
    """A dead letter is sent again from a fresh set of attempts (audited)."""
    permissions.require_admin(actor)
    row = db.session.get(Notification, delivery_id)
    if row is None or row.channel != WEBHOOK:
        raise NotFound(f"webhook delivery {delivery_id} does not exist",
                       code="webhook_delivery_not_found")
    if row.status != DEAD:
        raise Conflict("only a dead webhook delivery is retried by hand",
                       code="webhook_delivery_not_dead")
    row.status, row.attempts, row.next_attempt_at = PENDING, 0, utcnow()
    audit.record(actor, "webhook.requeued", instance_id=row.instance_id, delivery=row.id,
                 endpoint=row.recipient_address)
    db.session.commit()
    return row


def delivery_json(row: Notification) -> dict:
    return {"id": row.id, "endpoint": row.recipient_address, "event": json.loads(row.body),
            "status": row.status, "attempts": row.attempts, "lastError": row.last_error,
            "nextAttemptAt": row.next_attempt_at.isoformat(),
            "sentAt": row.sent_at.isoformat() if row.sent_at else None}


def _number(name: str, text: str | None, default: int) -> int:
    if text is None or text == "":
        return default
    if not text.isdecimal() or len(text) > 18:
        raise InvalidInput(f"{name} must be a non-negative whole number", code=f"bad_{name}")
    return int(text)


def send(row: Notification) -> None:
    """POST one event to its endpoint; anything but a 2xx is retried by the outbox."""
    from app.services.linkage import transport
    endpoint = endpoints().get(row.recipient_address)
    if endpoint is None:
        raise RuntimeError(f"webhook {row.recipient_address} is no longer configured")
    body = row.body.encode()
    headers = transport.signed_headers(endpoint["secret"], current_app.config["CENTER_CODE"],
                                       body)
    headers.update({EVENT: row.kind, DELIVERY: str(row.id)})
    request = urllib.request.Request(endpoint["url"], data=body, method="POST", headers=headers)
    timeout = current_app.config.get("LINK_TIMEOUT_SECONDS", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            response.read(1024)
    except urllib.error.HTTPError as err:
        raise RuntimeError(f"HTTP {err.code} from {row.recipient_address}") from None
