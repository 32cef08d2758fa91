"""行政许可法 art. 32 (逾期自动受理) and seed 004's decision limits on the 即办件/承诺件
process, reloading the workflow after every step."""
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, WorkingDeadline, db
from app.services import catalog
from app.services.workflow import timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (ALL_MATERIALS, case_of, complete, instance_state,
                                            notices, open_names, required_materials, start_case,
                                            start_process)
from tests.conftest import headers_for, user

LOCAL = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=LOCAL)  # received; 5 working days end 03-09


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def at(clock, *when) -> list[int]:
    """Move the clock to local `when` and fire every instance due then."""
    clock.move_to(datetime(*when, tzinfo=LOCAL))
    due = timers.due_instance_ids(now=datetime.now(ZoneInfo("UTC")))
    for instance_id in due:
        assert timers.fire(instance_id, Actor.system("timer"))
    return due


def local_day(value: datetime) -> str:
    return value.astimezone(LOCAL).date().isoformat()


def audited(instance_id: int, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action == action)))


def recipients(instance_id: int, kind: str) -> set[str]:
    return {n.recipient_user_id for n in notices(instance_id, kind)}


# --- 行政许可法 art. 32 ----------------------------------------------------------------------

def test_window_is_warned_the_working_day_before_the_fifth(client, frozen_clock):
    case_id = start_case(client, "MSA-002")["id"]
    assert at(frozen_clock, 2026, 3, 6, 18, 0) == []  # the 4th working day is not over
    assert at(frozen_clock, 2026, 3, 7, 8, 0) == [case_id]
    [warning] = notices(case_id, "intake_warning")
    assert warning.recipient_user_id == user("clerk").id  # the intake's candidates
    assert "2026年03月09日" in warning.body and "逾期自动受理" in warning.body
    assert open_names(case_id) == ["intake"] and case_of(case_id).status_code == 1


def test_unanswered_application_is_accepted_from_the_day_it_was_received(client, frozen_clock):
    case_id = start_case(client, "MSA-002")["id"]
    at(frozen_clock, 2026, 3, 9, 17, 0)  # the warning; the 5th working day is not over
    assert case_of(case_id).case_no is None and open_names(case_id) == ["intake"]
    at(frozen_clock, 2026, 3, 10, 8, 0)
    case = case_of(case_id)
    assert case.status_code == 3 and case.auto_accepted and case.case_no
    assert case.case_no.startswith("53232520260302")  # numbered on the day of acceptance
    assert local_day(case.accepted_at) == "2026-03-02" == local_day(case.received_at)
    assert local_day(case.deadline_at) == "2026-03-16"  # 10 working days from reception
    assert "逾期自动受理" in case.history[-1]["note"] and case.history[-1]["code"] == 3
    assert audited(case_id, "case.auto_accepted")
    [accepted] = notices(case_id, "accepted")
    assert "逾期自动受理" in accepted.body and "2026年03月16日" in accepted.body
    assert notices(case_id, "accepted", channel="sms")  # issued as on the normal path
    assert notices(case_id, "auto_accepted")  # the window knows
    assert case.flags == ["auto_accepted"]
    assert open_names(case_id) == ["window_review"]
    notice = client.get(f"/cases/{case_id}/notices/accepted", headers=headers_for("clerk")).text
    assert "第三十二条" in notice and "2026年03月02日" in notice
    counted = {(local_day(r.start_at), r.days) for r in db.session.scalars(
        sa.select(WorkingDeadline).where(WorkingDeadline.instance_id == case_id))}
    assert {("2026-03-02", Decimal(5)), ("2026-03-02", Decimal(4)),
            ("2026-03-02", Decimal(10))} <= counted  # the ledger counts them again if need be


def test_a_one_time_notification_stops_the_intake_clock(client, frozen_clock):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=["application_form"])
    at(frozen_clock, 2026, 3, 10, 8, 0)
    case = case_of(case_id)
    assert case.status_code == 6 and not case.auto_accepted and case.case_no is None
    assert not notices(case_id, "intake_warning")
    assert open_names(case_id) == ["supplement"]


