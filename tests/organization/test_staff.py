"""Staff and their roles through the API: round trip, problems, audit, passwords, and who
may read or write."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import AuditEvent, db
from app.models.identity import ROLES
from tests.conftest import headers_for, user
from tests.organization.organization_steps import (PASSWORD, QUALIFIED, audit_events, make_staff,
                                                  send)


def test_staff_round_trip(client):
    person = make_staff(client, "wang_fang", [("window_clerk", "MSA"), ("committee_member", None)])
    assert person == {"id": person["id"], "username": "wang_fang", "displayName": "测试 wang_fang",
                      "email": None, "phone": None, "active": True,
                      "createdAt": person["createdAt"],
                      "roles": [{"role": "window_clerk", "department": "MSA"},
                                {"role": "committee_member", "department": None}],
                      "qualification": {**QUALIFIED, "sectionHead": False, "sectionRank": False,
                                        "sentBackOn": None, "sentBackReason": ""}}
    patched = send(client, "PATCH", f"/api/staff/{person['id']}",
                   {"email": "wf@example.cn", "phone": "0878-5712345"}).json
    assert (patched["email"], patched["phone"]) == ("wf@example.cn", "0878-5712345")
    clerks = send(client, "GET",
                  "/api/staff?role=window_clerk&department=MSA&active=true").json["items"]
    assert {"clerk", "wang_fang"} <= {p["username"] for p in clerks}
    assert "leader" not in {p["username"] for p in clerks}
    taken = send(client, "POST", "/api/staff", {"username": "wang_fang", "displayName": "x",
                                                "password": PASSWORD})
    assert taken.status_code == 409 and taken.json["code"] == "username_taken"


def test_staff_problems_are_listed_all_at_once(client):
    response = send(client, "POST", "/api/staff", {
        "username": "bad name", "email": "nobody", "password": "short",
        "roles": [{"role": "window_clerk"}, {"role": "center_admin", "department": "MSA"},
                  {"role": "boss", "department": "NOPE"}, "x"]})
    assert response.status_code == 400 and response.json["code"] == "invalid_staff"
    assert response.json["errors"] == [
        {"field": "displayName", "message": "required"},
        {"field": "username", "message": "letters, digits, '.', '_' or '-'"},
        {"field": "email", "message": "not an e-mail address"},
        {"field": "password", "message": "at least 8 characters"},
        {"field": "roles[0].department", "message": "window_clerk is held within a department"},
        {"field": "roles[1].department",
         "message": "center_admin is held center-wide, without a department"},
        {"field": "roles[2].role", "message": "must be one of " + ", ".join(ROLES)},
        {"field": "roles[2].department", "message": "no active department 'NOPE'"},
        {"field": "roles[3]", "message": "an object {role, department}"},
    ]


def test_staff_api_never_exposes_password_hashes(client):
    person = make_staff(client, "li_na", [("window_clerk", "NRP")])
    path = f"/api/staff/{person['id']}"
    responses = [
        send(client, "GET", "/api/staff"), send(client, "GET", path),
        send(client, "PATCH", path, {"displayName": "李娜"}),
        send(client, "PUT", f"{path}/roles", {"roles": [{"role": "window_clerk",
                                                         "department": "HRS"}]}),
        send(client, "POST", f"{path}/password", {"password": "another secret"}),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 204]
    hashes = [user(name).password_hash for name in ("li_na", "admin", "clerk")]
    for response in responses:
        assert "password" not in response.text.lower()
        assert not any(h in response.text for h in hashes)
    details = [str(e.detail) for e in db.session.scalars(sa.select(AuditEvent))]
    assert not any(PASSWORD in d or "another secret" in d or any(h in d for h in hashes)
                   for d in details)


def test_role_replacement_is_audited(client):
    person = make_staff(client, "zhou_jie", [("window_clerk", "MSA")],
                        qualification={**QUALIFIED, "sectionRank": True})  # 股级以上: a chief
    response = send(client, "PUT", f"/api/staff/{person['id']}/roles", {"roles": [
        {"role": "chief_representative", "department": "NRP"},
        {"role": "window_clerk", "department": "MSA"}]})
    assert response.status_code == 200
    assert response.json["roles"] == [{"role": "window_clerk", "department": "MSA"},
                                      {"role": "chief_representative", "department": "NRP"}]
    [event] = audit_events("staff.roles_replaced")
    assert event.actor == "admin"
    assert event.detail == {"staff_id": person["id"],
                            "before": [{"role": "window_clerk", "department": "MSA"}],
                            "after": [{"role": "window_clerk", "department": "MSA"},
                                      {"role": "chief_representative", "department": "NRP"}]}
    assert user("zhou_jie").has_role("chief_representative")


def test_activation_and_password_reset(client):
    admin = user("admin")
    myself = send(client, "PATCH", f"/api/staff/{admin.id}", {"active": False})
    assert myself.json["errors"] == [{"field": "active", "message":
                                      "you cannot deactivate yourself"}]
    own_role = send(client, "PUT", f"/api/staff/{admin.id}/roles", {"roles": []})
    assert own_role.json["errors"] == [{"field": "roles", "message":
                                        "you cannot remove your own center administrator role"}]
    person = make_staff(client, "sun_li", [("window_clerk", "HRS")])
    old_headers = headers_for("sun_li")
    short = send(client, "POST", f"/api/staff/{person['id']}/password", {"password": "1234567"})
    assert short.status_code == 400 and short.json["code"] == "invalid_password"
    assert send(client, "POST", f"/api/staff/{person['id']}/password",
                {"password": "new password"}).status_code == 204
    assert client.get("/api/centers", headers=old_headers).status_code == 401
    token = client.post("/api/auth/token", json={"username": "sun_li", "password": "new password"})
    assert token.status_code == 200
    off = send(client, "PATCH", f"/api/staff/{person['id']}", {"active": False}).json
    assert off["active"] is False
    assert [e.detail["staff_id"] for e in audit_events("staff.deactivated")] == [person["id"]]
    assert client.get("/api/centers", headers=headers_for("sun_li")).status_code == 401


def test_writes_need_an_administrator(client):
    clerk = user("clerk")
    writes = [("POST", "/api/centers", {}), ("PATCH", "/api/centers/1", {}),
              ("POST", "/api/departments", {}), ("POST", "/api/windows", {}),
              ("POST", "/api/posts", {}), ("POST", "/api/staff", {}),
              ("PATCH", f"/api/staff/{clerk.id}", {"displayName": "x"}),
              ("PUT", f"/api/staff/{clerk.id}/roles", {"roles": []}),
              ("POST", f"/api/staff/{clerk.id}/password", {"password": "12345678"})]
    for method, path, body in writes:
        response = send(client, method, path, body, who="clerk")
        assert (response.status_code, response.json["code"]) == (403, "not_admin"), path
    assert send(client, "GET", "/api/staff", who="clerk").status_code == 403
    assert send(client, "GET", f"/api/staff/{user('admin').id}", who="clerk").status_code == 403
    own = send(client, "GET", f"/api/staff/{clerk.id}", who="clerk")
    assert own.status_code == 200 and own.json["username"] == "clerk"
    for path in ("/api/centers", "/api/departments", "/api/windows", "/api/posts"):
        assert send(client, "GET", path, who="designer").status_code == 200, path
    assert client.get("/api/centers").status_code == 401
