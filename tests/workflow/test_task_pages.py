"""The clerk's task page: fields generated from JSON Schema, completing, claiming, CSRF."""
import pytest

import json
import re
from pathlib import Path

from werkzeug.datastructures import MultiDict

from app.models import HumanTask, db
from app.services import cases
from app.web import schema_form
from tests.cases.service_item_steps import open_task, start_case
from tests.conftest import headers_for, user

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")

FORMS = Path(__file__).parents[2] / "forms"


def _form(name: str) -> tuple[dict, dict]:
    return (json.loads((FORMS / f"{name}.schema.json").read_text("utf-8")),
            json.loads((FORMS / f"{name}.uischema.json").read_text("utf-8")))


def test_enum_with_one_of_titles_becomes_radio_buttons_in_ui_order():
    schema, ui = _form("service_item_decision")
    decision, reasons, basis = schema_form.fields(schema, ui)
    assert (decision.name, decision.widget, decision.required) == ("decision", "radio", True)
    assert decision.options == [("approve", "准予许可"), ("deny", "不予许可")]
    assert reasons.widget == "textarea" and reasons.attributes == {"maxlength": 4000}
    assert basis.help == "不予许可时必须写明法律依据" and not basis.required


def test_enum_without_radio_widget_is_a_select_and_min_length_an_attribute():
    schema = {"type": "object", "required": ["kind"], "properties": {
        "kind": {"type": "string", "enum": ["a", "b"]},
        "note": {"type": "string", "minLength": 2, "description": "说明"},
        "on": {"type": "string", "format": "date"}}}
    kind, note, on = schema_form.fields(schema)
    assert kind.widget == "select" and kind.options == [("a", "a"), ("b", "b")] and kind.required
    assert note.attributes == {"minlength": 2} and note.help == "说明"
    assert on.widget == "date"


def test_the_accept_or_refuse_choice_is_an_explicit_required_radio():
    schema, ui = _form("service_item_intake")
    within, materials, *_ = schema_form.fields(schema, ui, {"item_materials": [("id", "身份证")]})
    assert (within.widget, within.required) == ("radio", True)
    assert within.options == [("true", "予以受理（属于本部门职权范围）"),
                              ("false", "不予受理（不属于本部门职权范围）")]
    assert materials.widget == "checkboxes" and materials.options == [("id", "身份证")]


def test_a_plain_boolean_is_a_checkbox_where_unticked_is_a_valid_no():
    schema, ui = _form("service_item_review")
    public_interest = next(f for f in schema_form.fields(schema, ui) if f.name == "public_interest")
    assert public_interest.widget == "checkbox" and not public_interest.required
    assert schema_form.to_json(schema, MultiDict(), ui)["public_interest"] is False


def test_the_intake_form_is_laid_out_in_sections_with_refusal_shown_for_refusing():
    schema, ui = _form("service_item_intake")
    grouped = schema_form.sections(schema, ui, schema_form.fields(schema, ui))
    assert [(s.title, [f.name for f in s.fields], s.shown_when) for s in grouped] == [
        ("受理决定", ["within_remit"], None),
        ("收取材料", ["materials_received", "lenient_commitment"], None),
        ("不予受理", ["refusal_reasons", "redirect_to"], ("within_remit", "false"))]


