"""Starting is authorized where every start passes: a case process starts only for an item
it handles, by a window of the item's department, with the item and the applicant only."""
import pytest
import sqlalchemy as sa

from app.models import Case, ProcessInstance, db
from tests.conftest import headers_for


def instance_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance))


def start(client, username, variables, key="service_item"):
    return client.post(f"/api/process-definitions/key/{key}/start",
                       json={"variables": variables}, headers=headers_for(username))


APPLICANT = {"name": "张三", "phone": "13800000000"}


@pytest.mark.parametrize("username", ["committee1", "hea_a", "leader"])
def test_only_a_window_of_the_items_department_takes_it_in(client, username):
    before = instance_count()
    response = start(client, username, {"item_code": "MSA-002", "applicant": APPLICANT})
    assert response.status_code == 403 and response.json["code"] == "may_not_take_in"
    assert instance_count() == before


def test_an_empty_start_of_a_case_process_names_what_is_missing(client):
    before = instance_count()
    response = start(client, "clerk", {})
    assert response.status_code == 422 and response.json["code"] == "start_invalid"
    assert {e["field"] for e in response.json["errors"]} == {"item_code", "applicant"}
    assert instance_count() == before


@pytest.mark.parametrize("injected", [{"overdue_default": False}, {"has_committee": True},
                                      {"department_id": 3}])
def test_a_start_cannot_carry_what_the_engine_decides(client, injected):
    before = instance_count()
    response = start(client, "clerk", {"item_code": "MSA-002", "applicant": APPLICANT,
                                       **injected})
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == list(injected)
    assert instance_count() == before


def test_an_item_is_started_only_with_its_own_process(client):
    response = start(client, "clerk", {"item_code": "MSA-005", "applicant": APPLICANT})
    assert response.status_code == 422 and response.json["code"] == "item_process_mismatch"
    unknown = start(client, "clerk", {"item_code": "NOPE-1", "applicant": APPLICANT})
    assert unknown.status_code == 422 and unknown.json["code"] == "item_not_found"


def test_the_window_starts_its_case(client):
    response = start(client, "clerk", {"item_code": "MSA-002", "applicant": APPLICANT,
                                       "applicant_id_number": "110101199001011234"})
    assert response.status_code == 201
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == response.json["id"]))
    assert case.item.code == "MSA-002"


def test_the_intake_page_offers_only_the_windows_items(client):
    page = client.get("/intake", headers=headers_for("hea_a")).text
    assert "HEA-001" in page and "MSA-002" not in page
    refused = client.post("/intake", headers=headers_for("hea_a"), data={
        "item": "MSA-002", "applicant_name": "张三", "phone": "138"})
    assert refused.status_code == 400
