"""Three-level linkage for people: the signed endpoint peers call, the window's tracking of
its reported cases, and the administrator's view of undelivered and dead-lettered messages."""
from __future__ import annotations

import json
from datetime import timedelta

import sqlalchemy as sa

from app.models import AuditEvent, Case, CaseLink, Item, LinkMessage, User, db, utcnow
from app.models.linkage import DEAD, DELIVERED, IN, PENDING
from app.services.linkage import delivery as linkage
from app.services.linkage import tracking as link_tracking
from app.services.linkage import transport as link_transport
from app.services.organization import routing
from app.services.workflow import audit, execution, instances, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound, ServiceError

UNDELIVERED, DEAD_LETTERED = "undelivered", "dead"
REFUSALS_PER_MINUTE = 20  # audited refusals per address; beyond it, refused unrecorded


def receive_signed(headers, body: bytes, remote_addr: str | None) -> str:
    """A message from a peer deployment: verified, stored once, acknowledged by its uid."""
    execution.begin_write()
    try:
        sender = link_transport.verify(headers, body)
    except link_transport.LinkRefused as refused:
        db.session.rollback()
        _record_refusal(headers.get(link_transport.CENTER, "?"), refused, remote_addr)
        raise
    try:
        envelope = json.loads(body)
    except ValueError:
        raise InvalidInput("the body is not JSON", code="link_invalid") from None
    if not isinstance(envelope, dict) or envelope.get("from_center") != sender:
        raise InvalidInput(f"a message signed by {sender} must come from {sender}",
                           code="link_wrong_sender")
    row = linkage.receive(envelope, Actor(f"peer:{sender}", None, remote_addr))
    uid = row.uid
    db.session.commit()
    return uid


def _record_refusal(claimed: str, refused: ServiceError, remote_addr: str | None) -> None:
    """Audited, in bounded rows, at most REFUSALS_PER_MINUTE per address: anyone can post
    here, and a flood must neither fill the database nor hide the first refusals."""
    since = utcnow() - timedelta(minutes=1)
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "link.refused", AuditEvent.remote_addr == remote_addr,
        AuditEvent.at >= since))
    if recent >= REFUSALS_PER_MINUTE:
        raise TooManyRefusals("too many refused messages from this address; wait a minute",
                              code="link_rate_limited")
    audit.record(Actor(f"peer:{_printable(claimed, 32)}", None, remote_addr),
                 "link.refused", code=refused.code, reason=_printable(refused.detail, 300))
    db.session.commit()


def _printable(text: str, limit: int) -> str:
    """What a stranger sent, as it may be stored: printable and short."""
    return "".join(ch for ch in text[:limit] if ch.isprintable())


class TooManyRefusals(ServiceError):
    status, code, title = 429, "link_rate_limited", "Too many refused messages"


# --- the window's tracking -------------------------------------------------------------------

def timeline_for(instance_id: int, user: User) -> link_tracking.Timeline:
    instances.viewable(instance_id, user)  # 403 unless the user has a part in the case
    link = db.session.scalar(sa.select(CaseLink).where(CaseLink.instance_id == instance_id))
    if link is None:
        raise NotFound(f"process instance {instance_id} has not been reported to another level",
                       code="not_linked")
    return link_tracking.timeline(link)


def reported_cases(user: User, limit: int = 200) -> list[tuple[CaseLink, Case]]:
    """The chains this user's departments take part in (all of them for an administrator)."""
    stmt = (sa.select(CaseLink, Case).join(Case, Case.id == CaseLink.case_id)
            .order_by(CaseLink.id.desc()).limit(limit))
    if not user.is_admin:
        departments = {d for _, d in routing.scopes(user) if d is not None}
        stmt = stmt.join(Item, Item.id == Case.item_id).where(sa.or_(
            Item.department_id.in_(departments), Case.received_by == user.id))
    return [(link, case) for link, case in db.session.execute(stmt)]


# --- the administrator's view ----------------------------------------------------------------

def problem_messages(actor: Actor, which: str = UNDELIVERED, limit: int = 200) -> list:
    """Undelivered: pending after a failed attempt, or kept for an instance not waiting yet.
    Dead: given up after the last attempt, or impossible to deliver (no such item or case)."""
    permissions.require_admin(actor)
    if which not in (UNDELIVERED, DEAD_LETTERED):
        raise InvalidInput(f"which must be {UNDELIVERED} or {DEAD_LETTERED}",
                           errors=[{"field": "which", "message": "unknown value"}])
    stmt = sa.select(LinkMessage).order_by(LinkMessage.id.desc()).limit(limit)
    if which == DEAD_LETTERED:
        stmt = stmt.where(LinkMessage.status == DEAD)
    else:
        stmt = stmt.where(LinkMessage.status == PENDING, LinkMessage.attempts > 0)
    return list(db.session.scalars(stmt))


def redeliver(message_id: int, actor: Actor) -> str:
    """Put a message back in line with fresh attempts, and try it at once."""
    permissions.require_admin(actor)
    row = db.session.get(LinkMessage, message_id)
    if row is None:
        raise NotFound(f"link message {message_id} does not exist", code="link_not_found")
    if row.status == DELIVERED:
        raise Conflict(f"link message {message_id} was delivered already",
                       code="link_delivered")
    row.status, row.attempts, row.next_attempt_at = PENDING, 0, utcnow()
    audit.record(actor, "link.redelivered", instance_id=row.instance_id, uid=row.uid)
    db.session.commit()
    deliver = linkage.deliver_inbound if row.direction == IN else linkage.deliver_outbound
    return deliver(message_id, actor)
