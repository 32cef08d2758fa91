"""案卷抽查's checklist: a note for each 不符合, every 不符合 a 整改 for the unit due in working
days, answered by the unit's heads and accepted or returned by a supervisor."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, Case, CheckFinding, Notification, db
from app.services import calendar
from app.services.supervision import inspection_checklist as checklist
from app.services.supervision import inspections
from app.services.workflow.actor import Actor
from tests.conftest import headers_for, user
from tests.supervision.inspection_steps import concluded_cases, local, post, unit

DECEMBER = local(2026, 12, 2)
ALL_PASS = {"materials": "pass", "time_limits": "pass", "notices": "pass", "signatures": "pass"}


@pytest.fixture
def check(session):
    """One sampled MSA case, to be checked by the demo supervisor."""
    with time_machine.travel(DECEMBER, tick=False):
        concluded_cases("MSA-001", local(2026, 11, 10), 1)
        row = inspections.draw("2026-11", Actor.of(user("supervisor")))
        yield row.checks[0]


def _conclude(client, check, **answers):
    return post(client, f"/supervision/checks/{check.id}/checklist", "supervisor",
                **{**ALL_PASS, **answers})


def test_a_fail_without_a_note_is_refused_beside_its_field(client, check):
    with time_machine.travel(DECEMBER, tick=False):
        response = _conclude(client, check, notices="fail")
    assert response.status_code == 400
    assert 'id="checklist-notices_note-error"' in response.text
    assert "选择“不符合”时须填写说明" in response.text  # the code's wording, not the API's
    missing = post(client, f"/supervision/checks/{check.id}/checklist", "supervisor",
                   materials="pass")
    assert missing.status_code == 400 and 'id="checklist-signatures-error"' in missing.text
    db.session.refresh(check)
    assert check.state == "assigned" and check.findings == []


def test_a_finding_is_a_rectification_for_the_unit_answered_and_accepted(client, check):
    case_instance = db.session.get(Case, check.case_id)
    with time_machine.travel(DECEMBER, tick=False):
        response = _conclude(client, check, signatures="fail", signatures_note="受理通知书未盖章")
        assert response.status_code == 303
        finding = db.session.scalar(sa.select(CheckFinding))
        assert finding.department_id == unit("MSA").id and finding.criterion == "signatures"
        assert finding.due_at == calendar.add_working_days(DECEMBER, 10)
        told = set(db.session.scalars(sa.select(Notification.recipient_user_id).where(
            Notification.kind == "case_check.finding")))
        assert told == {user("chief").id, user("leader").id}
        page = client.get(f"/supervision/checks/{check.id}", headers=headers_for("chief"))
        assert page.status_code == 200 and "受理通知书未盖章" in page.text
        assert "报送整改情况" in page.text
        assert post(client, f"/supervision/findings/{finding.id}/answer", "clerk",
                    text="已补盖").status_code == 403  # a clerk sees it, the heads answer
        answered = post(client, f"/supervision/findings/{finding.id}/answer", "chief",
                        text="已补盖印章并复查同类文书")
        assert answered.status_code == 303
        returned = post(client, f"/supervision/findings/{finding.id}/return", "supervisor",
                        text="")
        assert returned.status_code == 400  # returning says why
        accepted = post(client, f"/supervision/findings/{finding.id}/accept", "supervisor",
                        text="")
        assert accepted.status_code == 303
    db.session.refresh(finding)
    assert finding.state == "closed" and not checklist.overdue(finding)
    actions = list(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.instance_id == case_instance.instance_id,
        AuditEvent.action.like("case_check.%")).order_by(AuditEvent.id)))
    assert actions == ["case_check.concluded", "case_check.finding_answered",
                       "case_check.finding_reviewed"]
    assert inspections.monthly_summary("2026-11") == {unit("MSA").id: {"checked": 1,
                                                                       "findings": 1}}


def test_a_returned_finding_is_open_again_and_late_after_its_due_time(client, check):
    with time_machine.travel(DECEMBER, tick=False):
        _conclude(client, check, materials="fail", materials_note="缺少营业场所证明")
        finding = db.session.scalar(sa.select(CheckFinding))
        post(client, f"/supervision/findings/{finding.id}/answer", "leader", text="已补齐")
        post(client, f"/supervision/findings/{finding.id}/return", "supervisor",
             text="补齐的证明未归档")
    db.session.refresh(finding)
    assert finding.state == "open" and finding.review == "补齐的证明未归档"
    returned_to = set(db.session.scalars(sa.select(Notification.recipient_user_id).where(
        Notification.kind == "case_check.finding_returned")))
    assert returned_to == {user("chief").id, user("leader").id}
    assert not checklist.overdue(finding, DECEMBER)
    assert checklist.overdue(finding, calendar.add_working_days(DECEMBER, 11))
    with time_machine.travel(calendar.add_working_days(DECEMBER, 11), tick=False):
        page = client.get("/supervision/checks", headers=headers_for("leader"))
    assert "整改逾期" in page.text and "缺少营业场所证明" in page.text


def test_another_units_staff_see_nothing_of_it(client, check):
    with time_machine.travel(DECEMBER, tick=False):
        _conclude(client, check, notices="fail", notices_note="不予许可决定书未告知救济途径")
    finding = db.session.scalar(sa.select(CheckFinding))
    for name in ("nrp_a", "nrp_chief"):
        assert client.get(f"/supervision/checks/{check.id}",
                          headers=headers_for(name)).status_code == 404
        listing = client.get("/supervision/checks", headers=headers_for(name))
        assert listing.status_code == 200 and "不予许可决定书未告知救济途径" not in listing.text
        assert post(client, f"/supervision/findings/{finding.id}/answer", name,
                    text="x").status_code == 404
    assert client.get("/supervision/checks", headers=headers_for("designer")).status_code == 403


def test_only_the_assigned_checker_concludes_and_a_supervisor_reassigns(client, check):
    other = _second_supervisor()
    assert post(client, f"/supervision/checks/{check.id}/checker", "supervisor",
                checker_id="abc").status_code == 400
    assert post(client, f"/supervision/checks/{check.id}/checker", "supervisor",
                checker_id=str(user("leader").id)).status_code == 400
    assert post(client, f"/supervision/checks/{check.id}/checker", "supervisor",
                checker_id=str(other.id)).status_code == 303
    assert _conclude(client, check).status_code == 403  # no longer the checker
    assert post(client, f"/supervision/checks/{check.id}/checklist", other.username,
                **ALL_PASS).status_code == 303
    db.session.refresh(check)
    assert check.state == "concluded" and check.findings == []
    assert _conclude(client, check).status_code == 409


def test_the_check_page_shows_the_case_record_beside_the_checklist(client, check):
    page = client.get(f"/supervision/checks/{check.id}", headers=headers_for("supervisor"))
    case = db.session.get(Case, check.case_id)
    assert page.status_code == 200 and f'href="/cases/{case.instance_id}"' in page.text
    assert "材料齐全" in page.text and "签章完整" in page.text and "data-confirm=" in page.text
    record = client.get(f"/cases/{case.instance_id}", headers=headers_for("supervisor"))
    assert record.status_code == 200  # a sampled case's record is open to its checkers


def _second_supervisor():
    from app.models import Membership, User
    from app.models.identity import SUPERVISOR
    person = User(username="supervisor2", display_name="效能监察员 钱明", password_hash="x",
                  memberships=[Membership(role=SUPERVISOR)])
    db.session.add(person)
    db.session.commit()  # a refused form rolls back what is not committed
    return person
