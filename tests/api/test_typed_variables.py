"""Camunda 7's typed variables ({name: {value, type}}) are accepted wherever plain JSON is."""
import pytest

from app.api import variables
from app.services.workflow.errors import InvalidInput
from tests.conftest import deploy_test_file, headers_for


@pytest.mark.parametrize("typed, plain", [
    ({"value": "x", "type": "String"}, "x"),
    ({"value": 21, "type": "Integer"}, 21),
    ({"value": "21", "type": "long"}, 21),
    ({"value": 2.0, "type": "Short"}, 2),
    ({"value": 1, "type": "Double"}, 1.0),
    ({"value": "false", "type": "Boolean"}, False),
    ({"value": None, "type": "Null"}, None),
    ({"value": "2026-12-03T10:00:00.000+0800", "type": "Date"}, "2026-12-03T10:00:00+08:00"),
    ({"value": "2026-12-03", "type": "Date"}, "2026-12-03"),
    ({"value": "{\"a\": [1]}", "type": "Json"}, {"a": [1]}),
    ({"value": "[1]", "type": "Object",
      "valueInfo": {"serializationDataFormat": "application/json"}}, [1]),
    # not typed: a form field that is an object keeps its shape
    ({"value": 1, "type": "Money"}, {"value": 1, "type": "Money"}),
    ({"value": 1, "type": "Integer", "unit": "元"}, {"value": 1, "type": "Integer", "unit": "元"}),
    ({"value": 1}, {"value": 1}),
])
def test_a_typed_value_becomes_plain_json(typed, plain):
    assert variables.from_body({"variables": {"v": typed}}) == {"v": plain}


@pytest.mark.parametrize("typed", [
    {"value": 1.5, "type": "Integer"}, {"value": True, "type": "Integer"},
    {"value": 2**31, "type": "Integer"}, {"value": 40000, "type": "Short"},
    {"value": "many", "type": "Long"}, {"value": "yes", "type": "Boolean"},
    {"value": 3, "type": "String"}, {"value": "tomorrow", "type": "Date"},
    {"value": "{", "type": "Json"}, {"value": "x", "type": "Null"},
    {"value": "nan", "type": "Double"}, {"value": "AAA=", "type": "Bytes"},
    {"value": "<a/>", "type": "Object", "valueInfo": {"serializationDataFormat": "application/xml"}},
])
def test_a_typed_value_that_does_not_fit_its_type_is_named(typed):
    with pytest.raises(InvalidInput) as refused:
        variables.from_body({"variables": {"amount": typed}})
    assert refused.value.code == "invalid_typed_variable"
    assert refused.value.errors[0]["field"] == "variables/amount"


def _start(client, headers, body):
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    return client.post("/api/process-definitions/key/two_step/start", json=body,
                       headers=headers)


def test_a_task_is_completed_with_typed_variables(client):
    clerk = headers_for("clerk")
    started = _start(client, clerk, {"variables": {"department_id": {"value": None,
                                                                      "type": "Null"}}})
    assert started.status_code == 201, started.json
    task_id = started.json["activeTasks"][0]["id"]
    wrong = client.post(f"/api/tasks/{task_id}/complete", headers=clerk,
                        json={"variables": {"amount": {"value": "x", "type": "Integer"}}})
    assert wrong.status_code == 400 and wrong.json["code"] == "invalid_typed_variable"
    assert wrong.mimetype == "application/problem+json"
    done = client.post(f"/api/tasks/{task_id}/complete", headers=clerk, json={"variables": {
        "amount": {"value": "21", "type": "Integer"}, "note": {"value": "ok", "type": "String"}}})
    assert done.status_code == 200, done.json
    detail = client.get(f"/api/process-instances/{started.json['id']}",
                        headers=headers_for("admin"))
    assert detail.json["variables"]["total"] == 42  # the script doubled a number, not "21"


def test_typed_values_still_meet_the_form(client):
    clerk = headers_for("clerk")
    task_id = _start(client, clerk, {"variables": {"department_id": None}}).json[
        "activeTasks"][0]["id"]
    response = client.post(f"/api/tasks/{task_id}/complete", headers=clerk,
                           json={"variables": {"amount": {"value": 0, "type": "Integer"}}})
    assert response.status_code == 400 and response.json["code"] == "form_invalid"
    assert [e["field"] for e in response.json["errors"]] == ["amount"]
    engine_owned = client.post(f"/api/tasks/{task_id}/complete", headers=clerk, json={
        "variables": {"amount": 2, "department_id": {"value": 9, "type": "Integer"}}})
    assert engine_owned.status_code == 400
    assert engine_owned.json["code"] == "form_field_undeclared"
