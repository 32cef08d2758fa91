"""Every JSON list has one shape, `{items, next, total?, totalCapped?}`, as the contract says,
with camelCase keys; the growing lists (process instances, cases, the denial ledger) are read
by keyset cursor: page after page, no row repeated or skipped, even when rows are added
between two pages, and a cursor that is not the list's own is a 400 naming `after`."""
from __future__ import annotations

import base64
import json
import re
from datetime import datetime, timedelta, timezone

import jsonschema
import pytest
import sqlalchemy as sa

from app.api import openapi
from app.models import Case, db
from tests.cases.service_item_steps import open_task, start_case
from tests.conftest import deploy_test_file, headers_for

SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
FREE_FORM = {"variables", "formSchema", "uiSchema", "event"}  # data, named by its authors
# (path, query, who): every list endpoint of the API, as someone allowed to read it
LISTS = [
    ("/api/tasks", "", "admin"), ("/api/tasks/{task_id}/candidates", "", "admin"),
    ("/api/process-definitions", "", "admin"),
    ("/api/process-definitions/key/service_item/decisions", "", "admin"),
    ("/api/process-instances", "", "admin"),
    ("/api/process-instances/{instance_id}/attachments", "", "admin"),
    ("/api/cases", "applicant=张三", "admin"), ("/api/extensions", "", "admin"),
    ("/api/cases/{instance_id}/fees", "", "admin"),
    ("/api/cases/{instance_id}/deliveries", "", "admin"),
    ("/api/cases/{instance_id}/remedies", "", "admin"),
    ("/api/cases/{instance_id}/committee-reviews", "", "admin"),
    ("/api/cases/{instance_id}/denial-reports", "", "admin"),
    ("/api/cashier/cases", "q=MSA", "cashier"), ("/api/items", "", "admin"),
    ("/api/centers", "", "admin"), ("/api/departments", "", "admin"),
    ("/api/windows", "", "admin"), ("/api/posts", "", "admin"), ("/api/staff", "", "admin"),
    ("/api/absences", "", "admin"), ("/api/appointments", "", "admin"),
    ("/api/authorization-letters", "", "admin"), ("/api/agency/projects", "", "admin"),
    ("/api/joint-cases", "closed=true", "admin"), ("/api/denial-reports", "", "admin"),
    ("/api/link/messages", "", "admin"), ("/api/calendar/years", "", "admin"),
    ("/api/events", "", "admin"), ("/api/webhook-deliveries", "", "admin"),
]
COUNTED = {"/api/process-instances", "/api/cases", "/api/denial-reports"}


def _get(client, url: str, who: str = "admin"):
    return client.get(url, headers=headers_for(who))


def _schema_of(path: str) -> dict:
    """The contract's 200 schema of GET `path`, resolvable on its own."""
    document = openapi.document()
    template = next(p for p in document["paths"] if re.fullmatch(
        re.sub(r"\\{[a-z_]+\\}", "[^/]+", re.escape(p)), path))
    schema = document["paths"][template]["get"]["responses"]["200"]["content"][
        "application/json"]["schema"]
    return {**schema, "components": document["components"]}


def _snake_keys(value, where: str = "") -> list[str]:
    if isinstance(value, list):
        return [k for item in value for k in _snake_keys(item, where)]
    if not isinstance(value, dict):
        return []
    found = [f"{where}/{key}" for key in value if SNAKE.match(key)]
    return found + [k for key, item in value.items() if key not in FREE_FORM
                    for k in _snake_keys(item, f"{where}/{key}")]


def test_every_list_has_one_shape_as_the_contract_says_in_camel_case(client):
    case_id = start_case(client, "MSA-002")["id"]
    task_id = open_task(case_id, "intake").id
    for path, query, who in LISTS:
        url = path.format(instance_id=case_id, task_id=task_id)
        response = _get(client, f"{url}?{query}", who)
        assert response.status_code == 200, (url, response.json)
        body = response.json
        assert isinstance(body["items"], list) and "next" in body, url
        assert ("total" in body) == (path in COUNTED), url
        jsonschema.validate(body, _schema_of(url))
        assert _snake_keys(body["items"]) == [], url


def test_the_helper_counts_only_where_a_list_counts(client):
    start_case(client, "MSA-002")
    found = _get(client, "/api/cases?applicant=张三").json
    assert found["total"] >= 1 and found["totalCapped"] is False and found["next"] is None
    assert set(_get(client, "/api/centers").json) == {"items", "next"}


# --- process instances ------------------------------------------------------------------------

def _start_two_step(client, n: int) -> list[int]:
    ids = []
    for _ in range(n):
        response = client.post("/api/process-definitions/key/two_step/start",
                               json={"variables": {"department_id": None}},
                               headers=headers_for("clerk"))
        assert response.status_code == 201, response.json
        ids.append(response.json["id"])
    return ids


