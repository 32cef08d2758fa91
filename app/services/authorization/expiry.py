"""Letters ending soon (授权书即将到期): listed, and their warning sent once.

A letter in force whose term ends within WARNING_DAYS, with no letter of its department in
force the day after (no renewal, no successor issued by hand), is ending soon: on the next
day routing would send every approval of the department to its leaders and its 授权率
would fall to 0. Administrators and the department's approving leaders are told once per
letter (`expiry_warned_at`, set in the notifications' transaction); the dashboard and the
letters page show it until a successor exists.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.models import AuthorizationLetter, Department, db, utcnow
from app.models.authorization import ACTIVE
from app.models.identity import CENTER_ADMIN
from app.services import calendar
from app.services.authorization import in_force_on
from app.services.organization import routing
from app.services.workflow import audit, execution, notifications
from app.services.workflow.actor import Actor

WARNING_DAYS = 30
KIND = "letter_expiring"


@dataclass(frozen=True)
class Ending:
    letter: AuthorizationLetter
    department: Department
    days_left: int  # 0: its last day is today


def ending_soon(today: date | None = None) -> list[Ending]:
    """Letters in force today, ending within WARNING_DAYS, that no letter follows."""
    today = today or calendar.today()
    candidates = db.session.scalars(
        sa.select(AuthorizationLetter)
        .where(in_force_on(today), AuthorizationLetter.status == ACTIVE,
               AuthorizationLetter.renewed_by_id.is_(None),
               AuthorizationLetter.valid_until <= today + timedelta(days=WARNING_DAYS))
        .order_by(AuthorizationLetter.valid_until, AuthorizationLetter.id)).all()
    found = []
    for letter in candidates:
        following = letter.valid_until + timedelta(days=1)
        if _in_force(letter.department_id, following):
            continue  # a successor issued by hand: nothing ends
        found.append(Ending(letter, db.session.get(Department, letter.department_id),
                            (letter.valid_until - today).days))
    return found


def _in_force(department_id: int, day: date) -> bool:
    return db.session.scalar(sa.select(AuthorizationLetter.id).where(
        AuthorizationLetter.department_id == department_id, in_force_on(day)).limit(1)) \
        is not None


def days_left(today: date | None = None) -> dict[int, int]:
    """Letter id -> days until it ends, for the letters ending soon (the letters page)."""
    return {e.letter.id: e.days_left for e in ending_soon(today)}


def _recipients(department_id: int) -> list:
    people = {u.id: u for u in routing.holders(CENTER_ADMIN, None)}
    people.update({u.id: u for u in routing.department_contacts(department_id)})
    return list(people.values())


def _claim(letter_id: int) -> bool:
    """Mark the letter warned; False if another sweep did first (the row decides)."""
    result = db.session.execute(
        sa.update(AuthorizationLetter)
        .where(AuthorizationLetter.id == letter_id,
               AuthorizationLetter.expiry_warned_at.is_(None))
        .values(expiry_warned_at=utcnow()))
    return result.rowcount == 1


def _tell(ending: Ending) -> int:
    letter, department = ending.letter, ending.department
    subject = f"授权书即将到期：{letter.number}"
    body = (f"{department.name}的授权书 {letter.number} 将于 {letter.valid_until.isoformat()} "
            f"到期（剩 {ending.days_left} 天），尚无续期的授权书。到期后该部门的审批将转由分管"
            f"领导办理，授权率将降为 0。请及时续期：/admin/letters/{letter.id}")
    people = _recipients(letter.department_id)
    for person in people:
        notifications.tell_user(person, KIND, subject, body, None)
    return len(people)


def warn_expiring(today: date | None = None) -> int:
    """Tell about each letter ending soon, once (beat runs it); the number of letters warned."""
    execution.begin_write()
    warned = 0
    for ending in ending_soon(today):
        if ending.letter.expiry_warned_at is not None or not _claim(ending.letter.id):
            continue
        told = _tell(ending)
        audit.record(Actor.system("letters"), "letter.expiry_warned",
                     letter_id=ending.letter.id, number=ending.letter.number,
                     department_id=ending.letter.department_id,
                     days_left=ending.days_left, recipients=told)
        warned += 1
    db.session.commit()
    return warned
