"""否定报备 for joint cases (issue 20): the lead window's disputed refusal, or one it has no
power to make, goes to the lead department's unit leader, as a service item's does (the
workflow reloaded after every step by the steps' helpers)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.cases.service_item_steps import case_of, instance_state, notices, open_names
from tests.committee.committee_steps import open_task, reports_of
from tests.conftest import user
from tests.joint.joint_steps import accept, complete_named, start_joint

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
REFUSAL = {"within_remit": False, "materials_received": [],
           "refusal_reasons": "申请开办的场所位于规划禁建区，不属于联办受理范围",
           "refusal_legal_basis": "《城乡规划法》第三十八条",
           "redirect_to": "县自然资源和规划局"}


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _disputed(client) -> int:
    case_id = start_joint(client)
    complete_named(client, case_id, "intake", "clerk", applicant_objects=True,
                   objection="申请人认为场所不在禁建区", **REFUSAL)
    return case_id


def test_a_disputed_joint_refusal_is_reported_and_confirmed_by_the_leader(client):
    case_id = _disputed(client)
    assert open_names(case_id) == ["file_denial_report"]
    assert case_of(case_id).status_code == 1  # nothing refused before the leader's review
    complete_named(client, case_id, "file_denial_report", "clerk")
    [report] = reports_of(case_id)
    assert (report.kind, report.trigger, report.item_code) == ("not_accepted", "objection",
                                                               "MSA-005")
    assert report.reasons == REFUSAL["refusal_reasons"]
    assert report.legal_basis == REFUSAL["refusal_legal_basis"]
    assert report.number.startswith("MSA否报〔2026〕")
    review = open_task(case_id, "leader_review")
    assert review.candidate_role == "approving_leader"
    assert "（申请人 李四餐饮有限公司）" in review.instructions
    complete_named(client, case_id, "leader_review", "clerk", expect=403,
                   leader_decision="confirm", leader_opinion="x")
    complete_named(client, case_id, "leader_review", "leader", leader_decision="confirm",
                   leader_opinion="否定正确")
    assert reports_of(case_id)[0].state == "confirmed"
    assert case_of(case_id).status_code == 5 and instance_state(case_id) == "completed"
    [told] = notices(case_id, "not_accepted")
    assert "法律依据：《城乡规划法》第三十八条" in told.body


def test_a_corrected_joint_refusal_goes_back_to_the_lead_window(client):
    case_id = _disputed(client)
    complete_named(client, case_id, "file_denial_report", "clerk")
    complete_named(client, case_id, "leader_review", "leader", leader_decision="correct",
                   leader_opinion="场所不在禁建区，应予受理")
    assert reports_of(case_id)[0].state == "corrected"
    assert open_names(case_id) == ["intake"]
    assert open_task(case_id, "intake").assignee_id == user("clerk").id
    accept(client, case_id)
    assert case_of(case_id).status_code == 3


def test_an_undisputed_refusal_by_an_authorized_lead_window_needs_no_report(client):
    case_id = start_joint(client)
    complete_named(client, case_id, "intake", "clerk", **REFUSAL)
    assert reports_of(case_id) == [] and case_of(case_id).status_code == 5


def test_without_acceptance_power_the_leaders_refusal_is_still_reported(client):
    """The demo's CUL letter grants no 受理决定权 over its joint item CUL-003."""
    case_id = start_joint(client, "CUL-003", "cul_a")
    assert open_task(case_id, "intake").candidate_role == "approving_leader"
    complete_named(client, case_id, "intake", "cul_leader", **REFUSAL)  # no objection
    assert open_names(case_id) == ["file_denial_report"]
    complete_named(client, case_id, "file_denial_report", "cul_a")
    assert reports_of(case_id)[0].trigger == "unauthorized"
    complete_named(client, case_id, "leader_review", "cul_leader", leader_decision="confirm",
                   leader_opinion="同意")
    assert case_of(case_id).status_code == 5
