"""Deploying with a change note and a server-checked confirmation, refusing a disconnected
process (422 bpmn_unconnected), and rolling back: an earlier version redeployed as N+1."""
import io
import json
import re

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, ProcessDefinition
from tests.conftest import DATA, headers_for
from tests.workflow.test_designer_pages import MONDAY

TWO_STEP = (DATA / "two_step.bpmn").read_text("utf-8")
FORM = "two_step_first.schema.json"
ORPHAN = '<bpmn:endEvent id="end"/><bpmn:userTask id="orphan" name="孤立任务"/>'


@pytest.fixture(autouse=True)
def frozen_clock(session):
    with time_machine.travel(MONDAY, tick=False):
        yield


def designer():
    return headers_for("designer")


def designer_json():
    """As the modeler's script asks: refusals come back as problem JSON."""
    return {**designer(), "Accept": "application/json"}


def api_upload(client, xml: str = TWO_STEP, **form):
    data = {"file": [(io.BytesIO(xml.encode()), "two_step.bpmn"),
                     (io.BytesIO((DATA / FORM).read_bytes()), FORM)], **form}
    return client.post("/api/process-definitions", data=data, headers=designer(),
                       content_type="multipart/form-data")


def plan(client, xml: str):
    return client.post("/designer/modeler/plan", json={"xml": xml, "filename": "two_step.bpmn"},
                       headers=designer())


def page_deploy(client, xml: str, **body):
    return client.post("/designer/modeler/deploy",
                       json={"xml": xml, "filename": "two_step.bpmn", **body},
                       headers=designer_json())


def versions(key="two_step") -> list[ProcessDefinition]:
    from app.models import db
    return list(db.session.scalars(sa.select(ProcessDefinition).where(
        ProcessDefinition.key == key).order_by(ProcessDefinition.version)))


def audit(action: str) -> list[AuditEvent]:
    from app.models import db
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


# --- a disconnected process ----------------------------------------------------------------

def test_a_disconnected_task_is_refused_with_422_and_named(client):
    response = api_upload(client, TWO_STEP.replace('<bpmn:endEvent id="end"/>', ORPHAN))
    assert response.status_code == 422 and response.json["code"] == "bpmn_unconnected"
    assert [(e["element"], e["name"], e["code"]) for e in response.json["errors"]] == [
        ("orphan", "孤立任务", "bpmn_unreachable")]
    assert versions() == []


def test_validate_lists_the_dead_end_and_other_problems_stay_400(client):
    dead_end = TWO_STEP.replace('<bpmn:sequenceFlow id="f4" sourceRef="second" targetRef="end"/>',
                                '')
    body = client.post("/api/process-definitions/validate", json={"xml": dead_end},
                       headers=designer()).json
    assert body["valid"] is False
    assert {(p["element"], p["code"]) for p in body["problems"]
            if p["code"] != "form_missing"} == {
        ("second", "bpmn_dead_end"), ("end", "bpmn_unreachable"), ("start", "bpmn_dead_end"),
        ("first", "bpmn_dead_end"), ("calc", "bpmn_dead_end")}
    mixed = dead_end.replace("total = amount * 2", "total = (")
    response = api_upload(client, mixed)
    assert response.status_code == 400 and response.json["code"] == "bpmn_invalid"
    assert "bpmn_dead_end" in {e["code"] for e in response.json["errors"]}


def test_an_unsupported_element_has_its_code_for_pages_to_word(client):
    response = client.post("/api/process-definitions", data={
        "file": [(io.BytesIO((DATA / "broken.bpmn").read_bytes()), "broken.bpmn")]},
        headers=designer(), content_type="multipart/form-data")
    unsupported = [e for e in response.json["errors"] if e["code"] == "unsupported_element"]
    assert unsupported and unsupported[0]["params"] == {"element": "bpmn:complexGateway"}


# --- the change note and the confirmation ------------------------------------------------

def test_the_modeler_deploy_needs_a_note_and_the_confirmation_it_was_shown(client):
    api_upload(client)
    changed = TWO_STEP.replace("Second step", "第二步")
    planned = plan(client, changed).json
    assert planned["processes"] == [{
        "key": "two_step", "name": "Two steps", "currentVersion": 1, "newVersion": 2,
        "changes": {"added": [], "removed": [], "layoutOnly": 0,
                    "changed": [{"id": "second", "type": "userTask", "name": "第二步",
                                 "aspects": ["name"]}],
                    "forms": {"added": [], "removed": [], "changed": []}}}]
    token = planned["confirmToken"]
    no_note = page_deploy(client, changed, confirmToken=token, note="  ")
    assert no_note.status_code == 400 and no_note.json["code"] == "note_required"
    unconfirmed = page_deploy(client, changed, note="改名")
    assert unconfirmed.status_code == 400 and unconfirmed.json["code"] == "confirmation_required"
    other = page_deploy(client, changed.replace("第二步", "第三步"), note="改名", confirmToken=token)
    assert other.status_code == 409 and other.json["code"] == "deploy_confirmation_stale"
    assert len(versions()) == 1  # nothing of the refused ones landed

    deployed = page_deploy(client, changed, note="第二步改为中文名", confirmToken=token)
    assert deployed.status_code == 201 and deployed.json[0]["version"] == 2
    assert versions()[-1].change_note == "第二步改为中文名"
    assert audit("process.deployed")[-1].detail["note"] == "第二步改为中文名"
    # The same token again: version 2 is current now, the confirmation is stale.
    again = page_deploy(client, changed.replace("第二步", "第二步 "), note="x", confirmToken=token)
    assert again.status_code == 409


