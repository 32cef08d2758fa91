"""Authorization letters (授权书): issued with every problem reported at once, never edited,
revoked or replaced with history kept; the lookups routing uses; the admin pages.

Each test builds its own center, department, chief representative and items, so the demo
catalog can change without breaking these tests.
"""
from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.models import (AuditEvent, AuthorizationLetter, Center, Department, Item, Membership, User,
                        db)
from app.models.catalog import INSTANT, LICENSING
from app.models.identity import CHIEF_REPRESENTATIVE, WINDOW_CLERK
from app.services import authorization, calendar, organization
from app.services.authorization import letters
from app.services.workflow import reassign
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput
from tests.conftest import appoint, headers_for, user

API = "/api/authorization-letters"


# --- building what a test needs ----------------------------------------------------------------

def make_department(code: str) -> Department:
    """A department of the deployment's own center (the one its reports cover)."""
    center = organization.home_center()
    department = Department(code=code, name=f"测试部门{code}", center_id=center.id)
    db.session.add(department)
    db.session.flush()
    return department


def make_item(department: Department, code: str, kind: str = INSTANT,
              category: str = LICENSING) -> Item:
    item = Item(code=code, basic_code=f"{code}-B", name=f"事项{code}",
                department_id=department.id, kind=kind, category=category,
                legal_days=Decimal(20), promised_days=Decimal(5), process_key="service_item")
    db.session.add(item)
    db.session.flush()
    return item


def make_user(username: str, role: str | None, department: Department | None = None) -> User:
    person = User(username=username, display_name=f"测试 {username}", password_hash="unusable")
    if role:
        person.memberships = [Membership(role=role,
                                         department_id=department.id if department else None)]
    db.session.add(person)
    db.session.flush()
    if role == CHIEF_REPRESENTATIVE:  # appointed (任命书), as a letter's grantee must be
        appoint(department.id, person)
    return person


def letter_fields(department: Department, grantee: User, grants: dict, *, number: str,
                  start: date, end: date, **overrides) -> dict:
    fields = {"number": number, "department_id": department.id, "grantee_id": grantee.id,
              "issuer": "局长 测试", "issued_on": start, "filed_on": start,
              "valid_from": start, "valid_until": end,
              "management_powers": ["staff_management", "approval_seal"],
              "items": [{"item_code": code, "powers": powers} for code, powers in grants.items()]}
    return {**fields, **overrides}


def admin() -> Actor:
    return Actor.of(user("admin"))


@pytest.fixture
def unit(session):
    """A department with two items and its chief representative."""
    department = make_department("TL")
    make_item(department, "TL-001")
    make_item(department, "TL-002")
    chief = make_user("tl_chief", CHIEF_REPRESENTATIVE, department)
    return department, chief


def issue_for(unit, number="姚政授〔2026〕1号", start=None, end=None,
              grants=None) -> AuthorizationLetter:
    department, chief = unit
    start = start or calendar.today() - timedelta(days=30)
    end = end or start + timedelta(days=364)
    grants = grants or {"TL-001": ["acceptance", "approval"], "TL-002": ["acceptance"]}
    return letters.issue(letter_fields(department, chief, grants, number=number,
                                       start=start, end=end), admin())


def api_body(unit, number: str, start: date, end: date, **overrides) -> dict:
    department, chief = unit
    body = {"number": number, "departmentId": department.id, "granteeId": chief.id,
            "issuer": "局长 测试", "issuedOn": start.isoformat(), "filedOn": start.isoformat(),
            "validFrom": start.isoformat(), "validUntil": end.isoformat(),
            "managementPowers": ["liaison"],
            "items": [{"itemCode": "TL-001", "powers": ["acceptance", "approval"]}]}
    return {**body, **overrides}


# --- issuing ---------------------------------------------------------------------------------

def test_issue_reports_every_problem_at_once(client, unit):
    other = make_department("TX")
    make_item(other, "TX-001")
    clerk = make_user("tl_clerk", WINDOW_CLERK, unit[0])
    issue_for(unit, number="重复文号")
    today = calendar.today()
    body = api_body(unit, "重复文号", today, today - timedelta(days=1), granteeId=clerk.id,
                    issuer="", filedOn=(today - timedelta(days=2)).isoformat(),
                    managementPowers=["rule_the_world"],
                    items=[{"itemCode": "TX-001", "powers": ["acceptance"]},
                           {"itemCode": "TL-002", "powers": ["fly"]}])
    response = client.post(API, json=body, headers=headers_for("admin"))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "invalid_letter"
    fields = {e["field"] for e in response.json["errors"]}
    assert fields == {"number", "granteeId", "issuer", "filedOn", "validUntil",
                      "managementPowers", "items[0].itemCode", "items[1].powers"}


