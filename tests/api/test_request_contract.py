"""A JSON body is held to its operation's request schema in the contract before the handler
runs: what the contract does not list is refused by name, and nothing is written."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Response, g

from app.api import openapi
from app.api.openapi import requests as contract
from app.models import AuditEvent, db
from tests.conftest import deploy_test_file, headers_for

DOCUMENT = openapi.document()
JSON_BODIES = [(path, method, operation) for path, item in DOCUMENT["paths"].items()
               for method, operation in item.items() if method in openapi.METHODS
               if "application/json" in operation.get("requestBody", {}).get("content", {})]


def _started_task(client) -> int:
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    started = client.post("/api/process-definitions/key/two_step/start", json={},
                          headers=headers_for("clerk"))
    assert started.status_code == 201, started.json
    return started.json["activeTasks"][0]["id"]


def _audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


@pytest.mark.parametrize("path, method, operation", JSON_BODIES,
                         ids=[f"{m.upper()} {p}" for p, m, _ in JSON_BODIES])
def test_every_json_body_is_held_to_the_contract_or_names_what_holds_it(path, method,
                                                                        operation):
    validator = contract.validator_for(path, method)
    assert (validator is None) == ("x-body-validated-by" in operation)
    media = operation["requestBody"]["content"]["application/json"]
    for example in (media.get("examples") or {}).values():  # examples stay valid, closed
        assert list(validator.iter_errors(example["value"])) == [] if validator else True


def test_a_field_the_contract_does_not_list_is_refused_before_the_handler(client):
    task_id = _started_task(client)
    before = _audit_count()
    refused = client.post(f"/api/tasks/{task_id}/complete", headers=headers_for("clerk"),
                          json={"variables": {}, "assignee": "admin"})
    assert refused.status_code == 400, refused.json
    assert refused.mimetype == "application/problem+json"
    assert refused.json["code"] == "unknown_field"
    assert refused.json["errors"] == [{"field": "assignee",
                                       "message": "is not a field this operation takes"}]
    assert _audit_count() == before
    task = client.get(f"/api/tasks/{task_id}", headers=headers_for("clerk")).json
    assert task["state"] == "open"


def test_free_form_variables_stay_open_to_the_forms_own_schema(client):
    task_id = _started_task(client)
    answered = client.post(f"/api/tasks/{task_id}/complete",
                           json={"variables": {"anything": {"nested": [1, 2]}}},
                           headers=headers_for("clerk"))
    assert answered.json.get("code") != "unknown_field", answered.json


def test_nested_objects_are_closed_too(client):
    refused = client.post("/api/organization-check", json={})  # no such route: untouched
    assert refused.status_code == 404
    letter = {"departmentId": 1, "number": "X", "items": [{"itemCode": "MSA-002", "x": 1}]}
    refused = client.post("/api/authorization-letters", headers=headers_for("admin"),
                          json=letter)
    assert refused.json["code"] == "unknown_field", refused.json
    assert {error["field"] for error in refused.json["errors"]} >= {"items/0/x"}


def test_types_and_ranges_are_the_handlers_to_refuse_with_their_own_codes(client):
    refused = client.post("/api/absences", headers=headers_for("admin"), json={"reason": 7})
    assert refused.status_code == 400 and refused.json["code"] not in ("unknown_field",)
    assert "reason" in {error["field"] for error in refused.json["errors"]}


def test_a_body_accepted_that_the_contract_refuses_fails_under_test(app):
    with app.test_request_context("/api/absences", method="POST", json={}):
        g.contract_errors = [{"field": "reason", "message": "is required"}]
        with pytest.raises(contract.ContractDrift, match="reason"):
            contract.check_accepted(Response(status=201))
        assert contract.check_accepted(Response(status=400)).status_code == 400
        app.config["CONTRACT_CHECK_ACCEPTED"] = False
        try:
            assert contract.check_accepted(Response(status=201)).status_code == 201
        finally:
            del app.config["CONTRACT_CHECK_ACCEPTED"]
