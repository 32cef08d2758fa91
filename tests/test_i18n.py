"""Translations: the English catalog is complete and current, pages render in English with
?lang=en (only data stays Chinese), and form problems read in the page's language."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from markupsafe import escape

from app.models import AuthorizationLetter, Center, Department, Item, User, db
from app.services.workflow import forms
from app.web import schema_form
from tests.cases.service_item_steps import open_task, start_case
from tests.conftest import headers_for

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# Ideographs and the full-width punctuation of Chinese text (，、：（）…)
CHINESE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


def _catalog():
    with CATALOG.open("rb") as po:
        return read_po(po, locale="en")


def _extracted() -> dict[tuple[str | None, str], str]:
    """What `make translations` would extract now: (context, msgid) -> first location."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found: dict[tuple[str | None, str], str] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=DEFAULT_KEYWORDS):
        msgid = message[0] if isinstance(message, (list, tuple)) else message
        found.setdefault((context, msgid), f"{filename}:{lineno}")
    return found


# --- the catalog --------------------------------------------------------------------------

def test_every_message_is_translated_and_none_is_fuzzy():
    catalog = _catalog()
    assert not catalog.fuzzy, "the catalog header is marked fuzzy"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(s.strip() for s in strings):
            problems.append(message.id)
    assert not problems, f"untranslated or fuzzy in {CATALOG.name}: {problems}"


def _format_errors(catalog) -> list:
    return [(m.id, [str(e) for e in errors]) for m, errors in catalog.check() if errors]


def test_placeholders_and_plurals_match_their_source():
    assert _format_errors(_catalog()) == []
    plural = _catalog().get(("%(field)s至少需要%(num)s个字符", "%(field)s至少需要%(num)s个字符"))
    assert plural is not None and len(plural.string) == 2


def test_the_catalog_has_every_message_the_code_uses():
    catalog = _catalog()
    missing = {key: where for key, where in _extracted().items()
               if catalog.get(key[1], context=key[0]) is None}
    assert not missing, (
        f"{len(missing)} message(s) not in {CATALOG.relative_to(ROOT)}; run `make translations` "
        "and translate them: " + "; ".join(f"{msgid!r} ({where})"
                                           for (_, msgid), where in sorted(missing.items(),
                                                                           key=str)))


def test_tables_of_display_names_are_extracted():
    extracted = {msgid for _, msgid in _extracted()}
    assert {"窗口受理", "即办件", "受理通知书", "受理决定权", "办理流程"} <= extracted


# --- English pages ------------------------------------------------------------------------

def _data_strings() -> list[str]:
    """Chinese that is data, not page chrome: names from the database and the deployed
    forms' titles and help texts."""
    found: set[str] = {"中文"}  # the language switcher
    for column in (Item.name, Department.name, Center.name, User.display_name,
                   AuthorizationLetter.number):  # 文号, listed while a letter ends soon
        found.update(db.session.scalars(sa.select(column)))
    for item in db.session.scalars(sa.select(Item)):
        found.update(m["name"] for m in item.materials or [])
    for path in (ROOT / "forms").glob("*.json"):
        found.update(_strings_in(json.loads(path.read_text("utf-8"))))
    return [s for s in found if s]


def _strings_in(document) -> list[str]:
    if isinstance(document, str):
        return [document]
    if isinstance(document, dict):
        return [s for value in document.values() for s in _strings_in(value)]
    if isinstance(document, list):
        return [s for value in document for s in _strings_in(value)]
    return []


def _chrome_in_chinese(html: str, data: list[str]) -> list[str]:
    for text in sorted(data, key=len, reverse=True):  # "申请人" is part of longer texts
        html = html.replace(str(escape(text)), "").replace(text, "")
    return [html[max(m.start() - 40, 0):m.end() + 20] for m in CHINESE.finditer(html)]


def _english(client, path: str, who: str) -> str:
    response = client.get(path + ("&" if "?" in path else "?") + "lang=en",
                          headers=headers_for(who))
    assert response.status_code == 200, response.text[:500]
    assert '<html lang="en">' in response.text
    return response.text


