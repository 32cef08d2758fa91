"""Outgoing three-level messages, written in the transaction of the step that threw them.

A level's process throws BPMN messages (report_up, level_reply, supplement_reply,
level_status); the step drains them from the engine before saving it and hands them here.
Each becomes an outbox row addressed by direction: up to the parent center, down to the
level that reported the case. A worker delivers the rows (see linkage).
"""
from __future__ import annotations

import json
import uuid

import sqlalchemy as sa

from app.models import Case, CaseLink, Center, LinkMessage, ProcessInstance, db, utcnow
from app.models.linkage import DOWNWARD, IN, MESSAGE_NAMES, OUT, PENDING, REPORT_UP, UPWARD
from app.services import cases
from app.services.linkage import materials as link_materials
from app.services.linkage import tracking as link_tracking
from app.services.workflow import audit
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput

DIRECTION_TEXT = {REPORT_UP: "上报至", "supplement_reply": "报送补正材料至",
                  "level_reply": "答复", "level_status": "告知"}


def record(instance: ProcessInstance, thrown: list[tuple[str, object]], actor: Actor) -> None:
    """Write an outbox row for each three-level message (name, payload) a step threw."""
    ours = [(name, payload) for name, payload in thrown if name in MESSAGE_NAMES]
    for name, _ in thrown:
        if name not in MESSAGE_NAMES:  # nobody here listens for it: say so, not keep it forever
            audit.record(actor, "message.unrouted", instance_id=instance.id, name=name)
    if not ours:
        return
    case = cases.case_of(instance.id)
    if case is None or not case.case_no:
        raise InvalidInput("a three-level message needs an accepted case",
                           code="link_without_case")
    link = link_for(case, instance)
    rows = [_row(link, case, name, actor) for name, _ in ours]
    db.session.flush()
    levels = [link_tracking.snapshot(link),  # one view of the levels for all of the step's rows
              *link_tracking.known_levels(link.origin_case_no, link.center_code)]
    for row, (_, payload) in zip(rows, ours):
        row.envelope = envelope(link, case, row, _plain(payload), levels)
    wake(instance.id)


def thrown_messages(workflow) -> list[tuple[str, object]]:
    """Drain the messages the engine queued (get_events() empties its queue)."""
    return [(event.event_definition.name, event.payload) for event in workflow.get_events()]


def link_for(case: Case, instance: ProcessInstance) -> CaseLink:
    """This level's link; the level that accepted the case creates it when it first reports."""
    link = db.session.scalar(sa.select(CaseLink).where(CaseLink.case_id == case.id))
    if link is None:
        code = cases.center_code(case)
        link = CaseLink(center_code=code, origin_case_no=case.case_no, origin_center=code,
                        case_id=case.id, instance_id=instance.id)
        db.session.add(link)
    return link


def _row(link: CaseLink, case: Case, name: str, actor: Actor) -> LinkMessage:
    to_center = _target(link, name)
    row = LinkMessage(uid=str(uuid.uuid4()), direction=OUT, name=name,
                      from_center=link.center_code, to_center=to_center,
                      origin_case_no=link.origin_case_no, instance_id=link.instance_id,
                      status=PENDING, envelope={})
    db.session.add(row)
    target = link_tracking.center_of(to_center)
    note = f"{DIRECTION_TEXT[name]}{target.name if target else to_center}"
    case.history = [*case.history, {"code": case.status_code, "at": utcnow().isoformat(),
                                    "note": note, "link": name}]
    audit.record(actor, "link.sent", instance_id=link.instance_id, name=name,
                 to_center=to_center, uid=row.uid)
    return row


def _target(link: CaseLink, name: str) -> str:
    if name in UPWARD:
        if link.upper_center is None:
            parent = db.session.scalar(sa.select(Center).where(
                Center.id == sa.select(Center.parent_id).where(
                    Center.code == link.center_code).scalar_subquery()))
            if parent is None:
                raise InvalidInput(f"center {link.center_code} has no upper level to report to",
                                   code="no_upper_level")
            link.upper_center = parent.code
        return link.upper_center
    assert name in DOWNWARD
    if link.lower_center is None:
        raise InvalidInput(f"center {link.center_code} accepted this case: there is no lower "
                           "level to answer", code="no_lower_level")
    return link.lower_center


def envelope(link: CaseLink, case: Case, row: LinkMessage, payload: dict,
             levels: list[dict]) -> dict:
    """What travels: the message, the item and applicant (for 上报), and the levels known."""
    body = {"uid": row.uid, "name": row.name, "from_center": row.from_center,
            "to_center": row.to_center, "origin_case_no": link.origin_case_no,
            "origin_center": link.origin_center, "sender_case_no": case.case_no,
            "payload": payload, "levels": levels}
    files = link_materials.outgoing(link, row)
    if files:
        body["attachments"] = files
    if row.name == REPORT_UP:
        body["item"] = {"code": case.item.code, "basic_code": case.item.basic_code,
                        "name": case.item.name}
        body["applicant"] = {"name": case.applicant_name}
    return body


def wake(instance_id: int) -> None:
    """Messages kept for this instance may be catchable now that it has moved on."""
    db.session.execute(sa.update(LinkMessage).where(
        LinkMessage.direction == IN, LinkMessage.status == PENDING,
        LinkMessage.instance_id == instance_id).values(next_attempt_at=utcnow()))


def _plain(payload) -> dict:
    """Task data as JSON: dates as text; a payload that is not an object is wrapped."""
    value = json.loads(json.dumps(payload, default=str, ensure_ascii=False))
    return value if isinstance(value, dict) else {"value": value}
