"""POST /api/cases: a case started by its item, checked against the schema the item publishes."""
import pytest
import sqlalchemy as sa
from jsonschema import Draft202012Validator

from app.models import Case, ProcessInstance, db
from tests.cases.service_item_steps import assert_round_trip
from tests.conftest import headers_for

APPLICANT = {"name": "张三", "phone": "13800000000"}


def instance_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance))


def start(client, body, username="clerk"):
    return client.post("/api/cases", json=body, headers=headers_for(username))


def test_the_item_publishes_what_a_start_takes(client):
    response = client.get("/api/items/MSA-002/start-schema", headers=headers_for("clerk"))
    assert response.status_code == 200
    schema = response.json
    Draft202012Validator.check_schema(schema)
    assert schema["$id"].endswith("/api/items/MSA-002/start-schema")
    assert schema["properties"]["itemCode"] == {"const": "MSA-002"}
    assert schema["properties"]["applicant"]["required"] == ["name", "phone"]
    item = schema["x-item"]
    assert item["processKey"] == "service_item" and item["code"] == "MSA-002"
    assert {"application_form", "id_card"} <= {m["code"] for m in item["materials"]}
    valid = {"itemCode": "MSA-002", "applicant": APPLICANT}
    assert Draft202012Validator(schema).is_valid(valid)
    assert not Draft202012Validator(schema).is_valid({**valid, "item_kind": "instant"})


def test_an_unknown_item_has_no_schema(client):
    response = client.get("/api/items/NOPE-1/start-schema", headers=headers_for("clerk"))
    assert response.status_code == 404 and response.json["code"] == "item_not_found"


def test_a_window_starts_a_case_by_its_item(client):
    response = start(client, {"itemCode": "MSA-002", "businessKey": "WEB-77",
                              "applicant": {**APPLICANT, "idNumber": "110101199001011234",
                                            "email": "zs@example.cn"}})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["key"] == "service_item" and body["businessKey"] == "WEB-77"
    assert body["case"]["item"] == "MSA-002" and body["case"]["applicant"] == "张三"
    assert [t["name"] for t in body["activeTasks"]] == ["intake"]
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == body["id"]))
    assert case.applicant_phone == "13800000000"
    assert case.applicant_contact["email"] == "zs@example.cn"
    assert case.applicant_id_number == "110101199001011234"
    assert_round_trip(body["id"])
    detail = client.get(f"/api/process-instances/{body['id']}", headers=headers_for("admin"))
    assert detail.json["variables"]["applicant_id_number"] == "110101199001011234"


@pytest.mark.parametrize("body, fields", [
    ({"itemCode": "MSA-002", "applicant": {"name": "张三"}}, {"applicant/phone"}),
    ({"itemCode": "MSA-002"}, {"applicant"}),
    ({"itemCode": "MSA-002", "applicant": APPLICANT, "overdueDefault": True}, {"overdueDefault"}),
    ({"itemCode": "MSA-002", "applicant": {**APPLICANT, "department_id": 3}},
     {"applicant/department_id"}),
    ({"itemCode": "MSA-002", "applicant": {**APPLICANT, "name": ""}}, {"applicant/name"}),
    ({"itemCode": "MSA-002", "applicant": APPLICANT, "businessKey": 7}, {"businessKey"}),
])
def test_a_start_names_every_field_it_refuses_and_writes_nothing(client, body, fields):
    before = instance_count()
    response = start(client, body)
    assert response.status_code == 422 and response.json["code"] == "start_invalid"
    assert response.mimetype == "application/problem+json"
    assert {e["field"] for e in response.json["errors"]} == fields
    assert instance_count() == before


@pytest.mark.parametrize("body, code", [
    ({"applicant": APPLICANT}, "item_code_required"),
    ({"itemCode": 5, "applicant": APPLICANT}, "item_code_required"),
    ({"itemCode": "NOPE-1", "applicant": APPLICANT}, "item_not_found"),
])
def test_the_item_must_be_named_and_known(client, body, code):
    response = start(client, body)
    assert response.status_code == 422 and response.json["code"] == code
    assert response.json["errors"][0]["field"] == "itemCode"


def test_only_a_window_of_the_items_department_takes_it_in(client):
    before = instance_count()
    response = start(client, {"itemCode": "MSA-002", "applicant": APPLICANT}, "hea_a")
    assert response.status_code == 403 and response.json["code"] == "may_not_take_in"
    assert instance_count() == before


def test_a_start_needs_a_signed_in_caller(client):
    response = client.post("/api/cases", json={"itemCode": "MSA-002", "applicant": APPLICANT})
    assert response.status_code == 401
