"""联审联办's 统一发证送达 (joint_approval.bpmn, service_item_deliver form): one delivery of the
unified decision, recorded like any other, and the licence of the lead department."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.services.cases import delivery, licences
from tests.cases.service_item_steps import instance_state
from tests.joint.joint_steps import accept, answer, complete_named, start_joint

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_the_unified_delivery_is_recorded_and_the_lead_department_issues_the_licence(client):
    case_id = start_joint(client)
    accept(client, case_id)
    for code in ("MSA", "HEA", "HCD"):
        answer(client, case_id, code)
    complete_named(client, case_id, "unified_decision", "chief", decision="approve")
    complete_named(client, case_id, "deliver", "clerk", expect=400, delivery_method="mail")
    complete_named(client, case_id, "deliver", "clerk", delivery_method="mail",
                   mail_carrier="中国邮政", tracking_number="1190000000001")
    assert instance_state(case_id) == "completed"
    [row] = delivery.of_case(case_id)
    assert (row.method, row.tracking_number) == ("mail", "1190000000001")
    assert licences.of_case(case_id).number.startswith("姚市监证〔2026〕")