def test_pages_render_in_english(client):
    case = start_case(client, "MSA-002", name="张三")
    task = open_task(case["id"], "intake")
    data = _data_strings() + [task.title, task.instructions or "", "张三"]
    pages = {"/": "clerk", "/intake": "clerk", f"/tasks/{task.id}": "clerk",
             "/admin/dashboard": "admin"}
    for path, who in pages.items():
        html = _english(client, path, who)
        assert _chrome_in_chinese(html, data) == [], path
    assert "My to-dos" in _english(client, "/", "clerk")
    assert "Instant item" in _english(client, "/intake", "clerk")


def test_chinese_is_the_default_and_the_choice_sticks_for_the_session(client):
    clerk = headers_for("clerk")
    assert "我的待办" in client.get("/", headers=clerk).text
    client.get("/?lang=en", headers=clerk)
    assert "My to-dos" in client.get("/", headers=clerk).text
    client.get("/?lang=zh", headers=clerk)
    assert "我的待办" in client.get("/", headers=clerk).text


def test_accept_language_english_gets_english(client):
    headers = {**headers_for("clerk"), "Accept-Language": "en-US,en;q=0.9"}
    assert "My to-dos" in client.get("/", headers=headers).text


FALLBACK = """
from app import create_app
app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                  "BABEL_TRANSLATION_DIRECTORIES": %r})
page = app.test_client().get("/login?lang=en")
print(page.status_code, "用户名" in page.text, "Username" in page.text)
"""


