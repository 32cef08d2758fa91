"""两次办结: a later 补正 round may ask only for what the first 一次性告知书 listed; asking for
anything else needs the window's written reason, kept on the round; the case counts visits."""
import pytest

from tests.cases.service_item_steps import case_of, complete, open_names, start_case
from tests.conftest import headers_for

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")


def _told_once(client) -> int:
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=["application_form"])
    assert case_of(case_id).supplements[0]["missing"] == ["id_card", "premises_proof"]
    return case_id


def test_a_second_round_of_what_the_first_listed_needs_no_reason(client):
    case_id = _told_once(client)
    complete(client, case_id, "supplement", "clerk",
             materials_received=["application_form", "id_card"])
    case = case_of(case_id)
    assert [r["missing"] for r in case.supplements] == [["id_card", "premises_proof"],
                                                       ["premises_proof"]]
    assert "new_materials" not in case.supplements[1] and case.visits == 3
    complete(client, case_id, "supplement", "clerk",
             materials_received=["application_form", "id_card", "premises_proof"])
    assert case_of(case_id).case_no and case_of(case_id).visits == 3


def test_asking_for_a_material_the_first_notice_did_not_list_is_refused_without_a_reason(client):
    case_id = _told_once(client)
    refused = complete(client, case_id, "supplement", "clerk", expect=422, materials_received=[])
    assert refused.json["code"] == "supplement_beyond_first_notice"
    assert refused.json["errors"] == [{"field": "new_fact_reason", "message": "申请书"}]
    assert len(case_of(case_id).supplements) == 1 and open_names(case_id) == ["supplement"]
    complete(client, case_id, "supplement", "clerk", materials_received=[],
             new_fact_reason="申请人变更了经营者，原申请表作废")
    second = case_of(case_id).supplements[1]
    assert second["missing"] == ["application_form", "id_card", "premises_proof"]
    assert (second["new_materials"], second["reason"]) == (["application_form"],
                                                          "申请人变更了经营者，原申请表作废")
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "申请书：申请人变更了经营者，原申请表作废" in page and "超过两次办结" in page


def test_the_case_page_names_the_first_receiver(client):
    case_id = _told_once(client)
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    first = page[page.index('id="case-first-receiver"'):]
    assert "窗口人员" in first[:first.index("</td>")]
