"""Data a person submits is data, not state: only what a task's form declares reaches the
workflow, never a name the processes decide (item, department, rules, branch, seat)."""
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.models import ProcessInstance, db
from app.services.workflow import deployment, forms, instances
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput
from tests.cases.service_item_steps import (case_of, complete, open_names, open_task,
                                            required_materials, start_case)
from tests.committee.committee_steps import escalate, grant_nrp_officer, reviewed_case, vote_task
from tests.conftest import headers_for, user
from tests.joint.joint_steps import accept, branch_task, opinion_states, start_joint


@pytest.fixture(autouse=True)
def frozen_clock(session):
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
                             tick=False) as clock:
        yield clock


def submit(client, task, username, **variables):
    return client.post(f"/api/tasks/{task.id}/complete", json={"variables": variables},
                       headers=headers_for(username))


def variables_of(instance_id: int) -> dict:
    return instances.variables(db.session.get(ProcessInstance, instance_id))


@pytest.mark.parametrize("injected", [{"item_code": "MSA-001"}, {"overdue_default": True},
                                      {"department_id": 2}, {"anything_else": 1}])
def test_an_intake_cannot_set_what_the_engine_decides(client, injected):
    case_id = start_case(client, "MSA-002")["id"]
    intake = open_task(case_id, "intake")
    response = submit(client, intake, "clerk", within_remit=True,
                      materials_received=required_materials("MSA-002"), **injected)
    assert response.status_code == 400 and response.json["code"] == "form_field_undeclared"
    assert [e["field"] for e in response.json["errors"]] == list(injected)
    assert open_names(case_id) == ["intake"] and case_of(case_id).status_code == 1
    data = variables_of(case_id)
    assert (data["item_code"], data["overdue_default"]) == ("MSA-002", True)
    assert "anything_else" not in data


def test_a_huge_value_in_a_declared_field_is_refused(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=required_materials("MSA-002"))
    response = submit(client, open_task(case_id, "window_review"), "clerk",
                      review_opinion="x" * (forms.MAX_SUBMISSION_BYTES + 1),
                      recommendation="approve")
    assert response.status_code == 400 and response.json["code"] == "form_too_large"
    assert open_names(case_id) == ["window_review"]


def test_a_chief_cannot_answer_as_another_department(client):
    case_id = start_joint(client)
    accept(client, case_id)
    hea = branch_task(case_id, "HEA")
    response = submit(client, hea, "hea_chief", opinion_decision="agree",
                      branch_department_id=branch_task(case_id, "HCD").department_id)
    assert response.status_code == 400
    assert response.json["errors"] == [{"field": "branch_department_id",
                                        "message": "set by the engine, not by a form"}]
    assert opinion_states(case_id) == {"MSA": "pending", "HEA": "pending", "HCD": "pending"}


def test_a_member_cannot_vote_in_another_members_name(client):
    grant_nrp_officer("NRP-004")
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    response = submit(client, vote_task(case_id, "committee1"), "committee1",
                      vote_choice="approve", voter_id=user("committee2").id)
    assert response.status_code == 400 and response.json["code"] == "form_field_undeclared"


def test_a_task_without_a_form_takes_no_data(session):
    with pytest.raises(InvalidInput) as refused:
        forms.validate(None, {"item_code": "MSA-001"})
    assert refused.value.code == "form_field_undeclared"
    assert forms.validate(None, {}) == {}


def test_a_form_declaring_an_engine_variable_is_not_deployed(session):
    bpmn = (open("tests/data/two_step.bpmn", "rb").read())
    schema = {"type": "object", "properties": {"note": {"type": "string"},
                                               "overdue_default": {"type": "boolean"}}}
    with pytest.raises(InvalidInput) as refused:
        deployment.deploy([("two_step.bpmn", bpmn),
                           ("two_step_first.schema.json", json.dumps(schema).encode())],
                          Actor.system("tests"))
    assert "overdue_default" in json.dumps(refused.value.errors, ensure_ascii=False)
