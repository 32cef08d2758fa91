"""Administering the organization through the API and the admin pages: centers, departments,
windows (独立/综合) and AB posts (staff: test_staff.py).

Each test builds the centers, departments and people it needs; of the demo data it relies
only on the users admin, clerk, leader, chief, designer and the departments MSA, NRP, HRS.
"""
from __future__ import annotations

import re

from tests.conftest import user
from tests.organization.organization_steps import (PASSWORD, a_center_with_departments,
                                                   audit_events, created, make_center,
                                                   make_department, make_staff, send)

# --- centers -------------------------------------------------------------------------------

def test_center_round_trip_and_hierarchy(client):
    province = make_center(client, "T530000", "province")
    city = make_center(client, "T532300", "city", province["id"])
    county = make_center(client, "T532399", "county", city["id"])
    assert county == {"id": county["id"], "code": "T532399", "name": "中心T532399",
                      "level": "county", "region": "", "address": "", "phone": "",
                      "complaintPhone": "", "officeHours": "", "reviewBody": "", "court": "",
                      "parentId": city["id"]}
    patched = send(client, "PATCH", f"/api/centers/{county['id']}",
                   {"complaintPhone": " 0878-12345 ", "officeHours": "周一至周五 9:00-17:00",
                    "reviewBody": "某县人民政府", "court": "某县人民法院"})
    assert patched.status_code == 200
    fetched = send(client, "GET", f"/api/centers/{county['id']}", who="clerk").json
    assert (fetched["complaintPhone"], fetched["officeHours"]) == ("0878-12345",
                                                                  "周一至周五 9:00-17:00")
    assert (fetched["reviewBody"], fetched["court"]) == ("某县人民政府", "某县人民法院")
    [event] = audit_events("center.updated")
    assert event.detail == {"center_id": county["id"], "changes": {
        "complaint_phone": ["", "0878-12345"], "office_hours": ["", "周一至周五 9:00-17:00"],
        "review_body": ["", "某县人民政府"], "court": ["", "某县人民法院"]}}
    codes = [c["code"] for c in send(client, "GET", "/api/centers", who="clerk").json["items"]]
    assert {"T530000", "T532300", "T532399"} <= set(codes)


def test_center_parent_must_be_one_level_up(client):
    province = make_center(client, "T610000", "province")
    county = send(client, "POST", "/api/centers", {"code": "T610101", "name": "县中心",
                                                   "level": "county", "parentId": province["id"]})
    assert county.status_code == 400 and county.json["code"] == "invalid_center"
    assert county.json["errors"] == [{"field": "parentId", "message":
                                      "a county center's parent must be a city center, "
                                      "not T610000 (province)"}]
    top = send(client, "POST", "/api/centers", {"code": "T610001", "name": "省中心",
                                                "level": "province", "parentId": province["id"]})
    assert top.json["errors"] == [{"field": "parentId",
                                   "message": "a province center has no parent center"}]
    city = make_center(client, "T610100", "city", province["id"])
    demoted = send(client, "PATCH", f"/api/centers/{province['id']}", {"level": "city"})
    assert demoted.status_code == 400
    assert demoted.json["errors"] == [{"field": "level", "message":
                                       "center T610100 (city) reports to this center, which "
                                       "must then stay province"}]
    assert send(client, "GET", f"/api/centers/{city['id']}").json["parentId"] == province["id"]


def test_center_problems_are_listed_all_at_once(client):
    response = send(client, "POST", "/api/centers",
                    {"name": " ", "level": "town", "phone": 5, "parentId": 999999})
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_center"
    assert response.json["errors"] == [
        {"field": "code", "message": "required"},
        {"field": "name", "message": "required"},
        {"field": "phone", "message": "must be text"},
        {"field": "level", "message": "must be one of province, city, county"},
        {"field": "parentId", "message": "no center with id 999999"},
    ]


def test_duplicate_center_code_conflicts(client):
    make_center(client, "T700001")
    again = send(client, "POST", "/api/centers", {"code": "T700001", "name": "x",
                                                  "level": "county"})
    assert again.status_code == 409 and again.json["code"] == "center_code_taken"
    assert send(client, "GET", "/api/centers/424242").status_code == 404


# --- departments ---------------------------------------------------------------------------