def test_an_answer_in_time_is_the_normal_acceptance(client, frozen_clock):
    case_id = start_case(client, "MSA-002")["id"]
    frozen_clock.move_to(datetime(2026, 3, 9, 16, 0, tzinfo=LOCAL))
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    case = case_of(case_id)
    assert not case.auto_accepted and local_day(case.accepted_at) == "2026-03-09"
    at(frozen_clock, 2026, 3, 10, 8, 0)
    assert not case_of(case_id).auto_accepted and not notices(case_id, "intake_warning")


def test_auto_accepted_instant_item_is_flagged_not_decided_on_its_day(client, frozen_clock):
    case_id = start_case(client, "MSA-001")["id"]
    at(frozen_clock, 2026, 3, 10, 8, 0)
    case = case_of(case_id)
    assert case.auto_accepted and case.spot_not_decided
    assert case.flags == ["auto_accepted", "spot_not_decided"]
    assert open_names(case_id) == ["decide_on_spot"]


# --- seed 004: the department's decision limit ------------------------------------------------

def _accept_hrs(client, item_code="HRS-003", accepted_by="hrs_a", **intake):
    case_id = start_process(client, "service_item", item_code, "hrs_a",
                            {"name": "王五", "phone": "13700000000"})["id"]
    complete(client, case_id, "intake", accepted_by, within_remit=True,
             materials_received=required_materials(item_code), **intake)
    return case_id


def test_department_decides_within_two_working_days_or_the_case_is_flagged(client, frozen_clock):
    case_id = _accept_hrs(client)  # 10 promised working days, no reason to take longer
    case = case_of(case_id)
    assert local_day(case.decision_limit_at) == "2026-03-04"
    assert at(frozen_clock, 2026, 3, 4, 17, 0) == []
    assert at(frozen_clock, 2026, 3, 5, 8, 0) == [case_id]
    case = case_of(case_id)
    assert case.decision_limit_exceeded and case.flags == ["decision_limit_exceeded"]
    assert local_day(case.deadline_at) == "2026-03-16"  # the promised deadline stays
    assert case.history[-1]["flag"] == "decision_limit_exceeded"
    assert case.history[-1]["code"] == 3  # the status does not change
    told = recipients(case_id, "decision_limit_exceeded")
    assert {user("hrs_leader").id, user("admin").id} <= told
    assert user("hrs_a").id not in told
    assert open_names(case_id) == ["window_review"]  # the work goes on
    response = client.get(f"/api/cases/{case_id}", headers=headers_for("hrs_a"))
    assert response.json["flags"] == ["decision_limit_exceeded"]
    assert response.json["decisionLimitAt"].startswith("2026-03-04")


def test_item_with_a_reason_keeps_only_its_promised_deadline(client, frozen_clock):
    assert catalog.current("MSA-002").long_decision_reason == "site_survey"
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert case_of(case_id).decision_limit_at is None
    assert at(frozen_clock, 2026, 3, 5, 8, 0) == []
    assert at(frozen_clock, 2026, 3, 13, 18, 0) == []
    assert not case_of(case_id).decision_limit_exceeded


def _long_item() -> str:
    """A promise item with more than 30 promised days, to see the 30 of a major project."""
    catalog.create({"code": "HRS-901", "basic_code": "HRS-901-B", "name": "测试长时限事项",
                    "department": "HRS", "kind": "promise", "legal_days": 45,
                    "promised_days": 40, "process_key": "service_item",
                    "materials": [{"code": "application_form", "name": "申请书",
                                   "required": True}]}, Actor.system("tests"))
    return "HRS-901"


def test_major_project_is_decided_within_thirty_working_days(client, frozen_clock):
    # A new item no letter names yet: its acceptance is the leader's (受理决定权).
    case_id = _accept_hrs(client, _long_item(), "hrs_leader", major_project=True)
    case = case_of(case_id)
    assert case.major_project and local_day(case.decision_limit_at) == "2026-04-14"
    assert at(frozen_clock, 2026, 3, 5, 8, 0) == []  # not the 2 days of other items
    at(frozen_clock, 2026, 4, 15, 8, 0)
    case = case_of(case_id)
    assert case.decision_limit_exceeded and "30 个工作日" in case.history[-1]["note"]


def test_major_project_with_a_limit_longer_than_promised_is_not_watched(client, frozen_clock):
    case_id = _accept_hrs(client, major_project=True)  # 30 > 10 promised days
    assert case_of(case_id).major_project and case_of(case_id).decision_limit_at is None
    assert at(frozen_clock, 2026, 3, 5, 8, 0) == []


