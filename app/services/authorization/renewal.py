"""Renewing an authorization letter (授权书续期) for its next term, in one step.

Most letters end on 12-31 (原则上一年一签); without a successor every approval would move to
the leaders on 01-01. The successor repeats the letter (department, grantee, items and
powers, management powers, responsibilities, issuer) for the term that follows: from the
day after the old one ends, as long as it (a letter ending on 12-31 gets the next calendar
year). The old letter stays in force to its end, so one letter is in force every day. The
successor goes through letters' own validation and overlap rule; the link is kept on the old
letter (`renewed_by_id`), so a letter is renewed once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.models import AuthorizationLetter, db
from app.models.authorization import ACTIVE
from app.services import calendar, catalog
from app.services.authorization import letters
from app.services.workflow import audit, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict

OVERRIDES = ("number", "valid_from", "valid_until")  # what the person renewing may change
MAX_NUMBER = 64  # AuthorizationLetter.number's length


@dataclass(frozen=True)
class Proposal:
    """The successor a renewal would issue, as `letters.issue` takes its fields."""

    letter: AuthorizationLetter
    fields: dict
    dropped_items: list[str]  # granted by the old letter, no longer in the catalog


def term_after(start: date, end: date) -> tuple[date, date]:
    """The next term, as long as [start, end]: a term of whole months (a quarter) stays
    whole months; any other keeps its number of days. A letter of the calendar year gets the
    next calendar year, also when it started after 01-01 (issued mid-year for the rest of
    the year, e.g. after a personnel change): letters stay a year each (一年一签)."""
    following = end + timedelta(days=1)
    if (end.month, end.day) == (12, 31) and start.year == end.year:
        return following, date(following.year, 12, 31)
    for months in range(1, letters.MAX_TERM_MONTHS + 1):
        if letters.months_after(start, months) == following:
            return following, letters.months_after(following, months) - timedelta(days=1)
    return following, following + (end - start)


def next_term(letter: AuthorizationLetter, today: date) -> tuple[date, date]:
    """The term after the letter's; for a letter that lapsed long ago, the first such term
    not yet over (a successor already expired would help nobody)."""
    start, end = term_after(letter.valid_from, letter.valid_until)
    while end < today:
        start, end = term_after(start, end)
    return start, end


def _taken(number: str) -> bool:
    return db.session.scalar(sa.select(AuthorizationLetter.id)
                             .where(AuthorizationLetter.number == number)) is not None


def next_number(letter: AuthorizationLetter, start: date) -> str:
    """The old 文号 with its year moved to the new term's (姚政授〔2026〕1号 → 〔2027〕1号);
    without a year in it, or when that number is taken, a 续 suffix that is free."""
    year = str(letter.valid_from.year)
    base = re.sub(rf"(?<!\d){year}(?!\d)", str(start.year), letter.number)
    if base == letter.number:
        base = f"{letter.number}续"
    number, count = base, 1
    while _taken(number[:MAX_NUMBER]):
        count += 1
        number = f"{base}{count}"
    return number[:MAX_NUMBER]


def _require_renewable(letter: AuthorizationLetter) -> None:
    if letter.renewed_by_id is not None:
        successor = db.session.get(AuthorizationLetter, letter.renewed_by_id)
        raise Conflict(f"authorization letter {letter.number} was already renewed by "
                       f"{successor.number}", code="letter_already_renewed",
                       renewed_by_id=successor.id)
    if letter.status != ACTIVE or letter.ended_on is not None:
        raise Conflict(f"authorization letter {letter.number} is {letter.status}: only a "
                       f"letter not revoked or replaced is renewed", code="letter_not_active")


def propose(letter_id: int, actor: Actor) -> Proposal:
    """What renewing the letter today would issue (shown for confirmation; nothing written)."""
    permissions.require_admin(actor)  # renewing is issuing: the same people may
    letter = letters.get(letter_id)
    _require_renewable(letter)
    today = calendar.today()
    start, end = next_term(letter, today)
    current = {item.code for item in catalog.listing(department_id=letter.department_id)}
    fields = {
        "number": next_number(letter, start), "department_id": letter.department_id,
        "grantee_id": letter.grantee_id, "issuer": letter.issuer,
        "issued_on": today, "filed_on": today, "valid_from": start, "valid_until": end,
        "management_powers": list(letter.management_powers),
        "responsibilities": letter.responsibilities,
        "items": [{"item_code": row.item_code, "powers": list(row.powers)}
                  for row in letter.items if row.item_code in current],
    }
    dropped = [row.item_code for row in letter.items if row.item_code not in current]
    return Proposal(letter, fields, dropped)


def renew(letter_id: int, overrides: dict | None, actor: Actor) -> AuthorizationLetter:
    """Issue the letter's successor (`overrides`: number, valid_from, valid_until), audited
    `letter.renewed`; 409 letter_already_renewed the second time, letter_overlaps when the
    term meets another letter's (the old one included)."""
    permissions.require_admin(actor)
    old = letters.get(letter_id)
    letters.lock_department(old.department_id)  # two renewals at once: the second waits
    db.session.refresh(old)  # and then sees the first one's successor
    proposal = propose(letter_id, actor)
    chosen = {key: value for key, value in (overrides or {}).items()
              if key in OVERRIDES and value is not None}
    new = letters.add({**proposal.fields, **chosen}, actor, renews=old.id)
    old.renewed_by_id = new.id
    audit.record(actor, "letter.renewed", letter_id=old.id, renewed_by=new.id,
                 number=old.number, successor_number=new.number,
                 department_id=old.department_id, valid_from=new.valid_from.isoformat(),
                 valid_until=new.valid_until.isoformat())
    db.session.commit()
    return new


def links(letter: AuthorizationLetter) -> tuple[AuthorizationLetter | None,
                                                AuthorizationLetter | None]:
    """(the letter it renews, the letter renewing it), for the letter's page."""
    renews = db.session.scalar(sa.select(AuthorizationLetter)
                               .where(AuthorizationLetter.renewed_by_id == letter.id))
    renewed_by = (db.session.get(AuthorizationLetter, letter.renewed_by_id)
                  if letter.renewed_by_id else None)
    return renews, renewed_by