def test_issue_requires_a_department_and_items(unit):
    department, chief = unit
    fields = letter_fields(department, chief, {}, number="N-1", start=date(2026, 1, 1),
                           end=date(2026, 12, 31), department_id=None)
    with pytest.raises(InvalidInput) as raised:
        letters.issue(fields, admin())
    assert {e["field"] for e in raised.value.errors} == {"department_id", "items"}


def test_term_is_at_most_a_year_and_a_month(unit):
    department, chief = unit
    grants = {"TL-001": ["acceptance"]}
    too_long = letter_fields(department, chief, grants, number="N-long",
                             start=date(2026, 1, 1), end=date(2027, 2, 1))
    with pytest.raises(InvalidInput) as raised:
        letters.issue(too_long, admin())
    assert [e["field"] for e in raised.value.errors] == ["valid_until"]
    assert "一年一签" in raised.value.errors[0]["message"]
    signed_in_december = letter_fields(department, chief, grants, number="N-dec",
                                       start=date(2026, 12, 15), end=date(2027, 12, 31))
    assert letters.issue(signed_in_december, admin()).status == "active"


def test_issue_through_the_api(client, unit):
    today = calendar.today()
    response = client.post(API, json=api_body(unit, "API-1", today, today + timedelta(days=300)),
                           headers=headers_for("admin"))
    assert response.status_code == 201
    body = response.json
    assert body["status"] == "active" and body["validToday"] is True
    assert body["items"] == [{"itemCode": "TL-001", "powers": ["acceptance", "approval"]}]
    assert body["granteeName"] == "测试 tl_chief" and body["replacedById"] is None
    assert client.get(f"{API}/{body['id']}", headers=headers_for("clerk")).json == body
    event = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "letter.issued").order_by(AuditEvent.id.desc())).first()
    assert event.detail == {"letter_id": body["id"], "number": "API-1",
                            "department_id": unit[0].id}


def test_an_overlapping_letter_is_a_conflict(client, unit):
    first = issue_for(unit, start=date(2026, 1, 1), end=date(2026, 12, 31))
    overlapping = api_body(unit, "N-2", date(2026, 12, 31), date(2027, 6, 30))
    response = client.post(API, json=overlapping, headers=headers_for("admin"))
    assert response.status_code == 409
    assert response.json["code"] == "letter_overlaps"
    assert "replace" in response.json["detail"] and response.json["letter_id"] == first.id
    next_year = api_body(unit, "N-3", date(2027, 1, 1), date(2027, 12, 31))
    assert client.post(API, json=next_year, headers=headers_for("admin")).status_code == 201


def test_a_letter_revoked_before_it_started_blocks_nothing(unit):
    today = calendar.today()
    future = issue_for(unit, number="N-future", start=today + timedelta(days=30),
                       end=today + timedelta(days=300))
    letters.revoke(future.id, "改为提前生效", admin())
    earlier = issue_for(unit, number="N-now", start=today, end=today + timedelta(days=300))
    assert authorization.valid_letter(unit[0].id, today + timedelta(days=40)) == earlier


def test_a_replacement_stays_in_the_department(unit):
    old = issue_for(unit)
    other = make_department("TY")
    today = calendar.today()
    fields = letter_fields(other, unit[1], {"TL-001": ["acceptance"]}, number="N-moved",
                           start=today, end=today + timedelta(days=100), issuer="")
    with pytest.raises(InvalidInput) as raised:
        letters.replace(old.id, fields, admin())
    assert {e["field"] for e in raised.value.errors} == {"department_id", "issuer"}
    assert letters.get(old.id).status == "active"


def test_only_administrators_write_letters(client, unit):
    letter = issue_for(unit)
    chief = headers_for("tl_chief")
    today = calendar.today()
    assert client.post(API, json=api_body(unit, "X", today, today),
                       headers=chief).status_code == 403
    assert client.post(f"{API}/{letter.id}/revoke", json={"reason": "x"},
                       headers=chief).status_code == 403
    assert client.post(f"{API}/{letter.id}/replace", json={},
                       headers=headers_for("clerk")).status_code == 403
    with pytest.raises(Forbidden):
        letters.revoke(letter.id, "x", Actor.of(user("leader")))


# --- never edited: revoked or replaced ---------------------------------------------------------

def test_there_is_no_way_to_edit_a_letter(client, unit):
    letter = issue_for(unit)
    for method in (client.put, client.patch, client.delete):
        response = method(f"{API}/{letter.id}", json={"issuer": "someone else"},
                          headers=headers_for("admin"))
        assert response.status_code == 405
        assert response.mimetype == "application/problem+json"
        assert response.json["code"] == "letter_not_editable"
    assert letters.get(letter.id).issuer == "局长 测试"


