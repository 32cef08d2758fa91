"""领导小组 consent to a chief service officer's one-stop item list (seed 001 arts. 10–12).

A letter granting acceptance, direct approval and delivery over an item makes its grantee the
首席服务员 who takes that item's cases from intake to delivery himself (一人受理、全程服务、
一次办结: authorization.is_one_stop_officer). Seed 001 has the bureau's 首席服务员制 leading
group decide the person and his list (art. 10) and consent again to a renewal (art. 12). So
the one-stop items of a letter take effect only once an administrator records that consent,
with the minutes' number (会议纪要) and the day it was given; until then each power of the
letter holds item by item, but the case passes between the window and the chief as usual and
授权公示 does not publish the item as one-stop. A renewal or a replacement is a new letter: it
needs the group's consent anew.
"""
from __future__ import annotations

from datetime import date

from app.models import AuthorizationLetter, db, utcnow
from app.models.authorization import ACTIVE
from app.services import calendar
from app.services.authorization import ONE_STOP_POWERS, letters
from app.services.workflow import audit, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput

MINUTES_LENGTH = 80


def one_stop_items(letter: AuthorizationLetter) -> list[str]:
    """The items the letter gives its grantee from intake to delivery (with the consent)."""
    return [i.item_code for i in letter.items if ONE_STOP_POWERS <= set(i.powers)]


def record(letter_id: int, fields: dict, actor: Actor) -> AuthorizationLetter:
    """Record the leading group's consent (administrators): once per letter, on a letter in
    force or about to be, listing one-stop items. The group usually decides before the
    letter is issued (art. 10, then art. 11), so the day may precede the letter's."""
    permissions.require_admin(actor)
    fields = fields if isinstance(fields, dict) else {}
    consent_on, minutes = _checked(fields)
    letter = letters.get(letter_id)
    letters.lock_department(letter.department_id)
    db.session.refresh(letter)
    _refuse_unconsentable(letter)
    letter.group_consent_on, letter.group_consent_ref = consent_on, minutes
    letter.group_consent_by = actor.user_id
    audit.record(actor, "letter.group_consent", letter_id=letter.id, number=letter.number,
                 department_id=letter.department_id, consent_on=consent_on.isoformat(),
                 minutes=minutes, items=one_stop_items(letter), at=utcnow().isoformat())
    db.session.commit()
    return letter


def _checked(fields: dict) -> tuple[date, str]:
    errors = []
    minutes = fields.get("minutes")
    if not isinstance(minutes, str) or not minutes.strip():
        errors.append({"field": "minutes", "message": "the minutes' number (会议纪要文号) is required"})
    elif len(minutes.strip()) > MINUTES_LENGTH:
        errors.append({"field": "minutes", "message": f"at most {MINUTES_LENGTH} characters"})
    consent_on = None
    try:
        consent_on = letters.parse_day(fields.get("consent_on"), "consent_on")
    except InvalidInput as bad:
        errors.extend(bad.errors)
    if consent_on and consent_on > calendar.today():
        errors.append({"field": "consent_on", "message": "may not be in the future"})
    if errors:
        raise InvalidInput("the leading group's consent is incomplete",
                           code="invalid_group_consent", errors=errors)
    return consent_on, minutes.strip()


def _refuse_unconsentable(letter: AuthorizationLetter) -> None:
    if letter.status != ACTIVE or letter.valid_until < calendar.today():
        raise Conflict(f"authorization letter {letter.number} is no longer in force",
                       code="letter_not_active")
    if letter.group_consent_on is not None:
        raise Conflict(f"the leading group's consent to {letter.number} is already recorded "
                       f"({letter.group_consent_ref}, {letter.group_consent_on.isoformat()})",
                       code="group_consent_recorded")
    if not one_stop_items(letter):
        raise Conflict(f"authorization letter {letter.number} lists no item its grantee "
                       "takes from intake to delivery (受理决定权, 直接审批权 and 投递权 together)",
                       code="no_one_stop_items")
