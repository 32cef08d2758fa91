"""Three-level linkage (三级联动): delivering messages between the levels of one case.

Outgoing rows (written by link_outbox with the step that threw them) go to a center this
deployment serves by a local insert, or to a peer deployment over signed HTTP, retried with
backoff until acknowledged. Incoming rows are caught by the instance they are for; one that
arrives before its instance waits for it is kept and retried, never dropped, and a message
received twice is acknowledged and ignored. A 上报 that finds no instance starts one: the
receiving center's own case, item version, deadlines and staff.
"""
from __future__ import annotations

from datetime import timedelta

import jsonschema
import sqlalchemy as sa
from flask import current_app
from SpiffWorkflow.bpmn.util.event import BpmnEvent
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from sqlalchemy.exc import IntegrityError

from app.engine import runtime
from app.models import CaseLink, Center, Department, Item, LinkMessage, db, utcnow
from app.models.linkage import (DEAD, DELIVERED, IN, LEVEL_STATUS, MESSAGE_NAMES, OUT, PENDING,
                                REPORT_UP)
from app.models.process import COMPLETED, RUNNING, TERMINATED
from app.services import cases
from app.services.cases.opening import Subject
from app.services.linkage import materials as link_materials
from app.services.linkage import outbox as link_outbox
from app.services.linkage import tracking as link_tracking
from app.services.linkage import transport as link_transport
from app.services.workflow import audit, deployment, execution, instances
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden, InvalidInput, NotFound, ServiceError

ENVELOPE_SCHEMA = {
    "type": "object",
    "required": ["uid", "name", "from_center", "to_center", "origin_case_no", "payload",
                 "levels"],
    "properties": {
        "uid": {"type": "string", "minLength": 8, "maxLength": 36},
        "name": {"enum": list(MESSAGE_NAMES)},
        "from_center": {"type": "string", "minLength": 1, "maxLength": 32},
        "to_center": {"type": "string", "minLength": 1, "maxLength": 32},
        "origin_case_no": {"type": "string", "minLength": 1, "maxLength": 40},
        "payload": {"type": "object"},
        "levels": {"type": "array", "items": {"type": "object",
                                              "required": ["center", "as_of"]}},
        "attachments": {"type": "array", "items": {
            "type": "object", "required": ["filename", "content_type", "sha256", "data"],
            "properties": {"filename": {"type": "string", "minLength": 1, "maxLength": 255},
                           "content_type": {"type": "string", "maxLength": 100}}}},
    },
}
KEEP_RETRY_CAP = timedelta(minutes=5)  # a kept message is looked at again at least this often


class _Keep(Exception):
    """The receiving instance is not waiting for this message yet: keep it."""


# --- receiving -------------------------------------------------------------------------------

def receive(envelope: dict, actor: Actor) -> LinkMessage:
    """Store an incoming message once (by uid); return it, or the copy already stored."""
    problems = sorted(jsonschema.Draft202012Validator(ENVELOPE_SCHEMA).iter_errors(envelope),
                      key=lambda e: list(e.path))
    if problems:
        raise InvalidInput("not a three-level message", code="link_invalid", errors=[
            {"field": "/".join(map(str, p.path)) or "(body)", "message": p.message}
            for p in problems])
    link_materials.check(envelope.get("attachments") or [])
    if not served(envelope["to_center"]):
        raise NotFound(f"center {envelope['to_center']} is not served here",
                       code="link_unknown_center")
    existing = _inbound(envelope["uid"])
    if existing is not None:
        return existing
    link = _link(envelope["to_center"], envelope["origin_case_no"])
    _refuse_stranger(envelope, link)
    row = LinkMessage(uid=envelope["uid"], direction=IN, name=envelope["name"],
                      from_center=envelope["from_center"], to_center=envelope["to_center"],
                      origin_case_no=envelope["origin_case_no"], envelope=envelope,
                      instance_id=link.instance_id if link else None, status=PENDING)
    try:
        with db.session.begin_nested():  # a retry racing the first delivery of the same uid
            db.session.add(row)
    except IntegrityError:
        return _inbound(envelope["uid"])
    link_tracking.absorb(envelope["origin_case_no"], envelope["levels"])
    audit.record(actor, "link.received", instance_id=row.instance_id, name=row.name,
                 from_center=row.from_center, uid=row.uid)
    return row


def _refuse_stranger(envelope: dict, link: CaseLink | None) -> None:
    """A peer speaks only of the cases it is a level of: the level below or above ours in
    the case's chain, or, for a case not known here yet, the level reporting it up."""
    sender = envelope["from_center"]
    if link is None:
        allowed = envelope["name"] == REPORT_UP
    else:
        allowed = sender in (link.lower_center, link.upper_center)
    if not allowed:
        raise Forbidden(f"center {sender} is not a level of case {envelope['origin_case_no']}",
                        code="link_not_a_level")


