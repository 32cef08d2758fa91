"""Which letter (授权书) is in force, and whether a chief representative may still decide.

Lookups only (no writes; see letters for issuing and revoking). A task goes to a chief
representative because a letter (授权书) granted direct approval on the day it was created,
and an intake review stays at the window because one granted 受理决定权; by the time it is
completed the letter may have been revoked, replaced or may have expired, and a deputy's
filing may have ended.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.models import AuthorizationLetter, HumanTask, LetterItem, User, db
from app.models.authorization import (ACCEPTANCE, APPROVAL, COORDINATION, DELIVERY, LIAISON,
                                      REVOKED)
from app.models.identity import CHIEF_REPRESENTATIVE, JOINT_DEPARTMENT_LANE
from app.services.organization import absences
from app.services.workflow import memo

_LETTER_MODELS = (AuthorizationLetter, LetterItem)

# The steps the window takes only under a letter granting it the power over the item (seed
# 003: 受理决定权, 办理结果投递权), else the department's approving leader: the intake review
# and the delivery of the result (办结送达 / 统一发证送达, all named `deliver`).
WINDOW_POWER_TASKS = {"intake": ACCEPTANCE, "coordinate": COORDINATION, "deliver": DELIVERY}


def in_force_on(day: date):
    """SQL condition: the letter is in force on `day` (the rule of AuthorizationLetter.valid_on)."""
    letter = AuthorizationLetter
    return sa.and_(letter.valid_from <= day, letter.valid_until >= day,
                   sa.or_(letter.ended_on.is_(None), letter.ended_on > day))


def valid_letter(department_id: int, day: date) -> AuthorizationLetter | None:
    """The department's letter in force on `day` (at most one: letters may not overlap);
    read once per transaction (routing, the guards and the one-stop test all ask)."""
    return memo.remembered("valid_letter", (department_id, day),
                           lambda: _in_force({department_id}, day)[department_id],
                           depends_on=_LETTER_MODELS)


def read_valid_letters(department_ids: set[int], day: date) -> None:
    """valid_letter of many departments at once (a step routing a task to each of them)."""
    memo.remember_all("valid_letter", {(d, day): letter for d, letter in
                                       _in_force(department_ids, day).items()},
                      depends_on=_LETTER_MODELS)


def _in_force(department_ids: set[int], day: date) -> dict[int, AuthorizationLetter | None]:
    found: dict[int, AuthorizationLetter | None] = dict.fromkeys(department_ids)
    for letter in db.session.scalars(
            sa.select(AuthorizationLetter)
            .where(AuthorizationLetter.department_id.in_(department_ids), in_force_on(day))
            .order_by(AuthorizationLetter.id)):
        found[letter.department_id] = letter  # the newest wins
    return found


def granting_letter(power: str, department_id: int | None, item_code: str | None,
                    day: date) -> AuthorizationLetter | None:
    """The department's letter in force on `day` if it grants `power` over the item: the one
    test routing, the completion guards and the 授权率 (rate.py) all count by."""
    letter = valid_letter(department_id, day) if department_id and item_code else None
    return letter if grants(letter, power, item_code) else None


def grants(letter: AuthorizationLetter | None, power: str, item_code: str | None) -> bool:
    return letter is not None and power in letter.powers_for(item_code or "")


def direct_approval_letter(department_id: int, item_code: str,
                           day: date) -> AuthorizationLetter | None:
    """The letter in force on `day` if it grants direct approval (审核审批权) of the item."""
    return granting_letter(APPROVAL, department_id, item_code, day)


# 首席服务员 (seed 001: 一人受理、全程服务、一次办结): a letter granting all three over an item
# makes its grantee take the item's cases from intake to delivery himself.
ONE_STOP_POWERS = frozenset({ACCEPTANCE, APPROVAL, DELIVERY})


def is_one_stop_officer(user: User | None, department_id: int | None, item_code: str | None,
                        day: date) -> bool:
    """Whether `user` is the chief service officer who takes the item's cases through every
    step himself: the grantee of the letter in force that grants acceptance, direct approval
    and delivery, with the leading group's consent recorded. The letter is read only for a
    chief representative of the department."""
    if user is None or not user.has_role(CHIEF_REPRESENTATIVE, department_id):
        return False
    letter = valid_letter(department_id, day) if department_id and item_code else None
    return (letter is not None and letter.grantee_id == user.id
            and ONE_STOP_POWERS <= letter.powers_for(item_code) and group_consented(letter, day))


def group_consented(letter: AuthorizationLetter, day: date) -> bool:
    """Whether the leading group (领导小组) had consented to the letter's one-stop list by
    `day` (group_consent.py): without it no item of the letter is one-stop."""
    return letter.group_consent_on is not None and letter.group_consent_on <= day


def acceptance_letter(department_id: int | None, item_code: str | None,
                      day: date) -> AuthorizationLetter | None:
    """The letter in force on `day` if it grants the acceptance decision (受理决定权) over
    the item to the department's chief representative, under whom its window works."""
    return granting_letter(ACCEPTANCE, department_id, item_code, day)


def lapse_reason(task: HumanTask, user: User, day: date) -> str | None:
    """Why `user` may no longer decide `task` under its letter on `day`; None if they may.

    An intake review or a delivery kept at the window by its letter is judged by the window
    powers' guard (window_powers.py), with the decision in view: a refusal of acceptance has
    its own rules (否定报备)."""
    if task.authorization_letter_id is None or task.name in WINDOW_POWER_TASKS:
        return None
    letter = db.session.get(AuthorizationLetter, task.authorization_letter_id)
    if not letter.valid_on(day):
        return _ended(letter, day)
    if task.lane == JOINT_DEPARTMENT_LANE:
        if LIAISON not in letter.management_powers:
            return f"授权书 {letter.number} 未授予参与联办的职权"
    elif APPROVAL not in letter.powers_for(task.item_code or ""):
        return f"授权书 {letter.number} 未授予事项 {task.item_code} 的直接审批权"
    if user.id == letter.grantee_id:
        return None
    absence = absences.covering(letter.grantee_id, day)
    if absence is not None and absence.deputy_id == user.id:
        return None
    return f"您不是授权书 {letter.number} 的被授权人，也不是其备案的临时代行人"


def _ended(letter: AuthorizationLetter, day: date) -> str:
    if letter.ended_on is not None and letter.ended_on <= day:
        how = "撤销" if letter.status == REVOKED else "更换"
        return f"授权书 {letter.number} 已于 {letter.ended_on.isoformat()} {how}"
    if day > letter.valid_until:
        return f"授权书 {letter.number} 已于 {letter.valid_until.isoformat()} 到期"
    return f"授权书 {letter.number} 自 {letter.valid_from.isoformat()} 起生效"
