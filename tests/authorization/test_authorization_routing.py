"""Approval tasks follow the authorization letters (授权书) in force, day by day."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, AuthorizationLetter, Department, Membership, User, db
from app.services import authorization
from app.services.authorization import letters
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import ALL_MATERIALS, case_of, complete, open_task, start_case
from tests.conftest import appoint, headers_for, user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(session):
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI), tick=False) as t:
        yield t


def _msa() -> Department:
    return db.session.scalar(sa.select(Department).where(Department.code == "MSA"))


def _demo_letter() -> AuthorizationLetter:
    return authorization.valid_letter(_msa().id, date(2026, 3, 2))


def _reissue(valid_from: date, valid_until: date, grantee: str = "chief",
             items=("MSA-001",)) -> AuthorizationLetter:
    """Revoke MSA's demo letter today and issue one for [valid_from, valid_until]."""
    admin = Actor.of(user("admin"))
    letters.revoke(_demo_letter().id, "重新授权", admin)
    return letters.issue({
        "number": f"MSA授〔2026〕{valid_from.day}号", "department_id": _msa().id,
        "grantee_id": user(grantee).id, "issuer": "县市场监督管理局局长",
        "issued_on": "2026-03-02", "filed_on": "2026-03-02",
        "valid_from": valid_from.isoformat(), "valid_until": valid_until.isoformat(),
        "items": [{"item_code": code, "powers": ["acceptance", "approval"]} for code in items],
    }, admin)


def _instant_case_at_decision(client, accepted_by: str = "clerk") -> int:
    """Accepted by the window under the letter's 受理决定权, or by the leader without one."""
    case_id = start_case(client, "MSA-001")["id"]
    complete(client, case_id, "intake", accepted_by, within_remit=True,
             materials_received=ALL_MATERIALS)
    return case_id


def _where(task) -> tuple:
    db.session.refresh(task)
    return task.candidate_role, task.assignee_id, task.authorization_letter_id


def test_direct_approval_in_the_letter_goes_to_the_chief_representative(client, clock):
    task = open_task(_instant_case_at_decision(client), "decide_on_spot")
    assert _where(task) == ("chief_representative", user("chief").id, _demo_letter().id)
    assert task.item_code == "MSA-001" and task.department_id == _msa().id


def test_item_without_direct_approval_goes_to_the_approving_leader(client, clock):
    case_id = start_case(client, "MSA-002")["id"]  # the letter grants no approval on it
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    complete(client, case_id, "window_review", "clerk", review_opinion="同意",
             recommendation="approve")
    task = open_task(case_id, "department_decision")
    assert _where(task) == ("approving_leader", None, None)
    assert task.candidate_department_id == _msa().id
    response = client.post(f"/api/tasks/{task.id}/complete", headers=headers_for("chief"),
                           json={"variables": {"decision": "approve"}})
    assert response.status_code == 403


def test_routing_follows_the_letters_term_day_by_day(client, clock):
    _reissue(date(2026, 3, 9), date(2026, 3, 31))
    before = open_task(_instant_case_at_decision(client, "leader"), "decide_on_spot")
    assert _where(before)[:2] == ("approving_leader", None)  # not yet in force on 2 March
    clock.move_to(datetime(2026, 3, 9, 9, 0, tzinfo=SHANGHAI))
    within = open_task(_instant_case_at_decision(client), "decide_on_spot")
    assert _where(within)[:2] == ("chief_representative", user("chief").id)
    clock.move_to(datetime(2026, 4, 1, 9, 0, tzinfo=SHANGHAI))
    after = open_task(_instant_case_at_decision(client, "leader"), "decide_on_spot")
    assert _where(after)[:2] == ("approving_leader", None)  # expired on 31 March


def test_revocation_during_a_case_reroutes_the_open_approval(client, clock):
    case_id = _instant_case_at_decision(client)
    task = open_task(case_id, "decide_on_spot")
    letter_id = _demo_letter().id
    response = client.post(f"/api/authorization-letters/{letter_id}/revoke",
                           json={"reason": "首席代表调岗"}, headers=headers_for("admin"))
    assert response.status_code == 200, response.json
    assert _where(task) == ("approving_leader", None, None)
    moved = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.task_id == task.id, AuditEvent.action == "task.rerouted")).all()
    assert [e.detail["reason"] for e in moved] == [f"授权书 {_number(letter_id)} 已撤销"]
    complete(client, case_id, "decide_on_spot", "chief", expect=403, decision="approve")
    complete(client, case_id, "decide_on_spot", "leader", decision="approve")
    assert case_of(case_id).decision == "approve"


def test_expiry_before_completion_refuses_and_reroutes(client, clock):
    letter = _reissue(date(2026, 3, 2), date(2026, 3, 3))
    case_id = _instant_case_at_decision(client)
    task = open_task(case_id, "decide_on_spot")
    assert _where(task) == ("chief_representative", user("chief").id, letter.id)
    clock.move_to(datetime(2026, 3, 4, 9, 0, tzinfo=SHANGHAI))
    response = complete(client, case_id, "decide_on_spot", "chief", expect=403,
                        decision="approve")
    assert response.json["code"] == "authorization_lapsed"
    assert response.json["detail"] == f"授权书 {letter.number} 已于 2026-03-03 到期"
    assert _where(task) == ("approving_leader", None, None)  # kept although refused
    assert case_of(case_id).decision is None
    complete(client, case_id, "decide_on_spot", "leader", decision="deny",
             decision_reasons="不符合条件", legal_basis="《行政许可法》第三十八条")
    assert case_of(case_id).decision == "deny"


def test_replacement_moves_the_open_approval_to_the_new_chief(client, clock):
    new_chief = User(username="chief2", display_name="首席代表 林一", active=True)
    new_chief.set_password("not-used-here")
    new_chief.memberships = [Membership(role="chief_representative", department_id=_msa().id)]
    db.session.add(new_chief)
    db.session.flush()
    appoint(_msa().id, new_chief, date(2026, 3, 2))
    task = open_task(_instant_case_at_decision(client), "decide_on_spot")
    old = _demo_letter()
    new = letters.replace(old.id, {
        "reason": "人事调整", "number": "MSA授〔2026〕2号", "grantee_id": new_chief.id,
        "issuer": "县市场监督管理局局长", "issued_on": "2026-03-02", "filed_on": "2026-03-02",
        "valid_from": "2026-03-02", "valid_until": "2026-12-31",
        "items": [{"item_code": "MSA-001", "powers": ["approval"]}]}, Actor.of(user("admin")))
    assert _where(task) == ("chief_representative", new_chief.id, new.id)


def _number(letter_id: int) -> str:
    return db.session.get(AuthorizationLetter, letter_id).number