def test_the_api_keeps_working_without_a_note_and_stores_one_when_sent(client):
    first = api_upload(client)
    assert first.status_code == 201 and first.json["changeNote"] == ""
    second = api_upload(client, TWO_STEP.replace("Calc", "Calc 2"), note="脚本改名")
    assert second.json["changeNote"] == "脚本改名" and second.json["version"] == 2
    stale = api_upload(client, TWO_STEP.replace("Calc", "Calc 3"), confirmToken="0" * 64)
    assert stale.status_code == 409 and len(versions()) == 2


def test_the_versions_page_shows_notes_and_who_deployed(client):
    api_upload(client)
    api_upload(client, TWO_STEP.replace("Calc", "Calc 2"), note="脚本改名")
    page = client.get("/designer/processes/two_step", headers=designer()).text
    assert "脚本改名" in page and "（无说明）" in page
    assert "/designer/processes/two_step/versions/1/redeploy" in page
    assert "/designer/processes/two_step/versions/2/redeploy" not in page  # the current one


# --- rollback ------------------------------------------------------------------------------

def redeploy_api(client, number: int, **body):
    return client.post(f"/api/process-definitions/key/two_step/versions/{number}/redeploy",
                       json=body, headers=designer())


def test_rollback_creates_the_next_version_with_the_old_content_and_is_audited(client):
    api_upload(client)
    api_upload(client, TWO_STEP.replace("Calc", "Calc 2"), note="脚本改名")
    assert redeploy_api(client, 1).json["code"] == "note_required"
    assert redeploy_api(client, 1, note="x", currentVersion=1).json["code"] == \
        "deploy_confirmation_stale"
    restored = redeploy_api(client, 1, note="脚本名称恢复", currentVersion=2)
    assert restored.status_code == 201
    assert restored.json["version"] == 3 and restored.json["restoredFrom"] == 1
    v1, _v2, v3 = versions()
    assert (v3.bpmn_xml, v3.forms, v3.sha256) == (v1.bpmn_xml, v1.forms, v1.sha256)
    assert v3.change_note == "脚本名称恢复" and v3.deployed_by is not None
    event = audit("process.redeployed")[-1]
    assert event.detail == {"key": "two_step", "version": 3, "definition_id": v3.id,
                            "restored_from": 1, "note": "脚本名称恢复"}
    assert redeploy_api(client, 1, note="again").json["code"] == "already_current"
    assert client.post("/api/process-definitions/key/two_step/versions/1/redeploy",
                       json={"note": "x"}, headers=headers_for("clerk")).status_code == 403


def test_the_rollback_page_confirms_on_the_server(client):
    api_upload(client)
    api_upload(client, TWO_STEP.replace("Calc", "Calc 2"), note="脚本改名")
    url = "/designer/processes/two_step/versions/1/redeploy"
    page = client.get(url, headers=designer()).text
    assert "版本 3（内容同版本 1）" in page and "Calc" in page
    unticked = client.post(url, data={"note": "恢复", "current_version": "2"}, headers=designer())
    assert unticked.status_code == 400 and "请勾选确认" in unticked.text
    no_note = client.post(url, data={"confirm": "1", "current_version": "2"}, headers=designer())
    assert no_note.status_code == 400 and "请填写变更说明" in no_note.text
    assert len(versions()) == 2
    done = client.post(url, data={"confirm": "1", "note": "恢复", "current_version": "2"},
                       headers=designer())
    assert done.status_code == 302 and len(versions()) == 3
    stale = client.post(url.replace("/1/", "/2/"),
                        data={"confirm": "1", "note": "再改", "current_version": "2"},
                        headers=designer())
    assert stale.status_code == 409 and "重新确认" in stale.text


def modeler_config(client, query: str = "") -> dict:
    page = client.get(f"/designer/modeler{query}", headers=designer()).text
    found = re.search(r'<script type="application/json" id="modeler-config">(.*?)</script>',
                      page, re.S)
    return json.loads(found.group(1))


def test_the_modeler_words_problems_and_bpmn_js_in_the_pages_language(client):
    chinese = modeler_config(client)
    assert chinese["bpmnTexts"]["Create task"] == "创建任务"
    assert chinese["messages"]["badges"]["bpmn_unreachable"] == "无法到达"
    assert chinese["messages"]["problemTexts"]["unsupported_element"] == "不支持的元素 {element}"
    assert chinese["laneNames"]["window_clerk"] == "窗口人员"
    english = modeler_config(client, "?lang=en")
    assert english["bpmnTexts"]["Create task"] == "Create task"
    assert english["messages"]["problemTexts"]["unsupported_element"] == \
        "unsupported element {element}"
    assert english["laneNames"]["window_clerk"] != "窗口人员"
