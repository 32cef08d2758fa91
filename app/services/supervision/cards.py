"""红黄牌 (seed 004 效能监察): a case shows its unit a yellow card when its 预警 is sent and a
red one when it goes past its promised time; each color once per case, counted for the unit
in the local month it was dealt. The unit's head (its 分管领导 and 首席代表) is told at once,
and the center watches the board live (/supervision/cards)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.models import Case, Department, HumanTask, User, db, utcnow
from app.models.accountability import COLOR_LABELS, COLORS, RED, YELLOW, Card
from app.models.identity import APPROVING_LEADER, CHIEF_REPRESENTATIVE
from app.models.task import OPEN
from app.services import calendar
from app.services.evaluation.figures import current_month, month_bounds
from app.services.organization import routing
from app.services.supervision import unit_list
from app.services.workflow import audit, notifications, time_text
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput

__all__ = ["COLORS", "RED", "YELLOW", "deal", "monthly_counts", "board", "of_case"]


def deal(case: Case, color: str, actor: Actor) -> Card | None:
    """The card of `color` for `case`, once: None when the case already holds it."""
    if color not in COLORS:
        raise InvalidInput(f"no card color {color!r}", code="card_color")
    if db.session.scalar(sa.select(Card.id).where(Card.case_id == case.id, Card.color == color)):
        return None
    card = Card(case_id=case.id, department_id=case.item.department_id, color=color,
                dealt_at=utcnow(), handler_id=handler_of(case))
    db.session.add(card)
    db.session.flush()
    audit.record(actor, "supervision.card", instance_id=case.instance_id, card_id=card.id,
                 color=color, department_id=card.department_id)
    _tell_unit_head(case, card)
    return card


def handler_of(case: Case) -> int | None:
    """Who handles the case now: the holder of its open task, else the window that took it."""
    held = db.session.scalar(sa.select(sa.func.coalesce(HumanTask.assignee_id,
                                                        HumanTask.claimed_by))
                             .where(HumanTask.instance_id == case.instance_id,
                                    HumanTask.state == OPEN)
                             .order_by(HumanTask.created_at.desc()).limit(1))
    return held or case.received_by


def unit_head(department_id: int) -> list[User]:
    """A unit's head for 效能监察: its approving leaders (分管领导) and chief representatives."""
    people = {u.id: u for role in (APPROVING_LEADER, CHIEF_REPRESENTATIVE)
              for u in routing.holders(role, department_id)}
    return list(people.values())


def _tell_unit_head(case: Case, card: Card) -> None:
    label = COLOR_LABELS[card.color]
    reason = "已发出预警" if card.color == YELLOW else "已超过承诺时限"
    body = (f"办件 {case.case_no or case.id}「{case.item.name}」{reason}，"
            f"于{time_text.document_datetime(card.dealt_at)}被亮{label}，"
            f"计入本单位 {calendar.to_local(card.dealt_at):%Y年%m月} 的红黄牌统计。")
    for user in unit_head(card.department_id):
        notifications.tell_user(user, f"card.{card.color}", f"效能监察：办件亮{label}", body,
                                case.instance_id)


def monthly_counts(start: datetime, end: datetime) -> dict[int, dict[str, int]]:
    """{department_id: {"yellow": n, "red": n}} of the cards dealt in [start, end)."""
    rows = db.session.execute(sa.select(Card.department_id, Card.color, sa.func.count())
                              .where(Card.dealt_at >= start, Card.dealt_at < end)
                              .group_by(Card.department_id, Card.color))
    counts: dict[int, dict[str, int]] = {}
    for department_id, color, count in rows:
        counts.setdefault(department_id, dict.fromkeys(COLORS, 0))[color] = count
    return counts


@dataclass
class CardedCase:
    case: Case
    color: str  # the case's worst card
    dealt_at: datetime
    handler: User | None


@dataclass
class Board:
    month: str
    units: list[tuple[Department, dict[str, int]]]
    open_cases: list[CardedCase]


def board(month: str, units: set[int] | None) -> Board:
    """The month's counts per unit (every visible unit, carded or not) and the cases still
    open that hold a card, red first, then by deadline."""
    counts = monthly_counts(*month_bounds(month))
    departments = unit_list.of_units(units)
    rows = [(d, counts.get(d.id, dict.fromkeys(COLORS, 0))) for d in departments]
    return Board(month, rows, _open_carded({d.id for d in departments}))


def _open_carded(units: set[int]) -> list[CardedCase]:
    query = (sa.select(Card, Case).join(Case, Case.id == Card.case_id)
             .where(Case.concluded_at.is_(None), Card.department_id.in_(units)))
    worst: dict[int, tuple[Card, Case]] = {}
    for card, case in db.session.execute(query):
        if case.id not in worst or card.color == RED:
            worst[case.id] = (card, case)
    people = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_({c.handler_id for c, _ in worst.values()})))}
    found = [CardedCase(case, card.color, card.dealt_at, people.get(card.handler_id))
             for card, case in worst.values()]
    return sorted(found, key=lambda c: (c.color != RED, c.case.deadline_at or c.dealt_at))


def checked_month(text: str | None) -> str:
    """A month chooser's value ("2026-03"); the current local month when none is given."""
    text = (text or "").strip()
    if not text:
        return current_month()
    if not re.fullmatch(r"(19|20|21)\d\d-(0[1-9]|1[0-2])", text):
        raise InvalidInput("month is YYYY-MM", code="invalid_filter",
                           errors=[{"field": "month", "message": "a month, e.g. 2026-03"}])
    return text


def of_case(case_id: int) -> list[Card]:
    return list(db.session.scalars(sa.select(Card).where(Card.case_id == case_id)
                                   .order_by(Card.dealt_at)))