def served(center_code: str) -> bool:
    """A center of this deployment: in our organization data and not a remote peer."""
    return not link_transport.is_remote(center_code) and db.session.scalar(
        sa.select(sa.literal(1)).where(Center.code == center_code)) is not None


def _inbound(uid: str) -> LinkMessage | None:
    return db.session.scalar(sa.select(LinkMessage).where(LinkMessage.direction == IN,
                                                          LinkMessage.uid == uid))


def _link(center_code: str, origin_case_no: str) -> CaseLink | None:
    return db.session.scalar(sa.select(CaseLink).where(
        CaseLink.center_code == center_code, CaseLink.origin_case_no == origin_case_no))


# --- delivering to instances -----------------------------------------------------------------

def deliver_inbound(message_id: int, actor: Actor) -> str:
    """Hand one kept message to its instance; idempotent. Returns the message's status."""
    execution.begin_write()
    row = _locked(message_id, IN)
    if row is None or row.status != PENDING:
        db.session.rollback()
        return row.status if row else "missing"
    try:
        _route(row, actor)
    except _Keep as reason:
        row.last_error = str(reason)
        row.next_attempt_at = utcnow() + min(timedelta(seconds=10 * 2 ** row.attempts),
                                             KEEP_RETRY_CAP)
    except ServiceError as err:  # e.g. no such item at this center: an administrator decides
        db.session.rollback()
        return _dead_letter(message_id, actor, err.detail)
    else:
        row.status, row.delivered_at, row.last_error = DELIVERED, utcnow(), None
        row.envelope = link_materials.without_contents(row.envelope)  # kept on the instance
    row.attempts += 1
    db.session.commit()
    return row.status


def _route(row: LinkMessage, actor: Actor) -> None:
    link = _link(row.to_center, row.origin_case_no)
    if row.name == LEVEL_STATUS:
        _relay_status(link, row, actor)
    elif row.name == REPORT_UP and link is None:
        row.instance_id = _start_upper(row, actor)
    elif link is None:
        raise NotFound(f"no case {row.origin_case_no} at center {row.to_center}",
                       code="link_unknown_case")
    else:
        row.instance_id = link.instance_id
        _catch(link.instance_id, row, actor)
    if row.instance_id is not None and row.name != LEVEL_STATUS:
        link_materials.store(row.instance_id, row.envelope.get("attachments") or [])


def _catch(instance_id: int, row: LinkMessage, actor: Actor) -> None:
    instance = execution.lock_instance(instance_id)
    if instance.state in (COMPLETED, TERMINATED):
        raise ServiceError(f"process instance {instance_id} has ended", code="instance_ended")
    if instance.state != RUNNING:
        raise _Keep(f"process instance {instance_id} is {instance.state}")
    workflow = runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))
    if row.name not in {event.name for event in workflow.waiting_events()}:
        raise _Keep(f"process instance {instance_id} is not waiting for {row.name} yet")
    event = BpmnEvent(MessageEventDefinition(row.name), row.envelope["payload"])
    execution.run_and_save(instance, workflow, actor, lambda wf: wf.catch(event))
    audit.record(actor, "link.caught", instance_id=instance_id, name=row.name, uid=row.uid)


def _start_upper(row: LinkMessage, actor: Actor) -> int:
    """A 上报 opens the receiving center's own case under its own version of the item."""
    envelope = row.envelope
    center = link_tracking.center_of(row.to_center)
    item = item_at(center, envelope.get("item", {}).get("basic_code", ""))
    instance, workflow = instances.create(
        deployment.latest(item.process_key), actor,
        subject=Subject(item, envelope.get("applicant") or {"name": "（未提供）"}),
        variables={"center_name": center.name, "can_report_up": _decided_above(center, item),
                   "origin_case_no": row.origin_case_no, "decision_reasons": "",
                   "legal_basis": "", "missing": [], "outcome": ""},
        business_key=row.origin_case_no)
    db.session.add(CaseLink(center_code=center.code, origin_case_no=row.origin_case_no,
                            origin_center=envelope.get("origin_center", row.from_center),
                            case_id=cases.case_of(instance.id).id, instance_id=instance.id,
                            lower_center=row.from_center))
    db.session.flush()
    event = BpmnEvent(MessageEventDefinition(REPORT_UP), envelope["payload"])

    def started_by_message(wf) -> None:
        runtime.advance(wf)  # to the message start event, which then waits for this message
        wf.catch(event)
    execution.run_and_save(instance, workflow, actor, started_by_message)
    audit.record(actor, "link.case_opened", instance_id=instance.id,
                 origin_case_no=row.origin_case_no, from_center=row.from_center)
    return instance.id