def test_department_round_trip_and_deactivation(client):
    center, [department] = a_center_with_departments(client, "TDA")
    assert department == {"id": department["id"], "code": "TDA", "name": "部门TDA",
                          "documentCode": "", "centerId": center["id"], "active": True}
    renamed = send(client, "PATCH", f"/api/departments/{department['id']}",
                   {"name": "县测试局"}).json
    assert renamed["name"] == "县测试局"
    closed = send(client, "PATCH", f"/api/departments/{department['id']}", {"active": False})
    assert closed.status_code == 200 and closed.json["active"] is False
    [event] = audit_events("department.deactivated")
    assert event.detail == {"department_id": department["id"], "changes": {"active": [True, False]}}
    active = send(client, "GET", f"/api/departments?centerId={center['id']}&active=true").json
    assert active == {"items": [], "next": None}
    listed = send(client, "GET", f"/api/departments?centerId={center['id']}",
                  who="leader").json["items"]
    assert [d["code"] for d in listed] == ["TDA"]


def test_department_checks(client):
    taken = send(client, "POST", "/api/departments", {"code": "MSA", "name": "重复",
                                                      "centerId": _msa(client)["centerId"]})
    assert taken.status_code == 409 and taken.json["code"] == "department_code_taken"
    invalid = send(client, "POST", "/api/departments", {"code": "X" * 33, "active": "yes"})
    assert invalid.status_code == 400 and invalid.json["code"] == "invalid_department"
    assert invalid.json["errors"] == [
        {"field": "code", "message": "at most 32 characters"},
        {"field": "name", "message": "required"},
        {"field": "centerId", "message": "required"},
        {"field": "active", "message": "must be true or false"},
    ]


def _msa(client) -> dict:
    [msa] = [d for d in send(client, "GET", "/api/departments").json["items"]
             if d["code"] == "MSA"]
    return msa


# --- windows -------------------------------------------------------------------------------

def test_window_kinds_and_departments(client):
    center, departments = a_center_with_departments(client, "WDA", "WDB")
    window = {"centerId": center["id"], "code": "01", "name": "市场准入窗口"}
    two = send(client, "POST", "/api/windows", {**window, "kind": "independent",
                                                "departments": ["WDA", "WDB"]})
    assert two.status_code == 400 and two.json["code"] == "invalid_window"
    assert two.json["errors"] == [{"field": "departments", "message":
                                   "an independent window (独立窗口) serves exactly one "
                                   "department, not 2"}]
    alone = send(client, "POST", "/api/windows", {**window, "kind": "comprehensive",
                                                  "departments": ["WDA", "MSA", "NOPE"]})
    assert alone.json["errors"] == [
        {"field": "departments", "message": "no department 'NOPE'"},
        {"field": "departments", "message": "department MSA is stationed in another center"},
    ]
    made = created(client, "/api/windows", {**window, "kind": "comprehensive",
                                            "departments": ["WDB", departments[0]["id"]]})
    assert made == {"id": made["id"], "centerId": center["id"], "code": "01",
                    "name": "市场准入窗口", "kind": "comprehensive", "active": True, "posts": [],
                    "departments": [{"id": d["id"], "code": d["code"], "name": d["name"]}
                                    for d in departments]}
    clash = send(client, "POST", "/api/windows", {**window, "departments": ["WDA"]})
    assert clash.status_code == 409 and clash.json["code"] == "window_code_taken"


def test_window_update_and_department_still_served(client):
    center, [first, second] = a_center_with_departments(client, "WUA", "WUB")
    window = created(client, "/api/windows", {"centerId": center["id"], "code": "02",
                                              "name": "窗口", "departments": ["WUA"]})
    assert window["kind"] == "independent"
    closing = send(client, "PATCH", f"/api/departments/{first['id']}", {"active": False})
    assert closing.status_code == 400
    assert closing.json["errors"] == [{"field": "active", "message":
                                       "still served by window(s) 02; take it off them first"}]
    moved = send(client, "PATCH", f"/api/windows/{window['id']}",
                 {"kind": "comprehensive", "departments": ["WUA", "WUB"]})
    assert moved.status_code == 200
    assert [d["code"] for d in moved.json["departments"]] == ["WUA", "WUB"]
    [event] = audit_events("window.updated")
    assert event.detail["changes"] == {"kind": ["independent", "comprehensive"],
                                       "departments": [["WUA"], ["WUA", "WUB"]]}
    closed = send(client, "PATCH", f"/api/windows/{window['id']}", {"active": False}).json
    assert closed["active"] is False
    assert send(client, "GET", "/api/windows?active=false", who="clerk").json["items"][-1]["id"] \
        == window["id"]


# --- AB posts ------------------------------------------------------------------------------

def _window_with_people(client, code: str) -> tuple[dict, dict]:
    center, [department] = a_center_with_departments(client, code)
    window = created(client, "/api/windows", {"centerId": center["id"], "code": "05",
                                              "name": "窗口", "departments": [code]})
    people = {"a": make_staff(client, f"{code.lower()}_a", [("window_clerk", code)]),
              "b": make_staff(client, f"{code.lower()}_b", [("chief_representative", code)]),
              "leader": make_staff(client, f"{code.lower()}_l", [("approving_leader", code)]),
              "elsewhere": make_staff(client, f"{code.lower()}_x", [("window_clerk", "MSA")])}
    return window, people


