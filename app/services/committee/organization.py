"""Who sits on a department's decision committee (审批决策委员会), and who presides.

The seats are organization data: committee_member memberships in the department, each
with its position (chair 主任, executive vice chair 常务副主任, vice chairs 副主任, members
成员). A department has a committee when it seats a chair and at least two others: a
decision of one or two people is not collective. Setting the seats needs a center
administrator, is audited and commits.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.models import Department, Membership, User, db
from app.models.committee import CHAIR, EXECUTIVE_VICE_CHAIR, MEMBER, POSITION_LABELS, POSITIONS
from app.models.identity import COMMITTEE_MEMBER
from app.services.organization import absences
from app.services.organization.checks import Problems, as_id, get_or_404
from app.services.workflow import audit, permissions
from app.services.workflow.actor import Actor

MIN_SEATS = 3
_RANK = {position: rank for rank, position in enumerate(POSITIONS)}


@dataclass(frozen=True)
class Seat:
    user: User
    position: str

    @property
    def label(self) -> str:
        return POSITION_LABELS[self.position]

    def as_data(self) -> dict:
        """What the process keeps of a seat (plain JSON in the workflow's data)."""
        return {"user_id": self.user.id, "name": self.user.display_name,
                "position": self.position}


def seats(department_id: int | None) -> list[Seat]:
    """The active members of the department's committee, chair first."""
    if department_id is None:
        return []
    rows = db.session.execute(
        sa.select(User, Membership.committee_position).join(Membership)
        .where(Membership.role == COMMITTEE_MEMBER, Membership.department_id == department_id,
               User.active.is_(True))).all()
    found = [Seat(user, position if position in POSITIONS else MEMBER) for user, position in rows]
    return sorted(found, key=lambda s: (_RANK[s.position], s.user.id))


def has_committee(department_id: int | None) -> bool:
    found = seats(department_id)
    return len(found) >= MIN_SEATS and any(s.position == CHAIR for s in found)


def presiding(department_id: int | None, day: date) -> tuple[int | None, int | None]:
    """(who rules for the committee, the absent chair they stand in for): the chair, or
    while the chair is away the executive vice chair (常务副主任); the chair when neither
    is present, so the ruling waits for them."""
    found = seats(department_id)
    chair = next((s.user.id for s in found if s.position == CHAIR), None)
    if chair is None or absences.covering(chair, day) is None:
        return chair, None
    for seat in found:
        if seat.position == EXECUTIVE_VICE_CHAIR and absences.covering(seat.user.id, day) is None:
            return seat.user.id, chair
    return chair, None


def set_seats(department_id: int, entries, actor: Actor) -> list[Seat]:
    """Replace the department's committee: [{userId, position}], one chair, at most one
    executive vice chair, each person once."""
    permissions.require_admin(actor)
    department = get_or_404(Department, department_id, "department")
    wanted = _checked(entries)
    current = {m.user_id: m for m in db.session.scalars(sa.select(Membership).where(
        Membership.role == COMMITTEE_MEMBER, Membership.department_id == department.id))}
    for user_id, membership in current.items():
        if user_id not in wanted:
            db.session.delete(membership)
    for user_id, position in wanted.items():
        membership = current.get(user_id) or Membership(
            user_id=user_id, role=COMMITTEE_MEMBER, department_id=department.id)
        membership.committee_position = position
        db.session.add(membership)
    audit.record(actor, "committee.seated", department_id=department.id,
                 seats=[{"user_id": u, "position": p} for u, p in wanted.items()])
    db.session.commit()
    return seats(department.id)


def _checked(entries) -> dict[int, str]:
    problems = Problems()
    if not isinstance(entries, list):
        problems.add("members", "expected a list of {userId, position}")
        problems.raise_if_any("invalid_committee", "committee")
    wanted: dict[int, str] = {}
    for index, entry in enumerate(entries):
        user_id, position = _entry(entry, f"members/{index}", problems)
        if user_id in wanted:
            problems.add(f"members/{index}/userId", "this person is seated twice")
        elif user_id is not None and position is not None:
            wanted[user_id] = position
    positions = list(wanted.values())
    if wanted and positions.count(CHAIR) != 1:
        problems.add("members", "a committee has exactly one chair (主任)")
    if positions.count(EXECUTIVE_VICE_CHAIR) > 1:
        problems.add("members", "a committee has at most one executive vice chair (常务副主任)")
    if wanted and len(wanted) < MIN_SEATS:
        problems.add("members", f"a committee needs at least {MIN_SEATS} members")
    problems.raise_if_any("invalid_committee", "committee")
    return wanted


def _entry(entry, where: str, problems: Problems) -> tuple[int | None, str | None]:
    if not isinstance(entry, Mapping):
        problems.add(where, "expected {userId, position}")
        return None, None
    user_id, position = as_id(entry.get("userId")), entry.get("position")
    user = db.session.get(User, user_id) if user_id is not None else None
    if user is None or not user.active:
        problems.add(f"{where}/userId", "no active staff member with this id")
        user_id = None
    if not (isinstance(position, str) and position in POSITIONS):
        problems.add(f"{where}/position", f"one of {', '.join(POSITIONS)}")
        position = None
    return user_id, position
