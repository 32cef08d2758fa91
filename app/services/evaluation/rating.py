"""The applicant's rating of a concluded case (一事一评) and the signed link that asks for it.

A rating freezes who is answerable for it (谁办理、谁负责): the case's department, the staff
member who completed its last step, that person's window and the item. A 差评 (不满意 or
worse) needs reasons from the national indicators and a comment, and opens a 整改."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from app.models import AuditEvent, Case, Notification, Post, db, utcnow
from app.models.evaluation import (BAD_LEVELS, CHANNEL_LABELS, LEVEL_LABELS,
                                   REASONS_BY_CHANNEL, Evaluation)
from app.services.evaluation import rectification
from app.services.workflow import audit, notifications
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound

CONCLUDED_CODES = (11, 12, 13)  # 办结（通过 / 容缺通过 / 不通过）
INVITATION, REMINDER = "rating_invitation", "rating_reminder"  # the notifications' kinds
COMMENT_MAX = 1000


def evaluation_of(case: Case) -> Evaluation | None:
    return db.session.scalar(sa.select(Evaluation).where(Evaluation.case_id == case.id))


def rate(case: Case, level, reasons, comment: str, channel: str,
         actor: Actor | None = None) -> Evaluation:
    """一事一评 of a concluded case, attributed to whoever handled it."""
    level, reasons, comment = validated(level, reasons, comment, channel)
    if case.status_code not in CONCLUDED_CODES:
        raise Conflict("a case is rated after it is concluded", code="case_not_concluded")
    if evaluation_of(case) is not None:
        raise Conflict("this case has already been rated", code="evaluation_exists")
    staff_id = _handler(case)
    return save(Evaluation(case_id=case.id, level=level, reasons=reasons, comment=comment,
                           channel=channel, department_id=case.item.department_id,
                           window_id=window_of(staff_id), staff_id=staff_id,
                           item_code=case.item.code, counted=True),
                case, actor or Actor.system(f"applicant:{channel}"))


def validated(level, reasons, comment: str, channel: str) -> tuple[int, list[str], str]:
    """The level, the reasons (only a 差评 keeps them) and the comment, or InvalidInput."""
    try:
        level = int(level)
    except (TypeError, ValueError):
        level = 0
    errors = []
    if level not in LEVEL_LABELS:
        errors.append({"field": "level", "message": "must be one of the five levels"})
    reasons = list(dict.fromkeys(str(r) for r in (reasons or [])))
    if any(r not in REASONS_BY_CHANNEL.get(channel, ()) for r in reasons):
        errors.append({"field": "reasons", "message": "not an indicator of this channel"})
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors.append({"field": "comment", "message": "is too long"})
    if channel not in CHANNEL_LABELS:
        errors.append({"field": "channel", "message": "unknown channel"})
    if errors:
        raise InvalidInput("the rating is not valid", code="evaluation_invalid", errors=errors)
    if level in BAD_LEVELS and (not reasons or not comment):
        raise InvalidInput("a dissatisfied or very dissatisfied rating needs reasons and a comment",
                           code="evaluation_reasons_required",
                           errors=[{"field": f, "message": "required"}
                                   for f, v in (("reasons", reasons), ("comment", comment)) if not v])
    return level, (reasons if level in BAD_LEVELS else []), comment


def save(evaluation: Evaluation, case: Case | None, actor: Actor) -> Evaluation:
    """Stores and audits a rating; a 差评 opens its 整改 in the same transaction."""
    db.session.add(evaluation)
    db.session.flush()
    audit.record(actor, "evaluation.rated", instance_id=case.instance_id if case else None,
                 evaluation_id=evaluation.id, level=evaluation.level,
                 reasons=evaluation.reasons, channel=evaluation.channel)
    if evaluation.bad:
        rectification.open_for(evaluation, case, actor)
    db.session.commit()
    return evaluation


def _handler(case: Case) -> int | None:
    """The staff member who completed the case's last step, else who received it."""
    last = db.session.scalar(sa.select(AuditEvent.actor_id).where(  # ids: the order done
        AuditEvent.instance_id == case.instance_id, AuditEvent.action == "task.completed",
        AuditEvent.actor_id.is_not(None)).order_by(AuditEvent.id.desc()).limit(1))
    return last or case.received_by


def window_of(staff_id: int | None) -> int | None:
    if staff_id is None:
        return None
    return db.session.scalar(sa.select(Post.window_id).where(
        sa.or_(Post.a_user_id == staff_id, Post.b_user_id == staff_id)).limit(1))


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="case-rating")


def rating_token(case: Case) -> str:
    return _serializer().dumps({"c": case.id})


def case_for_token(token: str) -> Case:
    try:
        data = _serializer().loads(token)
    except BadSignature:
        data = None
    case = db.session.get(Case, data.get("c")) if isinstance(data, dict) else None
    if case is None:
        raise NotFound("no case for this rating link", code="rating_link_invalid")
    return case


def rating_url(case: Case) -> str:
    """The link an SMS carries: PUBLIC_BASE_URL if set, else this request's (or
    SERVER_NAME's) address; a bare path only where neither is known."""
    token = rating_token(case)
    base = current_app.config.get("PUBLIC_BASE_URL") or ""
    if base:
        return f"{base.rstrip('/')}/public/rate/{token}"
    try:
        return url_for("public.rate", token=token, _external=True)
    except RuntimeError:  # a worker, no request and no SERVER_NAME
        return f"/public/rate/{token}"


def invite(case: Case, kind: str = INVITATION) -> None:
    """At 办结: the SMS (and in-app) invitation to rate, in the step's own transaction; again
    (REMINDER) when the case is still unrated some days later."""
    again = "您尚未评价，" if kind == REMINDER else ""
    body = (f"您申请的「{case.item.name}」（办件编号 {case.case_no}）已办结，"
            f"{again}欢迎对本次服务进行评价：{rating_url(case)}")
    notifications.tell_applicant(case.applicant_contact, kind, "好差评邀请", body,
                                 case.instance_id)


def remind_unrated(now=None) -> int:
    """Invite again the cases concluded RATING_REMINDER_DAYS (3) days ago or more and still
    unrated, once each (亳州 "一事多评"); idempotent, so a sweep may run it at any time."""
    days = current_app.config.get("RATING_REMINDER_DAYS", 3)
    before = (now or utcnow()) - timedelta(days=days)
    reminded = sa.select(Notification.instance_id).where(Notification.kind == REMINDER)
    rated = sa.select(Evaluation.case_id)
    due = list(db.session.scalars(sa.select(Case).where(
        Case.status_code.in_(CONCLUDED_CODES), Case.concluded_at <= before,
        Case.id.not_in(rated), Case.instance_id.not_in(reminded))))
    for case in due:
        invite(case, REMINDER)
        audit.record(Actor.system("rating-reminder"), "evaluation.reminded",
                     instance_id=case.instance_id, days=days)
    db.session.commit()
    return len(due)
