"""The process designer's pages and API: version lists, validation and deployment from the
modeler, the diff of two versions and the form editor's preview."""
import io
import json
import re
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.services.workflow import deployment
from app.web.workflow import designer as designer_pages
from tests.conftest import DATA, headers_for, user

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
ROOT = Path(__file__).parents[2]
TWO_STEP = (DATA / "two_step.bpmn").read_text("utf-8")
FORM = "two_step_first.schema.json"
PAGES = ["/designer", "/designer/processes/service_item", "/designer/modeler",
         "/designer/modeler?key=service_item", "/designer/modeler?key=service_item&version=1",
         "/designer/processes/service_item/versions/1/xml",
         "/designer/processes/service_item/diff?from=1&to=1", "/designer/forms",
         "/designer/forms?pick=dir|service_item_intake.uischema.json"]


@pytest.fixture(autouse=True)
def frozen_clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def designer():
    return headers_for("designer")


def upload_two_step(client, xml: str = TWO_STEP):
    """Version 1 of two_step as the deploy API receives it, with its form beside it."""
    data = {"file": [(io.BytesIO(xml.encode()), "two_step.bpmn"),
                     (io.BytesIO((DATA / FORM).read_bytes()), FORM)]}
    response = client.post("/api/process-definitions", data=data, headers=designer(),
                           content_type="multipart/form-data")
    assert response.status_code == 201
    return response.json


def modeler_deploy(client, xml: str, headers=None):
    return client.post("/api/process-definitions", json={"xml": xml, "filename": "two_step.bpmn"},
                       headers=headers or designer())


def validate(client, xml: str, headers=None):
    return client.post("/api/process-definitions/validate",
                       json={"xml": xml, "filename": "x.bpmn"}, headers=headers or designer())


# --- access ----------------------------------------------------------------------------------

@pytest.mark.parametrize("path", PAGES)
def test_pages_are_for_designers_and_administrators(client, path):
    assert client.get(path, headers=designer()).status_code == 200
    assert client.get(path, headers=headers_for("admin")).status_code == 200
    assert client.get(path, headers=headers_for("clerk")).status_code == 403


def test_only_designers_see_the_navigation_link(client):
    link = '>流程设计</a>'
    assert link in client.get("/designer", headers=designer()).text
    assert link not in client.get("/", headers=headers_for("clerk")).text


def test_clerk_may_neither_validate_nor_deploy_nor_preview(client):
    clerk = headers_for("clerk")
    assert validate(client, TWO_STEP, clerk).status_code == 403
    assert modeler_deploy(client, TWO_STEP, clerk).status_code == 403
    preview = client.post("/designer/forms/preview", data={"__schema": "{}"}, headers=clerk)
    assert preview.status_code == 403


# --- lists ---------------------------------------------------------------------------------

def test_index_lists_latest_versions_with_who_deployed_them_and_when(client):
    upload_two_step(client)
    page = client.get("/designer", headers=designer()).text
    row = page.split('href="/designer/processes/two_step"', 1)[1].split("</tr>", 1)[0]
    assert "版本 1" in row and user("designer").display_name in row
    assert "2026-03-02 09:30" in row and 'href="/designer/modeler?key=two_step"' in row
    assert 'href="/designer/modeler"' in page  # 新建流程


def test_version_list_has_every_version_with_links_and_a_diff_form(client):
    upload_two_step(client)
    upload_two_step(client, TWO_STEP.replace("Second step", "Check"))
    page = client.get("/designer/processes/two_step", headers=designer()).text
    for n in (1, 2):
        assert f'href="/designer/modeler?key=two_step&amp;version={n}"' in page
        assert f'href="/designer/processes/two_step/versions/{n}/xml"' in page
    assert page.count("two_step.bpmn") == 2 and user("designer").display_name in page
    assert 'action="/designer/processes/two_step/diff"' in page
    xml = client.get("/designer/processes/two_step/versions/2/xml", headers=designer()).text
    assert 'id=&#34;second&#34; name=&#34;Check&#34;' in xml  # shown as text, escaped


def test_unknown_process_and_version_are_404(client):
    assert client.get("/designer/processes/nope", headers=designer()).status_code == 404
    missing = client.get("/designer/modeler?key=service_item&version=99", headers=designer())
    assert missing.status_code == 404


# --- validation ----------------------------------------------------------------------------

def test_validation_reports_problems_with_element_ids(client):
    response = validate(client, (DATA / "broken.bpmn").read_text("utf-8"))
    assert response.status_code == 200 and response.json["valid"] is False
    elements = {p["element"] for p in response.json["problems"]}
    assert {"bad_script", "sneaky", "ask", "odd"} <= elements
    assert all({"file", "message", "line", "element"} <= set(p) for p in response.json["problems"])
    assert "broken" not in {d.key for d in deployment.latest_versions()}


