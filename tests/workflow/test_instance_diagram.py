"""The instance diagram: element states from the engine's task tree, the JSON endpoint, and
the administrators' page that draws them (and still says everything without JavaScript)."""
import json
import re
from datetime import timedelta, timezone

import pytest

from app.services.workflow import deployment, instances, timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import ALL_MATERIALS, complete, start_case
from tests.conftest import DATA, deploy_test_file, headers_for
from tests.workflow.test_admin_pages import MONDAY, frozen_clock  # noqa: F401  the clock is autouse


def states(client, instance_id: int, username: str = "admin"):
    return client.get(f"/api/process-instances/{instance_id}/element-states",
                      headers=headers_for(username))


def promise_case_after_supplement(client) -> int:
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS[:1])
    complete(client, case_id, "supplement", "clerk", materials_received=ALL_MATERIALS)
    return case_id


def test_states_follow_the_task_tree_into_the_sub_process(client):
    body = states(client, promise_case_after_supplement(client)).json
    elements = body["elements"]
    assert {elements[e] for e in ("received", "intake", "check_materials", "gw_intake",
                                  "notify_missing", "supplement", "accept", "gw_kind")} == {
        "completed"}
    assert elements["window_review"] == "active" and elements["handling"] == "active"
    assert elements["warning_timer"] == elements["overdue_timer"] == "waiting"
    assert not {"refuse", "decide_on_spot", "department_decision", "deliver"} & set(elements)
    # MSA-002 names a reason to take longer (现场踏勘): its decision limit is the deadline.
    assert body["timers"] == {"warning_timer": "2026-03-13T23:59:59+08:00",
                              "overdue_timer": "2026-03-16T23:59:59+08:00",
                              "decision_limit_timer": "2026-03-16T23:59:59+08:00"}
    assert {"f_gw_missing", "f_supplement_recheck", "f_kind_promise", "f_h_review"} <= set(
        body["flows"])
    assert not {"f_gw_refuse", "f_kind_instant", "f_h_decision"} & set(body["flows"])
    assert body["failedElement"] is None and body["state"] == "running"


def test_states_are_shown_to_whoever_may_see_the_instance(client):
    case_id = start_case(client, "MSA-001")["id"]
    assert states(client, case_id, "clerk").status_code == 200  # received the case
    refused = states(client, case_id, "nrp_leader")
    assert refused.status_code == 403 and refused.json["code"] == "not_involved"
    assert states(client, 999999).status_code == 404


def _failed_reminder(frozen_clock, fire) -> int:
    deploy_test_file("diagram_incident.bpmn")
    at = MONDAY.astimezone(timezone.utc)
    instance = instances.start("diagram_incident", Actor.system("tests"), variables={
        "remind_at": (at + timedelta(hours=1)).isoformat(),
        "deadline_at": (at + timedelta(days=1)).isoformat()})  # no reminder_text
    if fire == "sweep":
        frozen_clock.move_to(MONDAY + timedelta(hours=2))
        assert timers.fire(instance.id, Actor.system("timer")) is False
    else:  # an administrator fired the timers before they were due
        assert timers.fire_now(instance.id, Actor.system("tests")) is False
    return instance.id


@pytest.mark.parametrize("fire", ["sweep", "now"])
def test_the_element_an_incident_is_about_is_marked_as_failed(client, frozen_clock, fire):
    instance_id = _failed_reminder(frozen_clock, fire)
    body = states(client, instance_id).json
    assert body["state"] == "error" and "reminder_text" in body["incident"]
    assert body["failedElement"] == "send_reminder"
    assert body["elements"]["send_reminder"] == "error"
    assert body["elements"]["review"] == "active"
    assert states(client, instance_id).json == body  # the diagnosis saved nothing


def _diagram_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="instance-diagram-data">(.*?)</script>',
                      page, re.S)
    assert found, "no diagram data on the page"
    return json.loads(found.group(1))


def test_page_embeds_the_diagram_its_states_and_a_table_without_javascript(client):
    case_id = promise_case_after_supplement(client)
    page = client.get(f"/admin/instances/{case_id}", headers=headers_for("admin")).text
    data = _diagram_data(page)
    assert "BPMNDiagram" in data["xml"] and data["elements"]["window_review"] == "active"
    assert data["stateNames"]["waiting"] in page  # the legend
    for asset in ("vendor/bpmn-js/bpmn-navigated-viewer.production.min.js",
                  "vendor/bpmn-js/assets/bpmn-js.css", "js/instance_diagram.js",
                  "css/instance.css"):
        assert f"/static/{asset}" in page
    assert "<noscript>" in page
    table = page.split('id="element-states"', 1)[1].split("</table>", 1)[0]
    row = table.split("<code>warning_timer</code>", 1)[1].split("</tr>", 1)[0]
    assert "等待中" in row and "2026-03-13 23:59" in row
    assert "当前待办" in page and "流程变量" in page  # the existing tables stay


def test_page_says_so_when_bpmn_js_is_not_installed(client, app, tmp_path, monkeypatch):
    case_id = start_case(client, "MSA-001")["id"]
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    page = client.get(f"/admin/instances/{case_id}", headers=headers_for("admin")).text
    assert "图形库未安装：请运行 make assets" in page
    assert "bpmn-navigated-viewer" not in page and 'id="element-states"' in page


def test_version_without_diagram_interchange_is_drawn_with_a_generated_layout(client):
    xml = (DATA / "migration_v1.bpmn").read_text(encoding="utf-8")
    bare = re.sub(r"\s*<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", xml, flags=re.S)
    deployment.deploy([("no_di.bpmn", bare.encode())], Actor.system("tests"))
    instance = instances.start("migration_demo", Actor.system("tests"),
                               variables={"department_id": None})
    page = client.get(f"/admin/instances/{instance.id}", headers=headers_for("admin")).text
    assert "下图为自动布局" in page
    data = _diagram_data(page)
    assert 'bpmnElement="review"' in data["xml"] and data["elements"]["review"] == "active"
