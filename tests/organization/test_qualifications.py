"""Who may sit at a window (seeds 000, 002, 004): the staff record, the rules it feeds, the
center's approval of an exception, and sending a person back (退回原单位)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import HumanTask, Notification, StaffRecord, User, db
from tests.cases.service_item_steps import open_task, start_process
from tests.conftest import headers_for, user
from tests.organization.organization_steps import (PASSWORD, QUALIFIED, audit_events, make_staff,
                                                  send)

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(session):
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI), tick=False) as t:
        yield t


def _new(username: str, roles: list[dict], **body):
    return {"username": username, "displayName": f"测试 {username}", "password": PASSWORD,
            "roles": roles, **body}


MSA_CLERK = [{"role": "window_clerk", "department": "MSA"}]


def test_an_unqualified_clerk_is_refused_naming_each_rule_and_nothing_is_written(client, clock):
    refused = send(client, "POST", "/api/staff", _new("xin_ren", MSA_CLERK, qualification={
        "established": False, "departmentSince": "2025-01-10", "enforcementCertificate": ""}))
    assert refused.status_code == 400 and refused.json["code"] == "staff_unqualified"
    assert [e["field"] for e in refused.json["errors"]] == [
        "qualification.established", "qualification.departmentSince",
        "qualification.enforcementCertificate"]
    assert db.session.scalar(sa.select(User).where(User.username == "xin_ren")) is None
    nearly = {**QUALIFIED, "departmentSince": "2024-03-03"}  # a day short of 2 years
    short = send(client, "POST", "/api/staff", _new("xin_ren", MSA_CLERK, qualification=nearly))
    assert [e["field"] for e in short.json["errors"]] == ["qualification.departmentSince"]
    enough = {**QUALIFIED, "departmentSince": "2024-03-02"}
    assert send(client, "POST", "/api/staff",
                _new("xin_ren", MSA_CLERK, qualification=enough)).status_code == 201


def test_the_center_may_approve_an_exception_with_a_reason_which_the_audit_keeps(client, clock):
    body = _new("jie_diao", MSA_CLERK, qualification={**QUALIFIED, "enforcementCertificate": ""},
                exceptionReason="执法证年审中，县政府办批准先行到岗")
    created = send(client, "POST", "/api/staff", body)
    assert created.status_code == 201, created.json
    [event] = [e for e in audit_events("staff.created")
               if e.detail["staff_id"] == created.json["id"]]
    assert event.detail["center_approval"] == {
        "unmet": ["a window clerk holds law-enforcement qualification (a certificate number)"],
        "reason": "执法证年审中，县政府办批准先行到岗"}
    assert created.json["qualification"]["enforcementCertificate"] == ""


def test_a_chief_representative_must_be_established_staff(client, clock):
    person = make_staff(client, "fu_ze", [("approving_leader", "MSA")], qualification=None)
    roles = [{"role": "chief_representative", "department": "MSA"}]
    path = f"/api/staff/{person['id']}"
    refused = send(client, "PUT", f"{path}/roles", {"roles": roles})
    assert refused.status_code == 400 and [e["field"] for e in refused.json["errors"]] == [
        "qualification.established", "qualification.sectionRank"]
    assert user("fu_ze").roles == {"approving_leader"}
    assert send(client, "PUT", f"{path}/qualification",
                {"established": True, "sectionRank": True}).status_code == 200
    assert send(client, "PUT", f"{path}/roles", {"roles": roles}).status_code == 200


def test_a_clerk_leaves_the_window_before_two_years_only_with_the_centers_consent(client, clock):
    person = make_staff(client, "lun_huan", [("window_clerk", "MSA")],
                        qualification={**QUALIFIED, "windowSince": "2025-06-01"})
    path = f"/api/staff/{person['id']}/roles"
    refused = send(client, "PUT", path, {"roles": []})
    assert refused.status_code == 400 and refused.json["errors"] == [
        {"field": "qualification.windowSince",
         "message": "serves at the window for 2 years, until 2027-06-01"}]
    moved = send(client, "PUT", path, {"roles": [], "exceptionReason": "本单位申请轮岗，中心同意"})
    assert moved.status_code == 200 and moved.json["roles"] == []
    [event] = audit_events("staff.roles_replaced")[-1:]
    assert event.detail["center_approval"]["reason"] == "本单位申请轮岗，中心同意"


def test_the_record_is_checked_and_its_changes_audited(client, clock):
    person = make_staff(client, "dang_an", [("committee_member", None)], qualification=None)
    path = f"/api/staff/{person['id']}/qualification"
    bad = send(client, "PUT", path, {"departmentSince": "2026-13-01", "windowSince": "2027-01-01",
                                     "established": 3, "enforcementCertificate": "x" * 41})
    assert bad.status_code == 400 and bad.json["code"] == "invalid_staff_record"
    assert sorted(e["field"] for e in bad.json["errors"]) == [
        "departmentSince", "enforcementCertificate", "established", "windowSince"]
    assert db.session.get(StaffRecord, person["id"]) is None
    saved = send(client, "PUT", path, {"established": True, "departmentSince": "2019-07-01"})
    assert saved.json["qualification"]["departmentSince"] == "2019-07-01"
    [event] = audit_events("staff.record_updated")
    assert event.detail["changes"] == {"established": [False, True],
                                       "department_since": [None, "2019-07-01"]}
    clerk = send(client, "PUT", path, {"established": True}, who="clerk")
    assert clerk.status_code == 403


def test_sending_back_ends_the_window_roles_frees_the_tasks_and_asks_for_another(client, clock):
    person = make_staff(client, "tui_hui", [("window_clerk", "MSA")])
    case = start_process(client, "service_item", "MSA-002", "tui_hui", {"name": "张三"})
    intake = open_task(case["id"], "intake")
    assert intake.assignee_id == person["id"]  # the receiving clerk keeps the intake (首问负责)
    path = f"/api/staff/{person['id']}/send-back"
    assert send(client, "POST", path, {"reason": " "}).json["code"] == "reason_required"
    assert send(client, "POST", path, {"reason": "x"}, who="chief").status_code == 403
    sent = send(client, "POST", path, {"reason": "未取得执法资格，不符合窗口人员配备要求"})
    assert sent.status_code == 200, sent.json
    assert sent.json["roles"] == [] and sent.json["active"] is False
    assert sent.json["qualification"]["sentBackReason"] == "未取得执法资格，不符合窗口人员配备要求"
    db.session.refresh(intake)
    assert intake.assignee_id != person["id"] and intake.state == "open"
    told = db.session.scalars(sa.select(Notification.recipient_user_id).where(
        Notification.kind == "staff_sent_back")).all()
    assert {user("chief").id, user("leader").id} <= set(told)
    [event] = audit_events("staff.sent_back")
    assert event.detail["tasks_released"] == 1
    again = send(client, "POST", path, {"reason": "再次"})
    assert again.status_code == 409 and again.json["code"] == "not_at_a_window"


def test_a_post_holder_is_sent_back_only_after_the_post_is_given_away(client, clock):
    refused = send(client, "POST", f"/api/staff/{user('clerk').id}/send-back", {"reason": "测试"})
    assert refused.status_code == 409 and refused.json["code"] == "holds_ab_post"
    assert user("clerk").has_role("window_clerk")


def test_the_staff_page_shows_who_falls_short_and_sends_back_after_confirmation(client, clock):
    send(client, "POST", "/api/staff", _new(
        "que_zheng", MSA_CLERK, qualification={**QUALIFIED, "enforcementCertificate": ""},
        exceptionReason="先行到岗"))
    admin = headers_for("admin")
    page = client.get("/admin/staff", headers=admin).text
    assert "须具备实施行政执法资格" in page and "符合" in page
    person = user("que_zheng")
    editing = client.get(f"/admin/staff?edit={person.id}", headers=admin).text
    assert "退回原单位" in editing and 'name="confirm"' in editing
    path = f"/admin/staff/{person.id}/send-back"
    unconfirmed = client.post(path, data={"reason": "未取得执法资格"}, headers=admin)
    assert unconfirmed.status_code == 400 and "请勾选确认" in unconfirmed.text
    assert user("que_zheng").has_role("window_clerk")
    done = client.post(path, data={"reason": "未取得执法资格", "confirm": "yes"}, headers=admin)
    assert done.status_code == 303
    assert "退回原单位" in client.get("/admin/staff", headers=admin).text
    assert db.session.get(StaffRecord, person.id).sent_back_on.isoformat() == "2026-03-02"
    assert not db.session.scalars(sa.select(HumanTask).where(
        HumanTask.assignee_id == person.id, HumanTask.state == "open")).all()


def test_a_window_head_heads_the_approving_section(client, clock):
    """Seed 004: 窗口负责人必须是负责审批的科室负责人."""
    person = make_staff(client, "ke_zhang", [("window_clerk", "MSA")])
    path = f"/api/staff/{person['id']}"
    head = [{"role": "window_clerk", "department": "MSA"},
            {"role": "window_head", "department": "MSA"}]
    refused = send(client, "PUT", f"{path}/roles", {"roles": head})
    assert refused.status_code == 400 and refused.json["errors"] == [
        {"field": "qualification.sectionHead",
         "message": "a window head heads the department's approving section"}]
    assert send(client, "PUT", f"{path}/qualification", {"sectionHead": True}).status_code == 200
    assert send(client, "PUT", f"{path}/roles", {"roles": head}).json["roles"][-1] == {
        "role": "window_head", "department": "MSA"}


def test_a_chief_representative_serves_a_year_before_leaving_the_center(client, clock):
    """Seeds 000 and 002 art. 30: 首席代表在中心连续工作时间不得少于一年."""
    person = make_staff(client, "xin_shou", [("chief_representative", "MSA")],
                        qualification={**QUALIFIED, "windowSince": "2025-09-01"})
    path = f"/api/staff/{person['id']}/roles"
    refused = send(client, "PUT", path, {"roles": []})
    assert refused.status_code == 400 and refused.json["errors"] == [
        {"field": "qualification.windowSince",
         "message": "serves at the window for 1 year, until 2026-09-01"}]
    assert send(client, "PUT", path, {"roles": [], "exceptionReason": "组织调动"}).status_code \
        == 200


def test_sending_back_tells_the_window_head(client, clock):
    head = make_staff(client, "msa_head", [("window_head", "MSA")],
                      qualification={**QUALIFIED, "sectionHead": True})
    person = make_staff(client, "hui_qu", [("window_clerk", "MSA")])
    send(client, "POST", f"/api/staff/{person['id']}/send-back", {"reason": "考核不合格"})
    told = db.session.scalars(sa.select(Notification.recipient_user_id).where(
        Notification.kind == "staff_sent_back")).all()
    assert head["id"] in told
