"""应诉: the department answers a 行政复议 or 行政诉讼 against a case's decision (seed 003's
应诉代理权, seed 001 (五)).

A matter is recorded on a concluded case by the department (its approving leader or chief
representative) or the center, on the day the copy of the application or complaint arrived.
The answer is due within 10 working days for 行政复议 (行政复议法 2023 arts. 48, 88) and
within 15 days for 行政诉讼 (行政诉讼法 art. 67; a last day off work moves to the next working
day, 民事诉讼法 art. 85 by art. 101). It is prepared by the chief representative whose letter
in force grants 应诉代理权 over the item, otherwise by the department's approving leaders; a
representative whose letter lapsed or stopped granting it may not answer
(`litigation_power_missing`): the matter moves to the leaders, who are told.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

import sqlalchemy as sa

from app.models import Case, Department, RemedyMatter, User, db, utcnow
from app.models.authorization import LITIGATION
from app.models.identity import APPROVING_LEADER, CHIEF_REPRESENTATIVE
from app.models.remedy import ANSWERED, LITIGATION_SUIT, OPEN, RECONSIDERATION, REMEDY_KINDS
from app.services import authorization, calendar
from app.services.organization import routing
from app.services.organization.checks import (Problems, Text, choice, clean_texts, get_or_404,
                                              past_day, required_text)
from app.services.workflow import audit, execution, instances, notifications
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, NotFound

TEXTS = {"reference": Text("reference", 80), "body": Text("body", 200, required=True)}
KIND_NAMES = {RECONSIDERATION: "行政复议", LITIGATION_SUIT: "行政诉讼"}


def register() -> None:
    """A matter's representative has a part in the case (pages and API alike)."""
    instances.also_viewable_by(represents)


def represents(user: User | None, instance_id: int) -> bool:
    return user is not None and db.session.scalar(sa.select(RemedyMatter.id).where(
        RemedyMatter.instance_id == instance_id,
        RemedyMatter.representative_id == user.id).limit(1)) is not None


def answer_due(kind: str, received_on: date) -> date:
    """The last day of the department's written answer."""
    if kind == RECONSIDERATION:
        return calendar.nth_workday_after(received_on, 10)
    return calendar.nth_workday_after(received_on + timedelta(days=15), 0)


def of_case(instance_id: int) -> list[RemedyMatter]:
    return list(db.session.scalars(sa.select(RemedyMatter).where(
        RemedyMatter.instance_id == instance_id).order_by(RemedyMatter.id)))


def listing(instance_id: int, actor: Actor) -> list[RemedyMatter]:
    """The case's matters, for the center, supervisors and the department's leaders and
    chief (an empty case shows nothing to anyone)."""
    rows = of_case(instance_id)
    if not rows and db.session.scalar(sa.select(Case.id).where(
            Case.instance_id == instance_id)) is None:
        raise NotFound(f"case {instance_id} does not exist", code="case_not_found")
    user = actor.user
    if rows and not may_handle(user, rows[0].department_id) and not user.is_supervisor:
        raise Forbidden("only the center, supervisors and the department's leaders and chief "
                        "read its remedy matters", code="not_remedy_handler")
    return rows


def get(matter_id: int) -> RemedyMatter:
    return get_or_404(RemedyMatter, matter_id, "remedy")


def may_handle(user: User | None, department_id: int) -> bool:
    """The center, and the department's approving leaders and chief representatives."""
    return user is None or user.is_admin or any(
        user.has_role(role, department_id) for role in (APPROVING_LEADER, CHIEF_REPRESENTATIVE))