def test_revoke_ends_the_letter_today_and_keeps_it(client, unit, monkeypatch):
    ended = []
    monkeypatch.setattr(letters, "letter_ended", lambda letter, actor: ended.append(
        (letter.id, letter.status)))
    letter = issue_for(unit)
    today = calendar.today()
    assert client.post(f"{API}/{letter.id}/revoke", json={},
                       headers=headers_for("admin")).status_code == 400
    response = client.post(f"{API}/{letter.id}/revoke", json={"reason": "首席代表调离"},
                           headers=headers_for("admin"))
    assert response.status_code == 200
    body = response.json
    assert body["status"] == "revoked" and body["endReason"] == "首席代表调离"
    assert body["endedOn"] == today.isoformat() and body["endedAt"] and not body["validToday"]
    revoked = letters.get(letter.id)
    assert revoked.valid_on(today - timedelta(days=1)) and not revoked.valid_on(today)
    assert ended == [(letter.id, "revoked")]
    again = client.post(f"{API}/{letter.id}/revoke", json={"reason": "again"},
                        headers=headers_for("admin"))
    assert again.status_code == 409 and again.json["code"] == "letter_not_active"


def test_replace_keeps_the_old_letter_and_links_it(client, unit, monkeypatch):
    ended = []
    monkeypatch.setattr(letters, "letter_ended",
                        lambda letter, actor: ended.append(letter.id))
    old = issue_for(unit)
    today = calendar.today()
    backdated = api_body(unit, "N-new", today - timedelta(days=1), today + timedelta(days=200))
    response = client.post(f"{API}/{old.id}/replace", json=backdated,
                           headers=headers_for("admin"))
    assert response.status_code == 409 and response.json["code"] == "letter_overlaps"
    body = {**api_body(unit, "N-new", today, today + timedelta(days=200)), "reason": "人事调整"}
    response = client.post(f"{API}/{old.id}/replace", json=body, headers=headers_for("admin"))
    assert response.status_code == 201
    new = response.json
    assert new["status"] == "active" and new["validToday"] and new["number"] == "N-new"
    previous = client.get(f"{API}/{old.id}", headers=headers_for("admin")).json
    assert previous["status"] == "replaced" and previous["replacedById"] == new["id"]
    assert previous["endedOn"] == today.isoformat() and previous["endReason"] == "人事调整"
    assert authorization.valid_letter(unit[0].id, today).id == new["id"]
    assert authorization.valid_letter(unit[0].id, today - timedelta(days=1)).id == old.id
    assert [letter.id for letter in letters.history(unit[0].id)] == [new["id"], old.id]
    assert ended == [old.id]
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.like("letter.%"))))
    assert {"letter.issued", "letter.replaced"} <= actions
    with pytest.raises(Conflict):
        letters.replace(old.id, {}, admin())


def test_listing_filters(client, unit):
    old = issue_for(unit, number="L-old", start=date(2025, 1, 1), end=date(2025, 12, 31))
    current = issue_for(unit, number="L-new")
    letters.revoke(old.id, "过期整理", admin())
    department_id = unit[0].id

    def numbers(query: str) -> list[str]:
        response = client.get(f"{API}?departmentId={department_id}&{query}",
                              headers=headers_for("admin"))
        assert response.status_code == 200
        return [row["number"] for row in response.json["items"]]

    assert numbers("") == ["L-new", "L-old"]
    assert numbers("status=revoked") == ["L-old"]
    assert numbers("validOn=2025-06-01") == ["L-old"]
    assert numbers(f"validOn={calendar.today().isoformat()}") == [current.number]
    assert client.get(f"{API}?validOn=June", headers=headers_for("admin")).status_code == 400
    assert client.get(f"{API}?status=lost", headers=headers_for("admin")).status_code == 400


# --- the lookups routing uses -------------------------------------------------------------------

def test_direct_approval_letter_by_date(unit):
    department = unit[0]
    today = calendar.today()
    letter = issue_for(unit, start=today - timedelta(days=10), end=today + timedelta(days=10))
    lookup = authorization.direct_approval_letter
    assert lookup(department.id, "TL-001", today - timedelta(days=11)) is None
    assert lookup(department.id, "TL-001", today - timedelta(days=10)) == letter
    assert lookup(department.id, "TL-001", today + timedelta(days=10)) == letter
    assert lookup(department.id, "TL-001", today + timedelta(days=11)) is None
    assert lookup(department.id, "TL-002", today) is None  # accepted, not approved
    assert authorization.valid_letter(department.id, today) == letter
    letters.revoke(letter.id, "撤销授权", admin())
    assert lookup(department.id, "TL-001", today) is None
    assert lookup(department.id, "TL-001", today + timedelta(days=5)) is None
    assert lookup(department.id, "TL-001", today - timedelta(days=1)) == letter
    assert authorization.valid_letter(department.id, today) is None


