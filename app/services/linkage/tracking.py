"""Where a three-level case stands: each level's snapshot, and the timeline across levels.

Every message between levels carries the sender's snapshot of itself and of the levels it
has heard from, so the accepting window sees the whole chain without reading any other
center's database (they may be on other deployments).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.models import Case, CaseLink, Center, HumanTask, LinkLevel, LinkMessage, db, utcnow
from app.models.linkage import (DEAD, DELIVERED, LEVEL_REPLY, LEVEL_STATUS, OUT, PENDING, REPORT_UP,
                                SUPPLEMENT_REPLY)
from app.models.organization import CENTER_LEVELS
from app.models.process import COMPLETED
from app.models.task import OPEN
from app.services import calendar

HANDLING, WAITING_UPPER, WAITING_LOWER, CONCLUDED = (
    "handling", "waiting_upper", "waiting_lower", "concluded")
LEVEL_ORDER = {level: rank for rank, level in enumerate(reversed(CENTER_LEVELS))}  # county first


def center_of(code: str) -> Center | None:
    return db.session.scalar(sa.select(Center).where(Center.code == code))


def snapshot(link: CaseLink) -> dict:
    """This level as it stands now, in plain JSON (it travels in messages)."""
    case = db.session.get(Case, link.case_id)
    center = center_of(link.center_code)
    tasks = list(db.session.scalars(sa.select(HumanTask.title).where(
        HumanTask.instance_id == link.instance_id, HumanTask.state == OPEN)))
    return {
        "center": link.center_code, "center_name": center.name if center else link.center_code,
        "level": center.level if center else "", "case_no": case.case_no,
        "department": case.item.department.name, "item": case.item.name,
        "stage": _stage(link, case, tasks), "tasks": tasks, "status": case.status_name,
        "accepted_at": _iso(case.accepted_at), "deadline_at": _iso(case.deadline_at),
        "concluded_at": _iso(case.concluded_at), "decision": case.decision,
        "as_of": utcnow().isoformat(), "messages": _message_log(link),
    }


def _stage(link: CaseLink, case: Case, tasks: list[str]) -> str:
    if tasks:
        return HANDLING
    if case.concluded_at is not None:
        return CONCLUDED
    last = db.session.scalar(
        sa.select(LinkMessage).where(
            LinkMessage.direction == OUT, LinkMessage.from_center == link.center_code,
            LinkMessage.origin_case_no == link.origin_case_no, LinkMessage.name != LEVEL_STATUS)
        .order_by(LinkMessage.id.desc()).limit(1))
    if last is None:
        return HANDLING  # between steps of its own (no message sent yet)
    if last.name in (REPORT_UP, SUPPLEMENT_REPLY):
        return WAITING_UPPER
    kind = last.envelope.get("payload", {}).get("kind")
    return WAITING_LOWER if last.name == LEVEL_REPLY and kind == "supplement" else CONCLUDED


def _message_log(link: CaseLink) -> list[dict]:
    rows = db.session.scalars(sa.select(LinkMessage).where(
        LinkMessage.origin_case_no == link.origin_case_no,
        sa.or_(LinkMessage.from_center == link.center_code,
               LinkMessage.to_center == link.center_code)).order_by(LinkMessage.id))
    return [entry(row) for row in rows]


def entry(row: LinkMessage) -> dict:
    kind = row.envelope.get("payload", {}).get("kind") if row.envelope else None
    return {"uid": row.uid, "name": row.name, "kind": kind, "from": row.from_center,
            "to": row.to_center, "at": row.created_at.isoformat(), "status": row.status}


def known_levels(origin_case_no: str, exclude: str) -> list[dict]:
    rows = db.session.scalars(sa.select(LinkLevel).where(
        LinkLevel.origin_case_no == origin_case_no, LinkLevel.center_code != exclude))
    return [row.snapshot for row in rows]


def absorb(origin_case_no: str, levels: list[dict]) -> None:
    """Keep the newest snapshot of each level a message told us about."""
    for level in levels:
        as_of = datetime.fromisoformat(level["as_of"])
        row = db.session.scalar(sa.select(LinkLevel).where(
            LinkLevel.origin_case_no == origin_case_no,
            LinkLevel.center_code == level["center"]))
        if row is None:
            try:
                with db.session.begin_nested():  # another message of the chain may race us
                    db.session.add(LinkLevel(origin_case_no=origin_case_no,
                                             center_code=level["center"], snapshot=level,
                                             as_of=as_of))
                continue
            except IntegrityError:
                row = db.session.scalar(sa.select(LinkLevel).where(
                    LinkLevel.origin_case_no == origin_case_no,
                    LinkLevel.center_code == level["center"]))
        if as_of >= row.as_of:
            row.snapshot, row.as_of = level, as_of


@dataclass
class Timeline:
    origin_case_no: str
    levels: list[dict]  # county first; each with working_days_left and holds
    holder: dict | None  # the level handling the case now (None: a message is on its way)
    messages: list[dict]


def timeline(link: CaseLink) -> Timeline:
    levels = {level["center"]: level for level in known_levels(link.origin_case_no,
                                                              link.center_code)}
    levels[link.center_code] = snapshot(link)
    ordered = sorted(levels.values(), key=lambda lv: LEVEL_ORDER.get(lv["level"], 9))
    for level in ordered:
        level["holds"] = level["stage"] == HANDLING
        level["working_days_left"] = _days_left(level)
    messages: dict[str, dict] = {}
    for message in (m for level in ordered for m in level.get("messages", [])):
        known = messages.get(message["uid"])
        if known is None or _PROGRESS[message["status"]] > _PROGRESS[known["status"]]:
            messages[message["uid"]] = message
    return Timeline(link.origin_case_no, ordered,
                    next((lv for lv in ordered if lv["holds"]), None),
                    sorted(messages.values(), key=lambda m: m["at"]))


# Each level's snapshot lists the messages as they stood when it was taken: a message is as
# far as any copy of it (the sender's, the receiver's) has got.
_PROGRESS = defaultdict(int, {PENDING: 0, DEAD: 1, DELIVERED: 2})


def _days_left(level: dict) -> int | None:
    if not level.get("deadline_at") or level["stage"] == CONCLUDED:
        return None
    return calendar.working_days_between(utcnow(), level["deadline_at"])


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