def test_validation_accepts_the_bundled_process_and_raw_xml(client):
    xml = (ROOT / "processes" / "service_item.bpmn").read_text("utf-8")
    assert validate(client, xml).json == {"valid": True, "problems": []}
    raw = client.post("/api/process-definitions/validate?filename=broken.bpmn",
                      data=(DATA / "broken.bpmn").read_bytes(), content_type="application/xml",
                      headers=designer())
    assert raw.json["valid"] is False and raw.json["problems"][0]["file"] == "broken.bpmn"


def test_malformed_xml_is_a_problem_with_its_line(client):
    body = validate(client, "<bpmn:definitions\n<").json
    assert body["valid"] is False and body["problems"][0]["line"] is not None


def test_a_document_not_in_utf8_is_a_problem_not_an_error(client):
    gbk = TWO_STEP.replace("UTF-8", "GBK").replace("Two steps", "两步").encode("gbk")
    raw = client.post("/api/process-definitions/validate", data=gbk,
                      content_type="application/xml", headers=designer())
    assert raw.status_code == 200
    assert "UTF-8" in " ".join(p["message"] for p in raw.json["problems"])


def test_validation_uses_the_forms_of_the_deployed_version(client):
    """The modeler sends the BPMN alone; its forms are those deployed with the process."""
    assert validate(client, TWO_STEP).json["valid"] is False  # nothing deployed yet
    upload_two_step(client)
    assert validate(client, TWO_STEP).json["valid"] is True


def test_cookie_session_needs_the_csrf_header(client):
    with client.session_transaction() as cookie_session:
        cookie_session["_user_id"], cookie_session["_fresh"] = user("designer").get_id(), True
    page = client.get("/designer/modeler").text
    config = json.loads(re.search(r'id="modeler-config">(.*?)</script>', page, re.S).group(1))
    body = {"xml": TWO_STEP, "filename": "two_step.bpmn"}
    refused = client.post(config["validateUrl"], json=body)
    assert refused.status_code == 400 and refused.json["code"] == "csrf_failed"
    accepted = client.post(config["validateUrl"], json=body,
                           headers={"X-CSRFToken": config["csrfToken"]})
    assert accepted.status_code == 200 and "valid" in accepted.json


# --- deploying from the modeler ------------------------------------------------------------

def test_modeler_deploy_creates_a_version_only_when_content_changed(client):
    first = upload_two_step(client)
    same = modeler_deploy(client, TWO_STEP)
    assert same.status_code == 201
    assert same.json["created"] is False and same.json["version"] == first["version"]
    changed = modeler_deploy(client, TWO_STEP.replace("Second step", "Check"))
    assert changed.json["created"] is True and changed.json["version"] == first["version"] + 1
    assert changed.json["forms"] == [FORM]  # kept from the version it was built on
    assert "Check" in deployment.latest("two_step").bpmn_xml


def test_modeler_deploy_refuses_an_invalid_document_with_its_problems(client):
    response = modeler_deploy(client, (DATA / "broken.bpmn").read_text("utf-8"))
    assert response.status_code == 400 and response.json["code"] == "bpmn_invalid"
    assert {"bad_script", "odd"} <= {e["element"] for e in response.json["errors"]}
    assert deployment.latest("broken", required=False) is None


def test_new_process_template_is_valid_and_has_a_diagram(client, app):
    page = client.get("/designer/modeler", headers=designer()).text
    config = json.loads(re.search(r'id="modeler-config">(.*?)</script>', page, re.S).group(1))
    template = config["templateXml"]
    assert config["xmlUrl"] is None and "bpmndi:BPMNShape" in template
    assert deployment.validate(deployment.document_files(template)) == []
    deployed = modeler_deploy(client, template)
    assert deployed.json["created"] is True and deployed.json["version"] == 1


def test_modeler_page_loads_the_chosen_version_from_the_json_endpoint(client):
    upload_two_step(client)
    upload_two_step(client, TWO_STEP.replace("Second step", "Check"))
    page = client.get("/designer/modeler?key=two_step&version=1", headers=designer()).text
    config = json.loads(re.search(r'id="modeler-config">(.*?)</script>', page, re.S).group(1))
    body = client.get(config["xmlUrl"], headers=designer()).json
    assert body["version"] == 1 and "Second step" in body["bpmn20Xml"]
    assert "bpmndi:BPMNShape" not in body["bpmn20Xml"]  # written by hand, without a diagram
    assert "BPMNShape" in body["diagramXml"] and body["forms"] == [FORM]


def test_modeler_says_when_the_drawing_library_is_missing(client, app, monkeypatch, tmp_path):
    notice = 'role="alert">图形库未安装：请运行 make assets</p>'
    monkeypatch.setattr(app, "static_folder", str(tmp_path))
    page = client.get("/designer/modeler", headers=designer()).text
    assert notice in page and "bpmn-modeler" not in page
    for name in [designer_pages.MODELER_JS, *designer_pages.VENDOR_CSS]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    page = client.get("/designer/modeler", headers=designer()).text
    assert notice not in page and "bpmn-modeler.production.min.js" in page


