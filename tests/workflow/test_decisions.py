"""DMN decision tables deployed with the processes that call them: parsed hardened, checked,
kept per version, and edited by deploying the .dmn alone."""
from pathlib import Path

import pytest

from app.models import ProcessDefinition, db
from app.services.workflow import deployment
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput
from tests.conftest import headers_for

ROOT = Path(__file__).resolve().parents[2]
DMN = (ROOT / "processes" / "committee_escalation.dmn").read_text("utf-8")
BPMN = (ROOT / "processes" / "service_item.bpmn").read_bytes()


def designer():
    return headers_for("designer")


def _upload(client, *files: tuple[str, bytes]):
    data = {"file": [(__import__("io").BytesIO(content), name) for name, content in files]}
    return client.post("/api/process-definitions", data=data, headers=designer(),
                       content_type="multipart/form-data")


def test_setup_deploys_the_table_with_the_process_that_calls_it(session):
    current = deployment.latest("service_item")
    assert sorted(current.decisions) == ["committee_escalation.dmn"]
    assert "committee_escalation" in current.decisions["committee_escalation.dmn"]
    assert deployment.latest("joint_approval").decisions == {}  # calls none


def test_deploying_the_table_alone_gives_its_callers_a_new_version(client):
    before = deployment.latest("service_item")
    edited = DMN.replace('? in ["NRP-002", "NRP-005"]', '? in ["NRP-002", "NRP-004"]')
    response = _upload(client, ("committee_escalation.dmn", edited.encode()))
    assert response.status_code == 201, response.json
    assert response.json["key"] == "service_item" and response.json["created"]
    after = deployment.latest("service_item")
    assert after.version == before.version + 1 and after.bpmn_xml == before.bpmn_xml
    assert after.forms == before.forms
    assert '"NRP-004"' in after.decisions["committee_escalation.dmn"]
    assert '"NRP-004"' not in db.session.get(ProcessDefinition, before.id).decisions[
        "committee_escalation.dmn"]  # running cases keep the rules they started with
    again = _upload(client, ("committee_escalation.dmn", edited.encode()))
    assert again.status_code == 201 and again.json["created"] is False  # nothing changed


def test_a_process_deployed_alone_keeps_its_deployed_table(session):
    edited = DMN.replace("涉及重大公共安全，须集体研究决策", "涉及重大公共安全（修订）")
    deployment.deploy([("committee_escalation.dmn", edited.encode())], Actor.system("t"))
    renamed = BPMN.replace('name="部门审批决定"'.encode(), 'name="部门审批决定（改）"'.encode())
    [done] = deployment.deploy([("service_item.bpmn", renamed)], Actor.system("t"))
    assert "（修订）" in done.definition.decisions["committee_escalation.dmn"]


def test_a_table_nobody_calls_is_refused(session):
    other = DMN.replace('id="committee_escalation"', 'id="unused_rules"')
    with pytest.raises(InvalidInput) as refused:
        deployment.deploy([("unused.dmn", other.encode())], Actor.system("t"))
    assert refused.value.code == "decision_unused"


def test_a_missing_table_is_a_problem_on_its_task(session):
    problems = deployment.validate([("service_item.bpmn", BPMN.replace(
        b"<spiffworkflow:calledDecisionId>committee_escalation<",
        b"<spiffworkflow:calledDecisionId>no_such_rules<"))])
    assert [(p.element, "no_such_rules" in p.message) for p in problems] == [
        ("escalation_rule", True)]


@pytest.mark.parametrize("change, expected", [
    (("<text>public_safety</text>", "<text>public_safety +</text>"), "does not compile"),
    (('<text>? in ["NRP-002", "NRP-005"]</text>', '<text>in ["NRP-002"]</text>'),
     "write '? in"),
    (("<text>\"涉及重大公共安全，须集体研究决策\"</text>", "<text>__import__('os')</text>"),
     "does not compile"),
])
def test_table_expressions_are_checked_with_their_line(session, change, expected):
    bad = DMN.replace(*change)
    problems = deployment.validate([("service_item.bpmn", BPMN),
                                    ("committee_escalation.dmn", bad.encode())])
    assert len(problems) == 1 and expected in problems[0].message
    assert problems[0].file == "committee_escalation.dmn" and problems[0].line


def test_entities_and_foreign_documents_are_refused(session):
    evil = ('<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            + DMN[DMN.index("<definitions"):])
    problems = deployment.validate([("service_item.bpmn", BPMN), ("evil.dmn", evil.encode())])
    assert any("DTD" in p.message for p in problems)
    not_dmn = b'<definitions xmlns="urn:other"><decision id="committee_escalation"/></definitions>'
    problems = deployment.validate([("service_item.bpmn", BPMN), ("x.dmn", not_dmn)])
    assert any("not a DMN document" in p.message for p in problems)


def test_the_modeler_keeps_the_deployed_table(client):
    response = client.post("/api/process-definitions", json={
        "xml": BPMN.decode().replace('name="即办审批"', 'name="即办审批（改）"'),
        "filename": "service_item.bpmn"}, headers=designer())
    assert response.status_code == 201, response.json
    assert deployment.latest("service_item").decisions == deployment.versions(
        "service_item")[1].decisions
    assert response.json["decisions"] == ["committee_escalation.dmn"]


def test_designers_read_the_table(client):
    body = client.get("/api/process-definitions/key/service_item/decisions",
                      headers=designer()).json
    [table] = body["items"]
    assert table["id"] == "committee_escalation" and table["hitPolicy"] == "FIRST"
    assert [i["expression"] for i in table["inputs"]] == [
        "public_safety", "public_interest", "law_unclear", "item_code"]
    assert table["rules"][-1]["outputs"] == ["False", '""']
    assert "<decisionTable" in table["xml"]
    page = client.get("/designer/processes/service_item/decisions", headers=designer()).text
    assert "涉及重大公共安全" in page and "FIRST" in page
