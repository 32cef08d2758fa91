"""否定报备 for 上报件 (issue 20): the receiving window's disputed refusal goes to the unit
leader before the written refusal, as a service item's does."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.cases.service_item_steps import case_of, complete, instance_state, notices, open_names
from tests.committee.committee_steps import open_task, reports_of
from tests.linkage.link_steps import start_report

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
REFUSAL = {"within_remit": False, "materials_received": [],
           "refusal_reasons": "申请的资质类别由省住房和城乡建设厅直接受理",
           "refusal_legal_basis": "《建筑业企业资质管理规定》第九条",
           "redirect_to": "云南省住房和城乡建设厅"}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_a_disputed_refusal_of_a_report_item_goes_to_the_leader(client):
    county = start_report(client)
    complete(client, county, "intake", "hcd_a", applicant_objects=True,
             objection="申请人认为该类别由州级审批、县级受理", **REFUSAL)
    assert open_names(county) == ["file_denial_report"] and case_of(county).status_code == 1
    complete(client, county, "file_denial_report", "hcd_a")
    [report] = reports_of(county)
    assert (report.kind, report.trigger, report.item_code) == ("not_accepted", "objection",
                                                               "HCD-004")
    assert open_task(county, "leader_review").candidate_role == "approving_leader"
    complete(client, county, "leader_review", "hcd_leader", leader_decision="confirm",
             leader_opinion="否定正确")
    assert case_of(county).status_code == 5 and instance_state(county) == "completed"
    [told] = notices(county, "not_accepted")
    assert "法律依据：《建筑业企业资质管理规定》第九条" in told.body


def test_a_corrected_refusal_of_a_report_item_goes_back_to_intake(client):
    county = start_report(client)
    complete(client, county, "intake", "hcd_a", applicant_objects=True, objection="有异议",
             **REFUSAL)
    complete(client, county, "file_denial_report", "hcd_a")
    complete(client, county, "leader_review", "hcd_leader", leader_decision="correct",
             leader_opinion="属于本级受理范围")
    assert open_names(county) == ["intake"] and reports_of(county)[0].state == "corrected"


def test_an_undisputed_refusal_of_a_report_item_needs_no_report(client):
    county = start_report(client)
    complete(client, county, "intake", "hcd_a", **REFUSAL)
    assert reports_of(county) == [] and case_of(county).status_code == 5