def test_post_round_trip(client):
    window, people = _window_with_people(client, "PRA")
    post = created(client, "/api/posts", {"windowId": window["id"], "name": "受理岗",
                                          "aUserId": people["a"]["id"],
                                          "bUserId": people["b"]["id"]})
    assert post == {"id": post["id"], "windowId": window["id"], "name": "受理岗",
                    "aUserId": people["a"]["id"], "bUserId": people["b"]["id"],
                    "a": {"id": people["a"]["id"], "username": "pra_a",
                          "displayName": "测试 pra_a"},
                    "b": {"id": people["b"]["id"], "username": "pra_b",
                          "displayName": "测试 pra_b"}}
    assert send(client, "GET", f"/api/windows/{window['id']}", who="clerk").json["posts"] == [post]
    swapped = send(client, "PATCH", f"/api/posts/{post['id']}",
                   {"aUserId": people["b"]["id"], "bUserId": people["a"]["id"]})
    assert swapped.status_code == 200 and swapped.json["a"]["username"] == "pra_b"
    listed = send(client, "GET", f"/api/posts?userId={people['a']['id']}",
                  who="clerk").json["items"]
    assert [p["id"] for p in listed] == [post["id"]]
    assert send(client, "DELETE", f"/api/posts/{post['id']}").status_code == 204
    assert send(client, "GET", f"/api/posts/{post['id']}").status_code == 404
    assert [e.detail["post_id"] for e in audit_events("post.deleted")] == [post["id"]]


def test_post_with_a_equal_to_b_is_refused(client):
    window, people = _window_with_people(client, "PSA")
    response = send(client, "POST", "/api/posts", {"windowId": window["id"], "name": "岗",
                                                   "aUserId": people["a"]["id"],
                                                   "bUserId": people["a"]["id"]})
    assert response.status_code == 400 and response.json["code"] == "invalid_post"
    assert response.json["errors"] == [{"field": "bUserId", "message":
                                        "the B holder must be someone other than the A holder"}]


def test_post_holders_need_a_window_role_in_the_window_departments(client):
    window, people = _window_with_people(client, "PWA")
    response = send(client, "POST", "/api/posts", {"windowId": window["id"], "name": "岗",
                                                   "aUserId": people["leader"]["id"],
                                                   "bUserId": people["elsewhere"]["id"]})
    assert response.status_code == 400
    message = ("is neither window clerk nor chief representative in a department this window "
               "serves")
    assert response.json["errors"] == [{"field": "aUserId", "message": f"pwa_l {message}"},
                                       {"field": "bUserId", "message": f"pwa_x {message}"}]
    nothing = send(client, "POST", "/api/posts", {})
    assert [e["field"] for e in nothing.json["errors"]] == ["name", "windowId", "aUserId",
                                                            "bUserId"]


def test_a_user_is_a_of_one_post_only(client):
    window, people = _window_with_people(client, "POA")
    body = {"windowId": window["id"], "name": "岗一", "aUserId": people["a"]["id"],
            "bUserId": people["b"]["id"]}
    created(client, "/api/posts", body)
    second = send(client, "POST", "/api/posts", {**body, "name": "岗二"})
    assert second.status_code == 409 and second.json["code"] == "already_a_holder"
    as_b = created(client, "/api/posts", {**body, "name": "岗三", "aUserId": people["b"]["id"],
                                          "bUserId": people["a"]["id"]})
    assert as_b["bUserId"] == people["a"]["id"]


def test_post_holders_keep_their_window_role(client):
    window, people = _window_with_people(client, "PKA")
    created(client, "/api/posts", {"windowId": window["id"], "name": "岗",
                                   "aUserId": people["a"]["id"], "bUserId": people["b"]["id"]})
    demoted = send(client, "PUT", f"/api/staff/{people['a']['id']}/roles",
                   {"roles": [{"role": "approving_leader", "department": "PKA"}]})
    assert demoted.status_code == 400 and demoted.json["code"] == "invalid_roles"
    assert demoted.json["errors"] == [{"field": "roles", "message":
                                       "holds AB post '岗' at window 05, which needs a window "
                                       "role in a department it serves"}]
    other = make_department(client, "PKB", window["centerId"])
    moved = send(client, "PATCH", f"/api/windows/{window['id']}", {"departments": [other["id"]]})
    assert moved.status_code == 400
    assert moved.json["errors"] == [
        {"field": "departments", "message": f"post '岗': {name} would hold no window role for "
                                            "this window any more"}
        for name in ("pka_a", "pka_b")]
    leaving = send(client, "PATCH", f"/api/staff/{people['b']['id']}", {"active": False})
    assert leaving.json["errors"] == [{"field": "active", "message":
                                       "holds AB post(s) '岗'; give them to someone else first"}]