def _all_pages(client, url: str, who: str = "admin") -> tuple[list[list], list[dict]]:
    """Every page of `url` by following `next`: the ids of each page and each body."""
    pages, bodies, cursor = [], [], None
    while True:
        sep = "&" if "?" in url else "?"
        body = _get(client, url + (f"{sep}after={cursor}" if cursor else ""), who).json
        pages.append([row.get("id", row.get("processInstanceId")) for row in body["items"]])
        bodies.append(body)
        cursor = body["next"]
        if cursor is None:
            return pages, bodies
        assert len(pages) < 50, "the pages never end"


def test_process_instances_page_by_cursor_newest_first(client):
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    ids = _start_two_step(client, 5)
    pages, bodies = _all_pages(client, "/api/process-instances?key=two_step&limit=2")
    assert pages == [ids[4:2:-1], ids[2:0:-1], ids[:1]]
    assert all(b["total"] == 5 and b["totalCapped"] is False for b in bodies)
    assert bodies[-1]["next"] is None


def test_an_instance_started_between_two_pages_is_neither_repeated_nor_shifts_them(client):
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    ids = _start_two_step(client, 4)
    first = _get(client, "/api/process-instances?key=two_step&limit=2").json
    assert [i["id"] for i in first["items"]] == [ids[3], ids[2]]
    _start_two_step(client, 1)  # newer than every row: an offset would now repeat ids[2]
    second = _get(client, f"/api/process-instances?key=two_step&limit=2&after={first['next']}")
    assert [i["id"] for i in second.json["items"]] == [ids[1], ids[0]]
    assert second.json["next"] is None and second.json["total"] == 5
    old_style = _get(client, "/api/process-instances?key=two_step&limit=2&offset=2").json
    assert [i["id"] for i in old_style["items"]] == [ids[2], ids[1]]  # offset still works


# --- cases ------------------------------------------------------------------------------------

def test_cases_page_by_received_moment_then_id_without_repeats(client):
    ids = [start_case(client, "MSA-002", name="翻页测试")["id"] for _ in range(5)]
    same = datetime(2026, 3, 2, 1, 30, tzinfo=timezone.utc)  # three cases of one moment
    for instance_id, moment in zip(ids, [same, same, same, same + timedelta(hours=1),
                                         same - timedelta(hours=1)]):
        db.session.execute(sa.update(Case).where(Case.instance_id == instance_id)
                           .values(received_at=moment))
    db.session.flush()
    pages, bodies = _all_pages(client, "/api/cases?applicant=翻页测试&limit=2")
    assert pages == [[ids[3], ids[2]], [ids[1], ids[0]], [ids[4]]]
    assert {b["total"] for b in bodies} == {5}
    assert _get(client, "/api/cases?applicant=翻页测试&limit=2&page=2").json["items"][0][
        "processInstanceId"] == ids[1]  # ?page= skips as before


# --- bad cursors ------------------------------------------------------------------------------

def _cursor(value) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "not a cursor", "%%%", _cursor({"id": 1}), _cursor(["instances"]),
    _cursor(["instances", "12"]), _cursor(["instances", True]), _cursor(["cases", 12]),
    _cursor(["instances", 12, 13]), _cursor(["instances", 2**40]), "A" * 1600,
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
])
def test_a_cursor_that_is_not_the_lists_own_is_a_400_naming_after(client, cursor):
    response = client.get("/api/process-instances", query_string={"after": cursor},
                          headers=headers_for("admin"))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_cursor"
    assert [e["field"] for e in response.json["errors"]] == ["after"]


def test_a_cursor_of_one_list_is_refused_by_another(client):
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    _start_two_step(client, 2)
    cursor = _get(client, "/api/process-instances?limit=1").json["next"]
    assert cursor is not None
    for url in ("/api/cases?applicant=张三", "/api/tasks?", "/api/denial-reports?"):
        response = _get(client, f"{url}&after={cursor}")
        assert response.status_code == 400 and response.json["code"] == "invalid_cursor", url
    moment = _cursor(["cases", "2026-03-02T09:30:00", 1])  # a moment must carry its offset
    assert _get(client, f"/api/cases?applicant=张三&after={moment}").status_code == 400
    # nor a key no database can compare: a moment before year 1 in UTC, a NUL in a text
    moment = _cursor(["cases", "0001-01-01T00:00:00+01:00", 1])
    assert _get(client, f"/api/cases?applicant=张三&after={moment}").status_code == 400
    text = _cursor(["tasks.id.asc", "x\u0000"])
    assert _get(client, f"/api/tasks?sortBy=id&after={text}").status_code == 400
