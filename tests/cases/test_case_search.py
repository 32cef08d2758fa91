"""办件查询 and 已办: a clerk finds a case again by what the applicant tells them, among the
cases they may see, and lists the tasks they completed."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import db
from app.services.cases import search
from tests.cases.service_item_steps import ALL_MATERIALS, case_of, complete
from tests.conftest import headers_for, user

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
ID_NUMBER = "53232219900101001x"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _start(client, name="李四", phone="13912345678", id_number=ID_NUMBER) -> int:
    response = client.post("/api/process-definitions/key/service_item/start", json={
        "variables": {"item_code": "MSA-002", "applicant_id_number": id_number,
                      "applicant": {"name": name, "phone": phone}}},
        headers=headers_for("clerk"))
    assert response.status_code == 201, response.json
    return response.json["id"]


def _search(client, username="clerk", **args):
    return client.get("/cases", query_string=args, headers=headers_for(username))


def test_each_field_finds_the_case_and_a_wrong_value_does_not(client):
    instance_id = _start(client)
    complete(client, instance_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    case = case_of(instance_id)
    assert case.applicant_id_number == ID_NUMBER.upper() and case.applicant_phone
    link = f'href="/cases/{instance_id}"'
    for args in ({"case_no": case.case_no}, {"case_no": case.case_no[:8]},
                 {"applicant": "李"}, {"id_number": ID_NUMBER}, {"phone": "13912345678"},
                 {"item_code": "MSA-002"}, {"department_id": case.item.department_id},
                 {"status": case.status_code}, {"received_from": "2026-03-02",
                                                 "received_to": "2026-03-02"}):
        assert link in _search(client, **args).text, args
    for args in ({"case_no": "X" + case.case_no}, {"applicant": "王"},
                 {"id_number": "530000000000000000"}, {"phone": "13900000000"},
                 {"status": 11}, {"received_from": "2026-03-03"},
                 {"applicant": "%"}):  # a wildcard typed is a character, not a pattern
        assert link not in _search(client, **args).text, args


def test_another_departments_clerk_does_not_find_it(client):
    instance_id = _start(client)
    assert f'href="/cases/{instance_id}"' not in _search(client, "hea_a", applicant="李四").text
    assert f'href="/cases/{instance_id}"' in _search(client, "admin", applicant="李四").text


def test_bad_fields_are_named_in_the_pages_language_and_kept(client):
    response = _search(client, received_from="2026-13-01", status="abc", applicant="李四")
    assert response.status_code == 400
    assert "请按 年-月-日 填写日期" in response.text and "请选择列表中的状态" in response.text
    assert 'value="李四"' in response.text and 'value="2026-13-01"' in response.text
    english = client.get("/cases", query_string={"status": "abc", "lang": "en"},
                         headers=headers_for("clerk"))
    assert english.status_code == 400 and "请选择列表中的状态" not in english.text


def test_an_empty_search_lists_nothing_and_says_what_to_do(client):
    _start(client)
    page = _search(client)
    assert page.status_code == 200 and "请输入至少一个查询条件" in page.text
    assert 'href="/cases/' not in page.text.split("<h1>", 1)[1]


def test_the_done_list_shows_what_the_clerk_completed_with_its_case(client):
    first, second = _start(client, name="甲"), _start(client, name="乙")
    complete(client, first, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    page = client.get("/tasks/done", headers=headers_for("clerk")).text
    assert f'href="/cases/{first}"' in page and case_of(first).case_no in page
    assert f'href="/cases/{second}"' not in page  # started, not yet worked on
    assert "2026-03-02 09:30" in page  # the center's local time
    other = client.get("/tasks/done", headers=headers_for("hea_a")).text
    assert f'href="/cases/{first}"' not in other and "还没有办理过的任务" in other


def test_the_api_finds_the_same_cases_and_names_bad_fields_as_spelled(client):
    instance_id = _start(client)
    found = client.get("/api/cases", query_string={"idNumber": ID_NUMBER.lower()},
                       headers=headers_for("clerk"))
    assert found.status_code == 200
    assert [c["processInstanceId"] for c in found.json["items"]] == [instance_id]
    assert found.json["items"][0]["applicant"] == "李四" and found.json["total"] == 1
    other = client.get("/api/cases", query_string={"idNumber": ID_NUMBER},
                       headers=headers_for("hea_a"))
    assert other.status_code == 200 and other.json["items"] == []
    bad = client.get("/api/cases", query_string={"receivedFrom": "yesterday"},
                     headers=headers_for("clerk"))
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"
    assert bad.json["code"] == "search_invalid"
    assert [e["field"] for e in bad.json["errors"]] == ["receivedFrom"]


def _found(client, names: dict, **args) -> set:
    page = _search(client, **args).text
    return {name for name, instance_id in names.items() if f'href="/cases/{instance_id}"' in page}


def test_a_name_is_found_by_any_part_of_it_of_one_two_or_more_characters(client):
    names = {name: _start(client, name=name) for name in (
        "李四", "张李四", "李三四", "欧阳李四娜")}
    assert _found(client, names, applicant="李四") == {"李四", "张李四", "欧阳李四娜"}
    assert _found(client, names, applicant="四") == set(names)
    assert _found(client, names, applicant="张李四") == {"张李四"}
    assert _found(client, names, applicant="阳李四娜") == {"欧阳李四娜"}
    assert _found(client, names, applicant="四李") == set()  # both characters, not in order
    for typed in ("_", "李_", "%四"):  # wildcards typed are characters, in short texts too
        assert _found(client, names, applicant=typed) == set(), typed
    found = client.get("/api/cases", query_string={"applicant": "李四"},
                       headers=headers_for("clerk"))
    assert {c["applicant"] for c in found.json["items"]} >= {"李四", "张李四", "欧阳李四娜"}
    assert "李三四" not in {c["applicant"] for c in found.json["items"]}


@pytest.mark.parametrize(("field", "text", "index"), [
    ("applicant", "李四", "ix_service_case_applicant_grams"),  # 1 or 2 characters
    ("applicant", "四", "ix_service_case_applicant_grams"),
    ("applicant", "张李四", "ix_service_case_applicant_trgm"),  # 3 and more: pg_trgm
    ("case_no", "B2026", "ix_service_case_case_no_prefix")])
def test_on_postgresql_a_name_or_number_search_can_read_its_index(client, field, text, index):
    """The SQL the search sends matches the index (the planner told to read tables by bitmap
    scans only, which need an index matching a condition: the test's few cases would be
    scanned anyway)."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite searches by LIKE alone")
    statement = search._matching(user("clerk"), search.CaseQuery(**{field: text}))
    compiled = statement.compile(dialect=db.engine.dialect)
    for scan in ("seqscan", "indexscan", "indexonlyscan"):
        db.session.execute(sa.text(f"SET LOCAL enable_{scan} = off"))
    plan = "\n".join(db.session.connection().exec_driver_sql(
        "EXPLAIN " + str(compiled), compiled.params).scalars())
    assert index in plan, plan