def test_without_the_compiled_catalog_pages_fall_back_to_chinese(tmp_path):
    # In a process of its own: Flask-Babel caches loaded catalogs for the whole process.
    run = subprocess.run([sys.executable, "-c", FALLBACK % str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=False)
    assert run.stdout.split() == ["200", "True", "False"], run.stderr[-2000:]
    assert "no compiled English catalog" in run.stderr


# --- form problems ------------------------------------------------------------------------

SCHEMA = {"type": "object", "required": ["name"], "properties": {
    "name": {"type": "string", "title": "姓名", "minLength": 2, "maxLength": 5},
    "code": {"type": "string", "title": "代码", "pattern": "^[A-Z]+$"},
    "kind": {"type": "string", "title": "类别", "enum": ["a", "b"]},
    "on": {"type": "string", "title": "日期", "format": "date"},
    "count": {"type": "integer", "title": "数量", "minimum": 1, "maximum": 9},
    "one": {"type": "string", "title": "备注", "minLength": 1}}}


def _problems(app, data: dict, lang: str) -> dict[str, list[str]]:
    with pytest.raises(forms.FormInvalid) as refused:
        forms.validate(SCHEMA, data)
    with app.test_request_context(f"/?lang={lang}"):
        return schema_form.problems(SCHEMA, refused.value)


def test_form_problems_are_worded_in_chinese_by_default(app):
    bad = {"code": "ab", "kind": "c", "on": "2026-13-01", "count": 0, "one": ""}
    assert _problems(app, bad, "zh") == {
        "name": ["请填写姓名"], "code": ["代码格式不正确"], "kind": ["请从所列选项中选择类别"],
        "on": ["日期应为有效日期（年-月-日）"], "count": ["数量不能小于1"], "one": ["请填写备注"]}
    assert _problems(app, {"name": "x", "count": 10}, "zh") == {
        "name": ["姓名至少需要2个字符"], "count": ["数量不能大于9"]}
    assert _problems(app, {"name": "abcdefg", "count": "x"}, "zh") == {
        "name": ["姓名最多5个字符"], "count": ["数量应为整数"]}


def test_form_problems_are_worded_in_english_with_plurals(app):
    bad = {"code": "ab", "kind": "c", "on": "2026-13-01", "count": 0, "one": ""}
    assert _problems(app, bad, "en") == {
        "name": ["Please fill in 姓名"], "code": ["代码 is not in the expected format"],
        "kind": ["Please choose 类别 from the options given"],
        "on": ["日期 must be a valid date (YYYY-MM-DD)"], "count": ["数量 must be at least 1"],
        "one": ["Please fill in 备注"]}
    assert _problems(app, {"name": "abcdefg", "count": "x"}, "en") == {
        "name": ["姓名 must be at most 5 characters long"], "count": ["数量 must be a whole number"]}
    with app.test_request_context("/?lang=en"):
        one = schema_form.explain(forms.Failure("name", "maxLength", 1, ""), "姓名")
    assert one == "姓名 must be at most 1 character long"


def test_the_task_page_words_problems_in_the_page_language_and_the_api_stays_english(client):
    task = open_task(start_case(client, "MSA-002")["id"], "intake")
    clerk = headers_for("clerk")
    refused = {"within_remit": "false", "materials_received": ["id_card"]}  # reasons required
    chinese = client.post(f"/tasks/{task.id}", headers=clerk, data=refused)
    assert chinese.status_code == 400
    assert re.search(r'id="field-refusal_reasons-error">请填写不予受理理由</span>', chinese.text)
    english = client.post(f"/tasks/{task.id}?lang=en", headers=clerk, data=refused)
    assert re.search(r'id="field-refusal_reasons-error">Please fill in 不予受理理由</span>',
                     english.text)
    api = client.post(f"/api/tasks/{task.id}/complete?lang=zh", headers=clerk,
                      json={"variables": {"within_remit": False, "materials_received": []}})
    assert api.status_code == 400 and api.json["code"] == "form_invalid"
    assert {"field": "refusal_reasons",
            "message": "'refusal_reasons' is a required property"} in api.json["errors"]


# --- refusals -------------------------------------------------------------------------------

@pytest.mark.parametrize("path,chinese,english", [
    ("/tasks/999999", "该任务不存在。", "The task does not exist."),
    ("/no-such-page", "您访问的页面或对象不存在", "The page or object does not exist"),
])
def test_error_pages_speak_the_page_language_and_the_api_keeps_its_code(client, path,
                                                                       chinese, english):
    clerk = headers_for("clerk")
    page = client.get(path, headers=clerk)
    assert page.status_code == 404 and chinese in page.text and "找不到该页面或对象" in page.text
    assert english in client.get(path + "?lang=en", headers=clerk).text
    api = client.get("/api/tasks/999999?lang=zh", headers=clerk)
    assert api.status_code == 404 and api.json["code"] == "task_not_found"
    assert api.json["title"] == "Not found" and "does not exist" in api.json["detail"]


def test_a_refused_admin_action_is_worded_in_the_page_language(client):
    case = start_case(client, "MSA-002")
    admin = headers_for("admin")
    token = re.search(r'name="csrf_token" value="([^"]+)"',
                      client.get(f"/admin/instances/{case['id']}", headers=admin).text).group(1)
    refused = client.post(f"/admin/instances/{case['id']}/resume", headers=admin,
                          data={"csrf_token": token})
    assert refused.status_code == 409 and f"流程实例 {case['id']} 未挂起，无需恢复。" in refused.text
    english = client.post(f"/admin/instances/{case['id']}/resume?lang=en", headers=admin,
                          data={"csrf_token": token})
    assert f"Process instance {case['id']} is not suspended; there is nothing to resume." \
        in english.text
    api = client.post(f"/api/process-instances/{case['id']}/resume", headers=admin)
    assert api.status_code == 409 and api.json["code"] == "not_suspended"
    assert api.json["detail"].startswith("only a suspended instance can be resumed")


def test_english_field_problems_are_worded_for_a_chinese_page(app):
    from app.web import problem_text
    with app.test_request_context("/?lang=zh"):
        assert problem_text.field_message("a committee needs at least 3 members") \
            == "审批决策委员会至少需要 3 名成员"
        assert problem_text.field_message("unsupported element bpmn:complexGateway") \
            == "不支持的流程元素 bpmn:complexGateway"
        assert problem_text.field_message("something nobody worded") == "此项填写有误，请检查。"
        assert problem_text.field_message("请填写理由") == "请填写理由"
    with app.test_request_context("/?lang=en"):
        assert problem_text.field_message("a committee needs at least 3 members") \
            == "a committee needs at least 3 members"
