"""Bad input is never a 500: ids beyond the database, page sizes, NUL bytes, long strings,
JSON that is not an object or nests too deep, each a 4xx naming what is wrong."""
import json

import pytest

from tests.conftest import headers_for

GETS = ["/api/process-instances/{x}", "/api/cases/{x}", "/api/tasks/{x}", "/api/items/{x}",
        "/api/authorization-letters/{x}", "/api/denial-reports/{x}", "/api/attachments/{x}",
        "/api/staff/{x}", "/api/departments/{x}", "/api/process-instances/{x}/linkage",
        "/cases/{x}", "/tasks/{x}", "/admin/instances/{x}", "/guide/{x}",
        "/api/process-instances?limit={x}", "/api/process-instances?offset={x}",
        "/api/tasks?limit={x}", "/api/denial-reports?limit={x}", "/api/items?department={x}",
        "/api/reports/authorization-rate?on={x}", "/api/calendar/deadline?start={x}&days=1",
        "/admin/calendar?year={x}&month=1", "/admin/instances?page={x}", "/api/absences?on={x}",
        "/api/authorization-letters?validOn={x}", "/api/denial-reports?from={x}",
        "/api/tasks?processInstanceId={x}", "/api/posts?userId={x}",
        "/api/agency/projects/{x}", "/api/agency/projects?status={x}", "/agency/projects/{x}",
        "/agency/mandates/{x}"]
VALUES = ["99999999999999999999", "4294967296", "-1", "%00", "abc", "1e9", "x" * 3000]


@pytest.mark.parametrize("path", GETS)
@pytest.mark.parametrize("value", VALUES)
def test_a_strange_value_in_a_url_is_a_4xx(client, path, value):
    response = client.get(path.format(x=value), headers=headers_for("admin"))
    assert response.status_code < 500, response.text[:300]


def test_an_id_beyond_the_database_names_itself(client):
    response = client.get("/api/process-instances/99999999999999999999",
                          headers=headers_for("admin"))
    assert response.status_code == 400 and response.json["code"] == "id_out_of_range"


@pytest.mark.parametrize("limit", ["-1", "0", "100000", "x"])
def test_a_page_size_out_of_range_is_refused_by_name(client, limit):
    response = client.get(f"/api/tasks?limit={limit}", headers=headers_for("clerk"))
    assert response.status_code == 400 and response.json["errors"][0]["field"] == "limit"


POSTS = ["/api/process-definitions/key/service_item/start", "/api/items", "/api/staff",
         "/api/absences", "/api/authorization-letters", "/api/calendar/years/2027/notice",
         "/api/joint-cases/1/urge", "/api/departments", "/api/agency/projects",
         "/api/agency/projects/1/items", "/api/agency/projects/1/reminders"]
BODIES = ["[]", '"text"', "null", "1", "{", '{"a": "\\u0000"}',
          json.dumps({"a": json.loads("[" * 200 + "]" * 200)}),
          json.dumps({"name": "x" * 100_000, "code": "y" * 1000})]


@pytest.mark.parametrize("path", POSTS)
@pytest.mark.parametrize("body", BODIES)
def test_a_strange_body_is_a_4xx(client, path, body):
    response = client.post(path, data=body, content_type="application/json",
                           headers=headers_for("admin"))
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("url", ["/api/items/A%00B", "/api/items?department=1%00",
                                 "/guide/HCD%00-001"])
def test_a_nul_in_an_address_is_refused_by_name(client, url):
    response = client.get(url, headers=headers_for("admin"))
    assert response.status_code == 400, response.text[:300]
    if url.startswith("/api/"):
        assert response.json["code"] == "invalid_characters"


def test_a_nul_anywhere_in_a_json_body_is_refused(client):
    body = {"itemCode": "HCD-001", "applicant": {"name": "张\u0000三"}}
    response = client.post("/api/process-definitions/key/service_item/start", json=body,
                           headers=headers_for("clerk"))
    assert response.status_code == 400 and response.json["code"] == "invalid_characters"


def test_json_nested_deeper_than_the_limit_is_refused_by_name(client):
    deep = json.loads("[" * 40 + "]" * 40)
    response = client.post("/api/process-definitions/key/service_item/start",
                           json={"variables": {"item_code": "MSA-001", "x": deep}},
                           headers=headers_for("clerk"))
    assert response.status_code == 400 and response.json["code"] == "json_too_deep"


@pytest.mark.parametrize("path", ["/api/process-definitions",
                                  "/api/agency/projects/2147483648/mandate", "/login"])
def test_a_form_part_without_a_name_is_refused_by_name(client, path):
    body = (b"--b\r\nContent-Disposition: form-data\r\n\r\nvalue\r\n"
            b"--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nx\r\n--b--\r\n")
    response = client.post(path, data=body, content_type="multipart/form-data; boundary=b",
                           headers=headers_for("admin") if path.startswith("/api/") else {})
    assert response.status_code == 400, response.text[:300]
    if path.startswith("/api/"):
        assert response.json["code"] == "invalid_characters"


def test_a_number_past_what_json_carries_exactly_is_refused_by_name(client):
    response = client.post("/api/tasks/x/reassign", json={"assignee": 2**60},
                           headers=headers_for("admin"))
    assert response.status_code == 400 and response.json["code"] == "number_out_of_range"