# --- diff ----------------------------------------------------------------------------------

def test_diff_page_lists_changes_and_marks_them(client):
    upload_two_step(client)
    changed = TWO_STEP.replace("Second step", "Check").replace(
        '<bpmn:sequenceFlow id="f4" sourceRef="second" targetRef="end"/>',
        '<bpmn:sequenceFlow id="f4" sourceRef="second" targetRef="tell"/>'
        '<bpmn:scriptTask id="tell"><bpmn:script>x = 1</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f5" sourceRef="tell" targetRef="end"/>')
    upload_two_step(client, changed)
    response = client.get("/designer/processes/two_step/diff?from=1&to=2", headers=designer())
    assert response.status_code == 200
    data = json.loads(re.search(r'id="diff-config">(.*?)</script>', response.text, re.S).group(1))
    assert set(data["added"]) == {"tell", "f5"} and set(data["changed"]) >= {"second", "f4"}
    assert data["removed"] == [] and "BPMNShape" in data["new"]
    assert "<code>tell</code>" in response.text and "流入连线" in response.text  # end: incoming
    assert ('<span class="diff-minus">-    &lt;bpmn:userTask id=&#34;second&#34; '
            'name=&#34;Second step&#34;/&gt;</span>') in response.text


def test_diff_needs_valid_versions(client):
    bad = client.get("/designer/processes/service_item/diff?from=x&to=1", headers=designer())
    assert bad.status_code == 400
    missing = client.get("/designer/processes/service_item/diff?from=1&to=9", headers=designer())
    assert missing.status_code == 404


# --- form editor ---------------------------------------------------------------------------

def intake_documents() -> dict:
    return {"__schema": (ROOT / "forms" / "service_item_intake.schema.json").read_text("utf-8"),
            "__uischema": (ROOT / "forms" / "service_item_intake.uischema.json").read_text("utf-8")}


def preview(client, **form):
    return client.post("/designer/forms/preview", data=form, headers=designer())


def test_editor_offers_directory_forms_and_forms_of_deployed_versions(client):
    upload_two_step(client)
    definition = deployment.latest("two_step")
    page = client.get("/designer/forms", headers=designer()).text
    assert 'value="dir|service_item_intake.schema.json"' in page
    assert f'value="{definition.id}|{FORM}"' in page
    opened = client.get(f"/designer/forms?pick={definition.id}|{FORM}", headers=designer()).text
    assert "&#34;title&#34;: &#34;金额&#34;" in opened
    pair = client.get("/designer/forms?pick=dir|service_item_intake.uischema.json",
                      headers=designer()).text
    assert "ui:order" in pair and "within_remit" in pair  # both halves of the pair
    assert client.get("/designer/forms?pick=dir|nope.json", headers=designer()).status_code == 404


def test_preview_renders_the_fields_like_the_task_page(client):
    response = preview(client, **intake_documents())
    assert response.status_code == 200
    assert 'name="within_remit" value="false"' in response.text and "接件审查" in response.text
    assert "<legend>不予受理</legend>" in response.text  # the sections, as on the task page
    assert 'name="materials_received"' in response.text  # sample choices for enumFrom
    assert 'id="field-refusal_reasons"' in response.text and "<textarea" in response.text


def test_preview_explains_invalid_json_and_invalid_schema(client):
    broken = preview(client, __schema='{"type": "object",\n "properties": {', __uischema="{}")
    assert broken.status_code == 400
    assert "JSON Schema 不是合法的 JSON：第 2 行" in broken.text
    ui = preview(client, __schema='{"type": "object"}', __uischema="[1")
    assert ui.status_code == 400 and "UI Schema 不是合法的 JSON" in ui.text
    wrong = preview(client, __schema='{"type": "objekt"}', __uischema="")
    assert wrong.status_code == 400 and "JSON Schema 无效" in wrong.text
    odd = preview(client, __schema='{"type": "object", "properties": {"a": true}}')
    assert odd.status_code == 400 and "无法按此 Schema 生成表单" in odd.text


def test_trial_submission_shows_problems_beside_fields(client):
    unchosen = preview(client, **intake_documents(), __check="1")
    assert unchosen.status_code == 200 and 'id="field-within_remit-error"' in unchosen.text
    refused = preview(client, **intake_documents(), __check="1", within_remit="false")
    assert refused.status_code == 200 and "表单有误" in refused.text
    assert 'id="field-refusal_reasons-error"' in refused.text  # 不予受理 needs reasons
    accepted = preview(client, **intake_documents(), __check="1", within_remit="true",
                       materials_received="sample_1")
    assert "试填数据通过校验" in accepted.text and "表单有误" not in accepted.text
    assert "&#34;within_remit&#34;: true" in accepted.text  # the data a task would receive