def record(instance_id: int, fields, actor: Actor) -> RemedyMatter:
    """Record a 复议 or 诉讼 on a concluded case; its representative is told."""
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == instance_id))
    if case is None:
        raise NotFound(f"case {instance_id} does not exist", code="case_not_found")
    department_id = case.item.department_id
    if not may_handle(actor.user, department_id):
        raise Forbidden("only the center and the department's leaders and chief representative "
                        "record a remedy matter", code="not_remedy_handler")
    if case.concluded_at is None:
        raise Conflict(f"case {case.case_no} is not concluded: no decision to contest yet",
                       code="case_not_concluded")
    data = fields if isinstance(fields, Mapping) else {}
    problems = Problems()
    values = clean_texts(data, TEXTS, problems, partial=False)
    kind = choice(data, "kind", REMEDY_KINDS, problems, required=True)
    received = past_day(data.get("receivedOn"), "receivedOn", problems, required=True)
    problems.raise_if_any("invalid_remedy", "remedy matter")
    letter = authorization.granting_letter(LITIGATION, department_id, case.item.code,
                                           calendar.today())
    matter = RemedyMatter(**values, instance_id=instance_id, department_id=department_id,
                          kind=kind, received_on=received, answer_due=answer_due(kind, received),
                          representative_id=letter.grantee_id if letter else None,
                          letter_id=letter.id if letter else None, status=OPEN, answer="",
                          created_by=actor.user_id)
    db.session.add(matter)
    db.session.flush()
    audit.record(actor, "remedy.recorded", instance_id=instance_id, remedy_id=matter.id,
                 kind=kind, answer_due=matter.answer_due.isoformat(),
                 representative_id=matter.representative_id)
    _tell_handlers(matter, case)
    db.session.commit()
    return matter


def answer(matter_id: int, text, actor: Actor) -> RemedyMatter:
    """The written answer (答复书 / 答辩状), once, by the representative or the leaders."""
    answer_text = required_text(text, "answer", "the answer's points are required",
                                "invalid_remedy")
    execution.begin_write()
    matter = get(matter_id)
    db.session.refresh(matter, with_for_update=True)
    if matter.status == ANSWERED:
        raise Conflict("this matter has been answered", code="remedy_answered")
    _check_answerer(matter, actor)
    matter.status, matter.answer = ANSWERED, answer_text
    matter.answered_at, matter.answered_by = utcnow(), actor.user_id
    audit.record(actor, "remedy.answered", instance_id=matter.instance_id, remedy_id=matter.id,
                 late=calendar.today() > matter.answer_due)
    db.session.commit()
    return matter


def _check_answerer(matter: RemedyMatter, actor: Actor) -> None:
    user = actor.user
    if user is not None and user.has_role(APPROVING_LEADER, matter.department_id):
        return
    if user is None or user.id != matter.representative_id:
        raise Forbidden("the matter is answered by its representative (应诉代理人) or the "
                        "department's approving leader", code="not_remedy_representative")
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == matter.instance_id))
    letter = authorization.granting_letter(LITIGATION, matter.department_id, case.item.code,
                                           calendar.today())
    if letter is not None and letter.grantee_id == user.id:
        return
    reason = (f"本部门 {calendar.today().isoformat()} 无授予事项 {case.item.code} "
              "应诉代理权的有效授权书")
    matter.representative_id, matter.letter_id = None, None
    audit.record(actor, "remedy.rerouted", instance_id=matter.instance_id, remedy_id=matter.id,
                 reason=reason)
    _tell_handlers(matter, case)
    db.session.commit()  # the move stands though the answer is refused
    raise Forbidden(f"{reason}，由分管领导应诉", code="litigation_power_missing")


def _tell_handlers(matter: RemedyMatter, case: Case) -> None:
    department = db.session.get(Department, matter.department_id)
    people = [db.session.get(User, matter.representative_id)] if matter.representative_id \
        else routing.holders(APPROVING_LEADER, department.id)
    body = (f"办件 {case.case_no}「{case.item.name}」的{KIND_NAMES[matter.kind]}（{matter.body}）"
            f"须于 {matter.answer_due.isoformat()} 前书面答复，并提交作出决定的证据和依据。")
    for person in people:
        notifications.tell_user(person, "remedy_due", f"应诉：{KIND_NAMES[matter.kind]}", body,
                                matter.instance_id)