def _decided_above(center: Center, item: Item) -> bool:
    """Whether this level reviews and reports on: the item is decided by a higher level."""
    rank = link_tracking.LEVEL_ORDER  # county 0 .. province 2
    return center.parent_id is not None and rank[item.approval_level] > rank[center.level]


def item_at(center: Center, basic_code: str) -> Item:
    """The center's current item with this 基本编码 (the code shared across levels)."""
    item = db.session.scalar(sa.select(Item).join(Department).where(
        Department.center_id == center.id, Item.basic_code == basic_code,
        Item.superseded_at.is_(None)))
    if item is None:
        raise NotFound(f"{center.name} has no current item with basic code {basic_code}",
                       code="link_unknown_item")
    return item


def _relay_status(link: CaseLink | None, row: LinkMessage, actor: Actor) -> None:
    """Pass news from above down to the level below (its snapshots were absorbed already)."""
    if link is None or link.lower_center is None:
        return
    instance = execution.lock_instance(link.instance_id)
    link_outbox.record(instance, [(LEVEL_STATUS, row.envelope["payload"])], actor)


# --- delivering to other centers -------------------------------------------------------------

def deliver_outbound(message_id: int, actor: Actor) -> str:
    """Send one outbox row; idempotent. Returns the row's status."""
    row = db.session.get(LinkMessage, message_id)
    if row is None or row.direction != OUT or row.status != PENDING:
        return row.status if row else "missing"
    error = None
    if link_transport.is_remote(row.to_center):
        envelope = dict(row.envelope)
        db.session.rollback()  # hold no transaction (nor SQLite's lock) while on the network
        try:
            link_transport.post(envelope)
        except link_transport.PeerUnavailable as err:
            error = str(err)
    execution.begin_write()
    row = _locked(message_id, OUT)
    if row.status != PENDING:
        db.session.rollback()
        return row.status
    received = None
    if error is None and not link_transport.is_remote(row.to_center):
        received = receive(row.envelope, actor).id  # a center of this deployment: inbox here
    _settle(row, error, actor)
    db.session.commit()
    status = row.status
    if received is not None:  # catch it now rather than a sweep later
        deliver_inbound(received, actor)
    return status


def _settle(row: LinkMessage, error: str | None, actor: Actor) -> None:
    row.attempts += 1
    if error is None:
        row.status, row.delivered_at, row.last_error = DELIVERED, utcnow(), None
        row.envelope = link_materials.without_contents(row.envelope)  # the receiver has them
        audit.record(actor, "link.delivered", instance_id=row.instance_id, uid=row.uid,
                     to_center=row.to_center)
        return
    row.last_error = error
    if row.attempts >= current_app.config.get("LINK_MAX_ATTEMPTS", 20):
        row.status = DEAD
        audit.record(actor, "link.dead_lettered", instance_id=row.instance_id, uid=row.uid,
                     error=error)
    else:
        row.next_attempt_at = utcnow() + min(timedelta(seconds=15 * 2 ** (row.attempts - 1)),
                                             timedelta(hours=1))


def _dead_letter(message_id: int, actor: Actor, error: str) -> str:
    execution.begin_write()
    row = _locked(message_id, IN)
    row.status, row.last_error, row.attempts = DEAD, error, row.attempts + 1
    audit.record(actor, "link.dead_lettered", instance_id=row.instance_id, uid=row.uid,
                 error=error)
    db.session.commit()
    return row.status


def _locked(message_id: int, direction: str) -> LinkMessage | None:
    return db.session.scalars(sa.select(LinkMessage).where(
        LinkMessage.id == message_id, LinkMessage.direction == direction)
        .with_for_update().execution_options(populate_existing=True)).first()


# --- the worker's loop -----------------------------------------------------------------------

def due_ids(direction: str, limit: int = 100) -> list[int]:
    return list(db.session.scalars(
        sa.select(LinkMessage.id).where(LinkMessage.direction == direction,
                                        LinkMessage.status == PENDING,
                                        LinkMessage.next_attempt_at <= utcnow())
        .order_by(LinkMessage.id).limit(limit)))


def pump(actor: Actor, rounds: int = 20) -> int:
    """Deliver everything due, outbox first, until nothing is left to do now (tests, CLI)."""
    handled = 0
    for _ in range(rounds):
        outgoing, incoming = due_ids(OUT), due_ids(IN)
        db.session.rollback()
        if not outgoing and not incoming:
            break
        for message_id in outgoing:
            deliver_outbound(message_id, actor)
        for message_id in incoming:
            deliver_inbound(message_id, actor)
        handled += len(outgoing) + len(incoming)
    return handled