def test_major_project_is_chosen_at_intake_only(client):
    case_id = _accept_hrs(client)
    response = complete(client, case_id, "window_review", "hrs_a", expect=400,
                        review_opinion="同意", recommendation="approve", major_project=True)
    assert response.json["code"] == "form_field_undeclared"
    assert [e["field"] for e in response.json["errors"]] == ["major_project"]
    assert not case_of(case_id).major_project and open_names(case_id) == ["window_review"]


def test_supplement_cannot_make_a_case_a_major_project(client):
    case_id = start_process(client, "service_item", "HRS-003", "hrs_a", {"name": "王五"})["id"]
    complete(client, case_id, "intake", "hrs_a", within_remit=True, materials_received=[])
    complete(client, case_id, "supplement", "hrs_a", expect=400,
             materials_received=required_materials("HRS-003"), major_project=True,
             deadline_at="2099-01-01T00:00:00+08:00")
    assert not case_of(case_id).major_project


# --- 即办件 decided on the day of acceptance --------------------------------------------------

def test_instant_item_not_decided_on_its_day_is_flagged(client, frozen_clock):
    case_id = start_case(client, "MSA-001")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert at(frozen_clock, 2026, 3, 2, 23, 0) == []
    assert at(frozen_clock, 2026, 3, 3, 8, 0) == [case_id]
    case = case_of(case_id)
    assert case.spot_not_decided and case.flags == ["spot_not_decided"]
    told = recipients(case_id, "spot_not_decided")
    assert {user("chief").id, user("leader").id, user("admin").id} <= told
    assert open_names(case_id) == ["decide_on_spot"]
    complete(client, case_id, "decide_on_spot", "chief", decision="approve")
    case = case_of(case_id)
    assert case.status_code == 11 and case.spot_not_decided  # the flag stays on record
    assert instance_state(case_id) == "completed"


def test_instant_item_decided_on_its_day_is_not_flagged(client, frozen_clock):
    case_id = start_case(client, "MSA-001")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    complete(client, case_id, "decide_on_spot", "chief", decision="approve")
    assert at(frozen_clock, 2026, 3, 3, 8, 0) == []
    assert case_of(case_id).flags == [] and instance_state(case_id) == "completed"


# --- where the flags show ----------------------------------------------------------------------

def test_case_page_and_dashboard_show_the_flags_in_both_languages(client, frozen_clock):
    case_id = _accept_hrs(client)
    at(frozen_clock, 2026, 3, 5, 8, 0)
    page = client.get(f"/cases/{case_id}", headers=headers_for("hrs_a")).text
    assert "超过部门审批时限" in page and "部门审批时限" in page
    english = client.get(f"/cases/{case_id}?lang=en", headers=headers_for("hrs_a")).text
    assert "超过部门审批时限" not in english.split('id="case-flags"')[1].split("</td>")[0]
    dashboard = client.get("/admin/dashboard", headers=headers_for("admin")).text
    assert 'id="flagged-count">1<' in dashboard


# --- joint cases: the overall limit until the unified reply ------------------------------------

def test_joint_case_with_all_opinions_in_still_warns_and_is_flagged_overdue(client, frozen_clock):
    from tests.joint.joint_steps import CHIEFS, accept, answer, start_joint
    case_id = start_joint(client)
    accept(client, case_id)
    for code in ("MSA", "HEA", "HCD"):
        answer(client, case_id, code)
    assert open_names(case_id) == ["unified_decision"]
    deadline = case_of(case_id).deadline_at.astimezone(LOCAL)
    assert deadline.date().isoformat() == "2026-03-12"  # 8 working days, the longest branch
    assert at(frozen_clock, 2026, 3, 11, 18, 0) == []
    assert at(frozen_clock, 2026, 3, 12, 8, 0) == [case_id]  # 预警
    assert notices(case_id, "warning") and not case_of(case_id).overdue
    at(frozen_clock, 2026, 3, 13, 8, 0)
    case = case_of(case_id)
    assert case.overdue and case.flags == ["overdue"]
    assert user("admin").id in recipients(case_id, "overdue")  # 督办
    assert open_names(case_id) == ["unified_decision"]  # the reply is still to be given
    complete(client, case_id, "unified_decision", CHIEFS["MSA"], decision="approve")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert instance_state(case_id) == "completed" and case_of(case_id).status_code == 11