# --- pages ---------------------------------------------------------------------------------

def _csrf(page_text: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page_text).group(1)


def sign_in(client, username: str) -> None:
    token = _csrf(client.get("/login").text)
    response = client.post("/login", data={"username": username, "password": "demo",
                                           "csrf_token": token})
    assert response.status_code == 302


def test_pages_render_for_an_administrator(client):
    sign_in(client, "admin")
    for path, heading in (("/admin/organization", "中心与部门"), ("/admin/windows", "窗口与AB岗"),
                          ("/admin/staff", "人员与角色")):
        page = client.get(path)
        assert page.status_code == 200, path
        assert f"<h1>{heading}</h1>" in page.text
        assert 'name="csrf_token"' in page.text
    staff_page = client.get(f"/admin/staff?edit={user('chief').id}").text
    assert 'value="chief_representative:MSA" checked' in staff_page
    assert "MSA" in client.get("/admin/organization").text


def test_page_forms_save_and_refuse_with_the_problems_beside_the_fields(client):
    sign_in(client, "admin")
    token = _csrf(client.get("/admin/organization").text)
    msa = _msa(client)
    bad = client.post("/admin/organization/departments",
                      data={"csrf_token": token, "code": "", "name": "县测试局",
                            "centerId": str(msa["centerId"])})
    assert bad.status_code == 400
    assert '<span class="error" id="department-code-error">请填写此项</span>' in bad.text
    assert 'value="县测试局"' in bad.text
    good = client.post("/admin/organization/departments",
                       data={"csrf_token": token, "code": "PGD", "name": "县测试局",
                             "centerId": str(msa["centerId"])})
    assert good.status_code == 303
    assert [d["name"] for d in send(client, "GET", "/api/departments").json["items"]
            if d["code"] == "PGD"] == ["县测试局"]
    person = client.post("/admin/staff", data={
        "csrf_token": token, "username": "form_user", "displayName": "表单 用户",
        "password": PASSWORD, "roles": ["window_clerk:PGD", "committee_member:"],
        "established": "true", "departmentSince": "2016-05-01",
        "enforcementCertificate": "黔执法-0002", "windowSince": ""})
    assert person.status_code == 303
    assert sorted((m.role, m.department_id is None) for m in user("form_user").memberships) \
        == [("committee_member", True), ("window_clerk", False)]
    roles_path = f"/admin/staff/{user('form_user').id}/roles"
    kept_open = client.post(roles_path, data={"csrf_token": token,
                                              "roles": ["approving_leader:", "window_clerk:PGD"]})
    assert kept_open.status_code == 400
    assert ('<span class="error" id="roles-roles-error">approving_leader 须在某个部门内担任，'
            '请选择部门</span>') in kept_open.text
    assert 'value="window_clerk:PGD" checked' in kept_open.text
    english = client.post(roles_path + "?lang=en",
                          data={"csrf_token": token, "roles": ["approving_leader:"]})
    assert ('<span class="error" id="roles-roles-error">approving_leader is held within a '
            'department</span>') in english.text
    client.get("/?lang=zh")
    assert client.post(roles_path, data={"csrf_token": token, "roles": ["window_clerk:PGD"]}) \
        .status_code == 303
    assert [m.role for m in user("form_user").memberships] == ["window_clerk"]


def test_page_row_buttons_show_refusals(client):
    center, [department] = a_center_with_departments(client, "PRB")
    created(client, "/api/windows", {"centerId": center["id"], "code": "07", "name": "窗口",
                                     "departments": ["PRB"]})
    sign_in(client, "admin")
    token = _csrf(client.get("/admin/organization").text)
    refused = client.post(f"/admin/organization/departments/{department['id']}/active",
                          data={"csrf_token": token, "active": "false"})
    assert refused.status_code == 400
    assert "<li>仍有窗口（07）办理该部门的事项，请先从这些窗口中移除</li>" in refused.text
    assert send(client, "GET", f"/api/departments/{department['id']}").json["active"] is True


def test_page_writes_by_non_administrators_are_forbidden(client):
    sign_in(client, "clerk")
    assert client.get("/admin/windows").status_code == 403  # no administrator forms shown
    assert client.get("/admin/organization").status_code == 403
    page = client.get("/admin/absences")  # every staff member's page, with a form token
    refused = client.post("/admin/windows", data={"csrf_token": _csrf(page.text),
                                                  "code": "09", "name": "x"})
    assert refused.status_code == 403
    assert client.get("/admin/staff").status_code == 403