# --- pages ------------------------------------------------------------------------------------

def test_admin_pages_render(client, unit):
    letter = issue_for(unit)
    admin_headers = headers_for("admin")
    listing = client.get("/admin/letters", headers=admin_headers)
    assert listing.status_code == 200 and letter.number in listing.text
    assert client.get("/admin/letters/new", headers=admin_headers).status_code == 200
    form = client.get(f"/admin/letters/new?department_id={unit[0].id}", headers=admin_headers)
    assert form.status_code == 200 and "TL-002" in form.text and "csrf_token" in form.text
    detail = client.get(f"/admin/letters/{letter.id}", headers=admin_headers)
    assert detail.status_code == 200 and "首席事务代表授权书" in detail.text
    assert "测试 tl_chief" in detail.text and "撤销授权书" in detail.text
    replace = client.get(f"/admin/letters/{letter.id}/replace", headers=admin_headers)
    assert replace.status_code == 200 and "更换原因" in replace.text
    assert client.get("/admin/letters", headers=headers_for("clerk")).status_code == 403


def test_issue_and_revoke_through_the_pages(client, unit):
    department, chief = unit
    today = calendar.today().isoformat()
    form = {"department_id": department.id, "number": "页面-1", "grantee_id": chief.id,
            "issuer": "局长 测试", "issued_on": today, "filed_on": today, "valid_from": today,
            "valid_until": (calendar.today() + timedelta(days=100)).isoformat(),
            "management_powers": ["liaison"], "powers-TL-001": ["acceptance", "approval"]}
    invalid = client.post("/admin/letters/new",
                          data={**form, "issuer": "", "powers-ZZ-404": ["acceptance"]},
                          headers=headers_for("admin"))
    assert invalid.status_code == 400 and "授权机关法定代表人: 请填写此项" in invalid.text
    assert "事项 ZZ-404: ZZ-404 不是现行事项" in invalid.text
    created = client.post("/admin/letters/new", data=form, headers=headers_for("admin"))
    assert created.status_code == 302
    letter = letters.listing(department_id=department.id)[0]
    assert letter.number == "页面-1" and letter.powers_for("TL-001") == {"acceptance", "approval"}
    revoked = client.post(f"/admin/letters/{letter.id}/revoke",
                          data={"reason": "测试", "confirm": "yes"}, headers=headers_for("admin"))
    assert revoked.status_code == 302 and letters.get(letter.id).status == "revoked"


def test_page_forms_carry_a_working_csrf_token(client, unit):
    letter = issue_for(unit)
    with client.session_transaction() as cookie_session:  # signed in by cookie, not a token
        cookie_session["_user_id"], cookie_session["_fresh"] = user("admin").get_id(), True
    page = client.get(f"/admin/letters/{letter.id}").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    url = f"/admin/letters/{letter.id}/revoke"
    assert client.post(url, data={"reason": "测试", "confirm": "yes"}).status_code == 400
    assert client.post(url, data={"reason": "测试", "confirm": "yes",
                                  "csrf_token": token}).status_code == 302
    assert letters.get(letter.id).status == "revoked"


def test_revoking_on_the_page_needs_a_reason_and_a_ticked_confirmation(client, unit):
    letter = issue_for(unit)
    url, admin_headers = f"/admin/letters/{letter.id}/revoke", headers_for("admin")
    page = client.get(f"/admin/letters/{letter.id}", headers=admin_headers).text
    assert 'name="confirm" value="yes" required' in page and "此操作不可撤销" in page
    unconfirmed = client.post(url, data={"reason": "首席代表调离"}, headers=admin_headers)
    assert unconfirmed.status_code == 400 and "请勾选确认" in unconfirmed.text
    assert 'value="首席代表调离"' in unconfirmed.text  # the reason typed is kept
    no_reason = client.post(url, data={"reason": " ", "confirm": "yes"}, headers=admin_headers)
    assert no_reason.status_code == 400 and "请填写撤销原因" in no_reason.text
    assert letters.get(letter.id).status == "active"
    done = client.post(url, data={"reason": "首席代表调离", "confirm": "yes"}, headers=admin_headers)
    assert done.status_code == 302 and letters.get(letter.id).status == "revoked"
