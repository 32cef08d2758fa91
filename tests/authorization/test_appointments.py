"""任命书 (seed 000 三): the chief representative is appointed before a letter may name them;
established staff of section rank; one appointment in force per department."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Notification, db
from tests.conftest import headers_for, user
from tests.organization.organization_steps import QUALIFIED, audit_events, make_staff, send

API = "/api/appointments"


@pytest.fixture
def clock(session):
    monday = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(monday, tick=False) as traveller:
        yield traveller


def _msa_id() -> int:
    return user("chief").memberships[0].department_id


def _body(appointee_id: int, number: str = "姚市监任〔2026〕2号", **more) -> dict:
    return {"number": number, "departmentId": _msa_id(), "appointeeId": appointee_id,
            "issuer": "县市场监督管理局局长 何平", "duties": "受理、办理、办结和协调催办",
            "issuedOn": "2026-03-02", "filedOn": "2026-03-02", **more}


def _letter(client, grantee_id: int, number: str):
    """Replace MSA's letter in force with one naming `grantee_id`."""
    [current] = send(client, "GET", f"/api/authorization-letters?departmentId={_msa_id()}"
                                    "&status=active").json["items"]
    return send(client, "POST", f"/api/authorization-letters/{current['id']}/replace", {
        "number": number, "departmentId": _msa_id(), "granteeId": grantee_id,
        "reason": "首席代表另行委派",
        "issuer": "县市场监督管理局局长 何平", "issuedOn": "2026-03-02", "filedOn": "2026-03-02",
        "validFrom": "2026-03-02", "validUntil": "2026-12-31",
        "items": [{"itemCode": "MSA-001", "powers": ["acceptance"]}]})


def test_a_new_appointment_ends_the_one_in_force_and_decides_who_a_letter_names(client, clock):
    person = make_staff(client, "xin_shouxi", [("window_clerk", "MSA")],
                        {**QUALIFIED, "sectionRank": True})
    missing_reason = send(client, "POST", API, _body(person["id"]))
    assert missing_reason.status_code == 400
    assert [e["field"] for e in missing_reason.json["errors"]] == ["reason"]
    issued = send(client, "POST", API, _body(person["id"], reason="人事调动：原首席代表调离"))
    assert issued.status_code == 201, issued.json
    assert issued.json["status"] == "active" and issued.json["appointee"] == "测试 xin_shouxi"
    assert user("xin_shouxi").has_role("chief_representative", _msa_id())
    listed = send(client, "GET", f"{API}?departmentId={_msa_id()}").json["items"]
    assert [(a["number"], a["status"], a["endedOn"]) for a in listed][:2] == [
        ("姚市监任〔2026〕2号", "active", None), ("MSA任〔2021〕1号", "ended", "2026-03-02")]
    assert listed[1]["endReason"] == "人事调动：原首席代表调离"
    [ended] = audit_events("appointment.ended")
    assert ended.detail["replaced_by"] == issued.json["id"]
    # the former chief keeps the role, but no letter may name him any more
    refused = _letter(client, user("chief").id, "姚市监授〔2026〕20号")
    assert refused.status_code == 400 and "任命书" in refused.json["errors"][0]["message"]
    assert _letter(client, person["id"], "姚市监授〔2026〕21号").status_code == 201


def test_the_appointee_is_established_staff_of_section_rank(client, clock):
    person = make_staff(client, "gu_yuan", [("window_clerk", "MSA")], QUALIFIED)
    refused = send(client, "POST", API, _body(person["id"], reason="另行委派"))
    assert refused.status_code == 400
    assert [e["field"] for e in refused.json["errors"]] == ["qualification.sectionRank"]
    assert not user("gu_yuan").has_role("chief_representative")
    assert send(client, "GET", f"{API}?departmentId={_msa_id()}").json["items"][0][
        "status"] == "active"  # nothing half-written: the old one is still in force
    approved = send(client, "POST", API, _body(person["id"], reason="另行委派",
                                                exceptionReason="县委组织部批复同意"))
    assert approved.status_code == 201
    [issued] = audit_events("appointment.issued")
    assert issued.detail["center_approval"]


def test_ending_an_appointment_asks_the_leaders_for_a_new_chief(client, clock):
    [current] = [a for a in send(client, "GET", f"{API}?departmentId={_msa_id()}").json["items"]
                 if a["status"] == "active"]
    assert send(client, "POST", f"{API}/{current['id']}/end", {}).status_code == 400
    ended = send(client, "POST", f"{API}/{current['id']}/end", {"reason": "难以胜任"})
    assert ended.status_code == 200 and ended.json["status"] == "ended"
    told = db.session.scalars(sa.select(Notification).where(
        Notification.kind == "appointment_ended")).all()
    assert user("leader").id in {n.recipient_user_id for n in told}
    again = send(client, "POST", f"{API}/{current['id']}/end", {"reason": "难以胜任"})
    assert again.status_code == 409 and again.json["code"] == "appointment_ended"


def test_only_the_center_appoints_and_only_the_department_reads(client, clock):
    person = make_staff(client, "wu_quan", [("window_clerk", "MSA")],
                        {**QUALIFIED, "sectionRank": True})
    refused = send(client, "POST", API, _body(person["id"], reason="另行委派"), who="leader")
    assert refused.status_code == 403
    assert send(client, "GET", f"{API}?departmentId={_msa_id()}", who="clerk").status_code == 403
    assert send(client, "GET", f"{API}?departmentId={_msa_id()}", who="leader").status_code == 200
    own = send(client, "GET", API, who="nrp_leader").json["items"]
    assert own and {a["department"] for a in own} == {"NRP"}


def test_the_administrators_page_issues_and_ends_appointments(client, clock):
    person = make_staff(client, "ye_mian", [("window_clerk", "MSA")],
                        {**QUALIFIED, "sectionRank": True})
    page = client.get("/admin/appointments", headers=headers_for("admin"))
    assert page.status_code == 200 and "MSA任〔2021〕1号" in page.text
    assert client.get("/admin/appointments", headers=headers_for("leader")).status_code == 403
    form = {key: str(value) for key, value in _body(person["id"]).items()}
    refused = client.post("/admin/appointments", headers=headers_for("admin"), data=form)
    assert refused.status_code == 400 and 'id="appointment-reason-error"' in refused.text
    assert 'value="姚市监任〔2026〕2号"' in refused.text  # what was typed is kept
    done = client.post("/admin/appointments", headers=headers_for("admin"),
                       data={**form, "reason": "另行委派", "exceptionReason": ""})
    assert done.status_code == 303
    [current] = [a for a in send(client, "GET", f"{API}?departmentId={_msa_id()}").json["items"]
                 if a["status"] == "active"]
    assert current["appointeeId"] == person["id"]
    ended = client.post(f"/admin/appointments/{current['id']}/end",
                        headers=headers_for("admin"), data={"reason": "人事调动"})
    assert ended.status_code == 303
    assert "人事调动" in client.get("/admin/appointments", headers=headers_for("admin")).text

