"""首席服务员 one-stop (seed 001: 一人受理、全程服务、一次办结): for the items his letter lets him
accept, decide and deliver, the chief service officer takes the case from intake to delivery
himself, not handed between a clerk and him."""
from app.services.cases import intake_rules
from tests.cases.service_item_steps import (case_of, instance_state, open_names,
                                            required_materials, start_process)
from tests.committee.committee_steps import complete, grant_nrp_officer, open_task, reissue_letter
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


def test_without_the_leading_groups_consent_the_officer_does_not_keep_the_case(client):
    """Seed 001 arts. 10–12: the officer's list needs the 领导小组's consent, recorded."""
    letter = grant_nrp_officer("NRP-004", consent=False)
    chief = user("nrp_chief")
    assert "NRP-004" not in [item.code for item in intake_rules.items_for(chief)]
    case_id = start_process(client, "service_item", "NRP-004", "clerk",
                            {"name": "王五", "phone": "13600000000"})["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=required_materials("NRP-004"))
    assert open_task(case_id, "window_review").assignee_id == user("clerk").id
    body = {"consentOn": "2026-02-26", "minutes": "领导小组会议纪要〔2026〕2号"}
    refused = client.post(f"/api/authorization-letters/{letter.id}/group-consent", json=body,
                          headers=headers_for("nrp_chief"))
    assert refused.status_code == 403 and refused.json["code"] == "not_admin"
    blank = client.post(f"/api/authorization-letters/{letter.id}/group-consent",
                        json={"consentOn": "2026-02-30"}, headers=headers_for("admin"))
    assert blank.status_code == 400 and blank.json["code"] == "invalid_group_consent"
    assert {e["field"] for e in blank.json["errors"]} == {"minutes", "consentOn"}
    given = client.post(f"/api/authorization-letters/{letter.id}/group-consent", json=body,
                        headers=headers_for("admin"))
    assert given.status_code == 200, given.json
    assert given.json["groupConsent"] == {"on": "2026-02-26", "minutes": "领导小组会议纪要〔2026〕2号"}
    assert "NRP-004" in [item.code for item in intake_rules.items_for(chief)]
    again = client.post(f"/api/authorization-letters/{letter.id}/group-consent", json=body,
                        headers=headers_for("admin"))
    assert again.status_code == 409 and again.json["code"] == "group_consent_recorded"


def test_a_letter_with_no_one_stop_item_takes_no_consent(client):
    letter = reissue_letter("NRP", {"NRP-004": ["acceptance", "approval"]}, "nrp_chief")
    refused = client.post(f"/api/authorization-letters/{letter.id}/group-consent",
                          json={"consentOn": "2026-02-26", "minutes": "纪要〔2026〕3号"},
                          headers=headers_for("admin"))
    assert refused.status_code == 409 and refused.json["code"] == "no_one_stop_items"


def test_the_letter_page_records_the_consent_for_administrators(client):
    letter = grant_nrp_officer("NRP-004", consent=False)
    url = f"/admin/letters/{letter.id}"
    page = client.get(url, headers=headers_for("admin")).text
    assert "尚未记录领导小组同意" in page and 'id="minutes"' in page and "NRP-004" in page
    blank = client.post(f"{url}/group-consent", data={"consent_on": "", "minutes": ""},
                        headers=headers_for("admin"))
    assert blank.status_code == 400 and "请填写领导小组同意日期" in blank.text
    assert client.post(f"{url}/group-consent", data={"consent_on": "2026-02-26",
                                                     "minutes": "纪要〔2026〕4号"},
                       headers=headers_for("nrp_chief")).status_code == 403
    done = client.post(f"{url}/group-consent", data={"consent_on": "2026-02-26",
                                                    "minutes": "纪要〔2026〕4号"},
                       headers=headers_for("admin"))
    assert done.status_code == 302
    page = client.get(url, headers=headers_for("admin")).text
    assert "领导小组已于 2026-02-26 同意（纪要〔2026〕4号）" in page and 'id="minutes"' not in page
