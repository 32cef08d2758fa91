"""The 差评 closed loop: 整改 by the unit that handled the case (谁办理、谁负责) within
RECTIFICATION_WORKING_DAYS working days, the center's 回访, and 申诉复核.

States: open → rectified → followed_up; open → appealed → appeal_upheld (the rating no longer
counts) or back to open (refused). The unit's staff report and appeal; the center's
administrators follow up and decide appeals."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.models import Case, Membership, User, db, utcnow
from app.models.identity import APPROVING_LEADER, CENTER_ADMIN
from app.models.evaluation import (APPEAL_UPHELD, APPEALED, FOLLOWED_UP, OPEN, RECTIFIED,
                                   Evaluation, Rectification)
from app.services import calendar
from app.services.workflow import audit, notifications
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

TEXT_MAX = 2000


def open_for(evaluation: Evaluation, case: Case | None, actor: Actor) -> Rectification:
    days = current_app.config.get("RECTIFICATION_WORKING_DAYS", 15)
    now = utcnow()
    row = Rectification(evaluation_id=evaluation.id, evaluation=evaluation,
                        department_id=evaluation.department_id, state=OPEN, opened_at=now,
                        due_at=calendar.add_working_days(now, days))
    db.session.add(row)
    db.session.flush()
    _record(actor, "rectification.opened", row, case, days=days)
    return row


def get(rectification_id: int) -> Rectification:
    row = db.session.get(Rectification, rectification_id)
    if row is None:
        raise NotFound("no such rectification", code="rectification_not_found")
    return row


def overdue(row: Rectification, now=None) -> bool:
    """Not rectified by its due time (an upheld appeal owes no 整改)."""
    if row.state == APPEAL_UPHELD:
        return False
    return (row.rectified_at or now or utcnow()) > row.due_at


def escalate_overdue(now=None) -> int:
    """Tell the center's administrators and the unit's leaders (分管领导) of each 整改 past its
    due time and still open, once each; idempotent, so the worker's sweep may run it at any
    time. A pending appeal is the center's to decide, so it is not the unit's lateness."""
    now = now or utcnow()
    late = list(db.session.scalars(sa.select(Rectification).where(
        Rectification.state == OPEN, Rectification.due_at < now,
        Rectification.escalated_at.is_(None))))
    for row in late:
        row.escalated_at = now
        case = db.session.get(Case, row.evaluation.case_id) if row.evaluation.case_id else None
        subject = "差评整改逾期"
        body = (f"差评整改（第 {row.id} 号）已超过整改期限，尚未报送整改情况"
                + (f"，办件编号 {case.case_no}" if case and case.case_no else "") + "。")
        for user in _escalation_recipients(row):
            notifications.tell_user(user, "rectification.overdue", subject, body,
                                    case.instance_id if case else None)
        _record(Actor.system("rectification-watch"), "rectification.escalated", row, case)
    db.session.commit()
    return len(late)


def _escalation_recipients(row: Rectification) -> list[User]:
    leaders = sa.and_(Membership.role == APPROVING_LEADER,
                      Membership.department_id == row.department_id)
    return list(db.session.scalars(sa.select(User).join(Membership).where(
        sa.or_(Membership.role == CENTER_ADMIN, leaders), User.active.is_(True)).distinct()))


def follow_up_late(row: Rectification, now=None) -> bool:
    """The center's 回访 not recorded by its due time (FOLLOW_UP_WORKING_DAYS after the
    unit's report)."""
    if row.follow_up_due_at is None:
        return False
    return (row.followed_up_at or now or utcnow()) > row.follow_up_due_at


def is_unit_staff(user: User, row: Rectification) -> bool:
    return any(m.department_id == row.department_id for m in user.memberships)


def may_act_as_unit(user: User, row: Rectification) -> bool:
    return user.is_admin or is_unit_staff(user, row)


def report(row: Rectification, user: User, text: str, actor: Actor) -> None:
    """The unit's 整改 report."""
    _unit_only(user, row)
    _expect(row, OPEN)
    row.report, row.rectified_at, row.state = _text(text, "report"), utcnow(), RECTIFIED
    days = current_app.config.get("FOLLOW_UP_WORKING_DAYS", 5)
    row.follow_up_due_at = calendar.add_working_days(row.rectified_at, days)
    _record(actor, "rectification.reported", row, on_time=row.rectified_at <= row.due_at)


def follow_up(row: Rectification, user: User, answer: str, actor: Actor) -> None:
    """The center's 回访: the applicant's answer, recorded by an administrator."""
    _admin_only(user)
    _expect(row, RECTIFIED)
    row.follow_up, row.followed_up_at, row.state = _text(answer, "follow_up"), utcnow(), FOLLOWED_UP
    _record(actor, "rectification.followed_up", row)


def appeal(row: Rectification, user: User, text: str, actor: Actor) -> None:
    """申诉: the unit holds the rating mistaken or malicious."""
    _unit_only(user, row)
    _expect(row, OPEN)
    row.appeal, row.appealed_at, row.state = _text(text, "appeal"), utcnow(), APPEALED
    _record(actor, "rectification.appealed", row)


def decide_appeal(row: Rectification, user: User, upheld: bool, note: str, actor: Actor) -> None:
    """复核 by the center: upheld, the rating is not counted and the 整改 closes; refused, the
    unit rectifies after all."""
    _admin_only(user)
    _expect(row, APPEALED)
    row.appeal_decision, row.decided_at = _text(note, "appeal_decision"), utcnow()
    if upheld:
        row.state = APPEAL_UPHELD
        row.evaluation.counted = False
    else:
        row.state = OPEN
    _record(actor, "rectification.appeal_decided", row, upheld=bool(upheld))


def listing(user: User) -> list[Rectification]:
    """Every 整改 for an administrator; a unit's own for its staff."""
    query = sa.select(Rectification).order_by(Rectification.opened_at.desc())
    if not user.is_admin:
        units = [m.department_id for m in user.memberships if m.department_id]
        query = query.where(Rectification.department_id.in_(units))
    return list(db.session.scalars(query))


def _unit_only(user: User, row: Rectification) -> None:
    if not may_act_as_unit(user, row):
        raise Forbidden("only the unit that handled the case", code="not_rectifying_unit")


def _admin_only(user: User) -> None:
    if not user.is_admin:
        raise Forbidden("only a center administrator", code="not_admin")


def _expect(row: Rectification, state: str) -> None:
    if row.state != state:
        raise Conflict(f"the rectification is {row.state}, not {state}",
                       code="rectification_state")


def _text(value, field: str) -> str:
    text = (value or "").strip()
    if not text or len(text) > TEXT_MAX:
        raise InvalidInput(f"{field} is required (at most {TEXT_MAX} characters)",
                           code="rectification_text_required",
                           errors=[{"field": field, "message": "required"}])
    return text


def _record(actor: Actor, action: str, row: Rectification, case: Case | None = None,
            **detail) -> None:
    """On the case's record; a window visit's (no case) only in the audit trail."""
    case = case or (db.session.get(Case, row.evaluation.case_id) if row.evaluation.case_id
                    else None)
    audit.record(actor, action, instance_id=case.instance_id if case else None,
                 rectification_id=row.id, evaluation_id=row.evaluation_id,
                 state=row.state, **detail)
    if action != "rectification.opened":  # that one commits with the rating
        db.session.commit()
