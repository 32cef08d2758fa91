"""The demo's window staff as the seeds want them: established, long in the department,
certified, and at the window long enough to rotate; chiefs of section rank (qualifications.py)."""
from __future__ import annotations

from datetime import date

from app.models import StaffRecord, User, db
from app.models.identity import CHIEF_REPRESENTATIVE
from app.services import organization


def add_for(users: list[User], certificate_prefix: str) -> None:
    db.session.flush()  # the users' ids
    for number, user in enumerate(users, start=1):
        if any(m.role in organization.WINDOW_ROLES for m in user.memberships):
            db.session.add(StaffRecord(
                user_id=user.id, established=True, department_since=date(2012, 9, 1),
                section_rank=user.has_role(CHIEF_REPRESENTATIVE),
                enforcement_certificate=f"{certificate_prefix}-{number:04d}",
                window_since=date(2021, 3, 1), sent_back_reason=""))
