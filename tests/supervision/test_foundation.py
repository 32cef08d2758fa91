"""效能监察's shared parts: who sees which units, and a sweep whose failing step stops alone."""
from __future__ import annotations

import pytest

from app.models import Department, Membership, User, db
from app.models.identity import APPROVING_LEADER, PROCESS_DESIGNER, SUPERVISOR
from app.services import supervision
from app.services.supervision import sweep
from app.services.workflow.errors import Forbidden


def _user(name: str, role: str, department: Department | None = None) -> User:
    user = User(username=name, display_name=name, password_hash="x")
    user.memberships = [Membership(role=role, department_id=department.id if department else None)]
    db.session.add(user)
    db.session.flush()
    return user


def test_the_center_sees_every_unit_a_unit_its_own_and_others_none(session):
    department = db.session.scalar(db.select(Department).where(Department.code == "MSA"))
    assert supervision.units_of(_user("sv", SUPERVISOR)) is None
    leader = _user("ld", APPROVING_LEADER, department)
    assert supervision.units_of(leader) == {department.id}
    assert supervision.may_see_unit(leader, department.id)
    assert not supervision.may_see_unit(leader, department.id + 1)
    with pytest.raises(Forbidden) as refused:
        supervision.units_of(_user("ds", PROCESS_DESIGNER))
    assert refused.value.code == "supervision_not_allowed"
    with pytest.raises(Forbidden) as refused:
        supervision.require_supervisor(leader)
    assert refused.value.code == "not_supervisor"


def test_a_failing_step_is_rolled_back_alone(session, monkeypatch):
    monkeypatch.setattr(sweep, "STEPS", {})

    @sweep.step("broken")
    def broken(now):
        db.session.add(Department(code="BROKEN", name="坏",
                                  center_id=db.session.scalar(db.select(Department.center_id))))
        raise RuntimeError("boom")

    @sweep.step("fine")
    def fine(now):
        return 3

    assert sweep.run() == {"broken": None, "fine": 3}
    assert db.session.scalar(db.select(Department).where(Department.code == "BROKEN")) is None
