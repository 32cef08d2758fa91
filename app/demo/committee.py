"""The demo's decision committee (审批决策委员会) of 县自然资源和规划局, after seed 001 第十四条:
the director chairs it (主任), a deputy director is executive vice chair (常务副主任), the
head of the approval section sits as a member. Demo data only."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import Department, Membership, User, db
from app.models.committee import CHAIR, EXECUTIVE_VICE_CHAIR, MEMBER
from app.models.identity import COMMITTEE_MEMBER

DEPARTMENT = "NRP"
SEATS = {"committee1": CHAIR, "committee2": EXECUTIVE_VICE_CHAIR, "committee3": MEMBER}


def seat() -> None:
    """Give the demo committee members their positions (they already hold the role)."""
    department = db.session.scalar(sa.select(Department).where(Department.code == DEPARTMENT))
    rows = db.session.execute(
        sa.select(Membership, User.username).join(User)
        .where(Membership.role == COMMITTEE_MEMBER, Membership.department_id == department.id,
               User.username.in_(SEATS))).all()
    for membership, username in rows:
        membership.committee_position = SEATS[username]
