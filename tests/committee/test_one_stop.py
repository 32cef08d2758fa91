"""首席服务员 one-stop (seed 001: 一人受理、全程服务、一次办结): for the items his letter lets him
accept, decide and deliver, the chief service officer takes the case from intake to delivery
himself, not handed between a clerk and him."""
from app.services.cases import intake_rules
from tests.cases.service_item_steps import (case_of, instance_state, open_names,
                                            required_materials, start_process)
from tests.committee.committee_steps import complete, open_task
from tests.conftest import headers_for, user


def _refused_start(client, username: str, item_code: str) -> dict:
    response = client.post("/api/process-definitions/key/service_item/start",
                           json={"variables": {"item_code": item_code,
                                               "applicant": {"name": "王五"}}},
                           headers=headers_for(username))
    assert response.status_code == 403, response.json
    return response.json


def test_the_officer_takes_his_item_from_intake_to_delivery_himself(client, officer):
    case_id = start_process(client, "service_item", "NRP-004", "nrp_chief",
                            {"name": "王五", "phone": "13600000000"})["id"]
    chief = user("nrp_chief").id
    assert open_task(case_id, "intake").assignee_id == chief
    complete(client, case_id, "intake", "nrp_chief", within_remit=True,
             materials_received=required_materials("NRP-004"))
    assert open_task(case_id, "window_review").assignee_id == chief
    complete(client, case_id, "window_review", "nrp_chief", review_opinion="材料真实完整",
             recommendation="approve")
    assert open_task(case_id, "officer_decision").assignee_id == chief
    complete(client, case_id, "officer_decision", "nrp_chief", decision="approve")
    assert open_task(case_id, "deliver").assignee_id == chief  # not handed to a clerk
    complete(client, case_id, "deliver", "nrp_chief", delivery_method="window")
    assert instance_state(case_id) == "completed" and case_of(case_id).decision == "approve"
    assert open_names(case_id) == []


def test_the_officer_takes_in_only_the_items_of_his_one_stop_letter(client, officer):
    chief = user("nrp_chief")
    assert [item.code for item in intake_rules.items_for(chief)] == ["NRP-001", "NRP-004"]
    assert _refused_start(client, "nrp_chief", "NRP-002")["code"] == "may_not_take_in"


def test_a_clerk_receiving_the_officers_item_keeps_the_window_steps(client, officer):
    case_id = start_process(client, "service_item", "NRP-004", "clerk",
                            {"name": "王五", "phone": "13600000000"})["id"]
    assert open_task(case_id, "intake").assignee_id == user("clerk").id