def test_fields_no_section_names_follow_untitled():
    schema = {"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "string"}}}
    grouped = schema_form.sections(schema, {"ui:sections": [{"title": "甲", "fields": ["b"]}]},
                                   schema_form.fields(schema))
    assert [(s.title, [f.name for f in s.fields]) for s in grouped] == [("甲", ["b"]), ("", ["a"])]


def test_numbers_are_typed_with_html_bounds():
    schema = {"type": "object", "properties": {
        "count": {"type": "integer", "minimum": 1, "maximum": 9},
        "amount": {"type": "number"}}}
    count, amount = schema_form.fields(schema)
    assert count.attributes == {"min": 1, "max": 9, "step": 1} and amount.attributes["step"] == "any"
    posted = MultiDict({"count": "3", "amount": "2.5"})
    assert schema_form.to_json(schema, posted) == {"count": 3, "amount": 2.5}
    # what does not parse is passed on, so the schema refuses it with its own message
    assert schema_form.to_json(schema, MultiDict({"count": "1.5", "amount": "x"})) == {
        "count": "1.5", "amount": "x"}


def test_form_to_json_types_booleans_lists_and_leaves_out_empty_text():
    schema, ui = _form("service_item_intake")
    posted = MultiDict([("within_remit", "true"), ("materials_received", "id_card"),
                        ("materials_received", "application_form"), ("refusal_reasons", "  "),
                        ("csrf_token", "t")])
    # an unticked checkbox is a valid no (容缺受理承诺书 not signed)
    assert schema_form.to_json(schema, posted, ui) == {
        "within_remit": True, "materials_received": ["id_card", "application_form"],
        "lenient_commitment": False}
    assert schema_form.to_json(schema, MultiDict({"within_remit": "false"}), ui) == {
        "within_remit": False, "materials_received": [], "lenient_commitment": False}
    # no choice made is no choice, not a refusal: the schema reports it missing
    assert schema_form.to_json(schema, MultiDict(), ui) == {"materials_received": [],
                                                            "lenient_commitment": False}
    assert schema_form.to_json(schema, MultiDict({"within_remit": "on"}), ui) == {
        "materials_received": [], "lenient_commitment": False}


def test_messages_are_grouped_by_top_level_field():
    found = schema_form.messages_by_field([{"field": "materials_received/0", "message": "m"},
                                           {"field": "", "message": "whole"}])
    assert found == {"materials_received": ["m"], "": ["whole"]}


def _intake(client) -> HumanTask:
    return open_task(start_case(client, "MSA-002")["id"], "intake")


def test_intake_page_renders_the_generated_form_for_the_clerk(client):
    task = _intake(client)
    page = client.get(f"/tasks/{task.id}", headers=headers_for("clerk"))
    assert page.status_code == 200
    html = page.text
    assert "食品经营许可证核发" in html and "张三" in html
    assert re.search(r'<input type="radio" name="within_remit" value="true" required>'
                     r' 予以受理（属于本部门职权范围）', html)
    assert re.search(r'<input type="radio" name="within_remit" value="false" required>', html)
    assert re.search(r'<fieldset class="form-section" data-shown-when="within_remit=false">\s*'
                     r'<legend>不予受理</legend>', html)
    assert 'name="materials_received" value="application_form"' in html and "申请书" in html
    assert re.search(r'<textarea id="field-refusal_reasons"[^>]*maxlength="2000"', html)
    assert 'aria-describedby="field-refusal_reasons-help"' in html
    assert html.count('name="csrf_token"') >= 4  # complete, claim, upload, sign out
    inbox = client.get("/", headers=headers_for("clerk")).text
    assert f'href="/tasks/{task.id}"' in inbox and "食品经营许可证核发" in inbox


def test_a_refused_form_comes_back_with_values_and_messages(client):
    task = _intake(client)
    response = client.post(f"/tasks/{task.id}", headers=headers_for("clerk"),
                           data={"within_remit": "false", "materials_received": ["id_card"],
                                 "redirect_to": "县卫健局"})
    assert response.status_code == 400
    assert re.search(r'id="field-refusal_reasons-error">请填写不予受理理由</span>', response.text)
    assert re.search(r'value="false" checked', response.text)  # the choice is kept too
    assert 'value="县卫健局"' in response.text
    assert re.search(r'value="id_card" checked', response.text)
    db.session.refresh(task)
    assert task.state == "open"


def test_no_accept_or_refuse_choice_is_refused_as_missing_not_read_as_refusal(client):
    task = _intake(client)
    response = client.post(f"/tasks/{task.id}", headers=headers_for("clerk"),
                           data={"materials_received": ["id_card"]})
    assert response.status_code == 400
    assert re.search(r'id="field-within_remit-error">请填写是否受理</span>', response.text)
    assert "field-refusal_reasons-error" not in response.text
    db.session.refresh(task)
    assert task.state == "open"


def test_a_good_form_completes_the_task_and_returns_to_the_inbox(client):
    task = _intake(client)
    response = client.post(f"/tasks/{task.id}", headers=headers_for("clerk"), data={
        "within_remit": "true", "materials_received": ["application_form", "id_card"]})
    assert response.status_code == 303 and response.location.endswith("/")  # 补正: no 受理
    db.session.refresh(task)
    assert task.state == "completed"


def test_accepting_goes_to_the_case_page_with_its_number_and_notice(client):
    task = _intake(client)
    response = client.post(f"/tasks/{task.id}", headers=headers_for("clerk"), data={
        "within_remit": "true",
        "materials_received": ["application_form", "id_card", "premises_proof"]})
    assert response.status_code == 303
    assert response.location.endswith(f"/cases/{task.instance_id}")
    case = cases.case_of(task.instance_id)
    page = client.get(response.location, headers=headers_for("clerk")).text
    assert f"已受理，办件编号 {case.case_no}" in page
    assert f"/cases/{task.instance_id}/notices/accepted" in page


def test_another_departments_clerk_gets_a_403_page(client):
    task = _intake(client)
    response = client.get(f"/tasks/{task.id}", headers=headers_for("hea_a"))
    assert response.status_code == 403 and "<h1>403" in response.text
    assert client.post(f"/tasks/{task.id}", headers=headers_for("hea_a"),
                       data={"within_remit": "true"}).status_code == 403


def test_claim_and_release_from_the_page(client):
    task = _intake(client)
    clerk = headers_for("clerk")
    assert client.post(f"/tasks/{task.id}/claim", headers=clerk).status_code == 303
    db.session.refresh(task)
    assert task.assignee_id == user("clerk").id
    assert "释放任务" in client.get(f"/tasks/{task.id}", headers=clerk).text
    assert client.post(f"/tasks/{task.id}/unclaim", headers=clerk).status_code == 303
    db.session.refresh(task)
    assert task.assignee_id is None


def test_cookie_session_posts_need_the_csrf_token(client):
    task = _intake(client)
    with client.session_transaction() as cookie_session:  # signed in by cookie, not a token
        cookie_session["_user_id"], cookie_session["_fresh"] = user("clerk").get_id(), True
    page = client.get(f"/tasks/{task.id}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"within_remit": "true", "materials_received": ["application_form", "id_card"]}
    assert client.post(f"/tasks/{task.id}", data=form).status_code == 400
    db.session.refresh(task)
    assert task.state == "open"
    done = client.post(f"/tasks/{task.id}", data={**form, "csrf_token": token})
    assert done.status_code == 303
    assert "已办理" in client.get("/").text  # the message shown once back in the inbox


def test_a_suspended_cases_task_is_marked_and_a_submit_keeps_the_input(client):
    task = _intake(client)
    admin = headers_for("admin")
    assert client.post(f"/api/process-instances/{task.instance_id}/suspend",
                       headers=admin).status_code == 200
    page = client.get(f"/tasks/{task.id}", headers=headers_for("clerk")).text
    assert "已挂起" in page and "<fieldset disabled>" in page
    response = client.post(f"/tasks/{task.id}", headers=headers_for("clerk"), data={
        "within_remit": "true", "materials_received": ["application_form"],
        "redirect_to": "县卫健局"})
    assert response.status_code == 409
    assert "该办件流程已挂起，恢复后才能提交" in response.text
    assert 'value="县卫健局"' in response.text and re.search(
        r'value="application_form" checked', response.text)
    db.session.refresh(task)
    assert task.state == "open"
