"""AB posts (AB岗) and temporary deputies (临时代行): work follows whoever is at the window."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Absence, AuditEvent, db
from app.services.organization import absence_reports as absence_admin
from app.services.workflow import tasks
from tests.cases.service_item_steps import ALL_MATERIALS, case_of, complete, open_task, start_case
from tests.conftest import headers_for, user

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def clock(session):
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI), tick=False) as t:
        yield t


def _report(client, username: str, starts: str, ends: str, *, by: str = "admin",
            expect: int = 201, **extra):
    body = {"userId": user(username).id, "startsOn": starts, "endsOn": ends,
            "reason": "leave", **extra}
    response = client.post("/api/absences", json=body, headers=headers_for(by))
    assert response.status_code == expect, response.json
    return response.json


def _holder(task) -> tuple:
    db.session.refresh(task)
    ids = (task.assignee_id, task.delegated_from_id)
    names = {u.id: u.username for u in map(user, ("clerk", "msa_b", "chief", "leader"))}
    return tuple(names.get(i, i) for i in ids)


def _actions(task, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.task_id == task.id, AuditEvent.action == action)))


def test_a_post_away_hands_open_and_new_tasks_to_b_and_back(client, clock):
    first = start_case(client, "MSA-002")["id"]
    complete(client, first, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    second = start_case(client, "MSA-002")["id"]
    review, intake = open_task(first, "window_review"), open_task(second, "intake")
    assert _holder(review) == _holder(intake) == ("clerk", None)

    absence = _report(client, "clerk", "2026-03-02", "2026-03-03")
    assert absence["handedOverAt"] is not None
    assert _holder(review) == _holder(intake) == ("msa_b", "clerk")
    assert len(_actions(review, "task.handed_over")) == 1

    complete(client, second, "intake", "msa_b", within_remit=True,
             materials_received=ALL_MATERIALS)
    new = open_task(second, "window_review")  # created while A is away: straight to B
    assert _holder(new) == ("msa_b", "clerk")

    clock.move_to(datetime(2026, 3, 4, 8, 30, tzinfo=SHANGHAI))
    assert absence_admin.sweep() == {"handed_over": 0, "returned": 2}
    assert _holder(review) == _holder(new) == ("clerk", None)
    assert len(_actions(new, "task.returned")) == 1
    assert absence_admin.sweep() == {"handed_over": 0, "returned": 0}  # idempotent
    complete(client, first, "window_review", "clerk", review_opinion="同意",
             recommendation="approve")


def test_absence_reported_ahead_starts_with_the_sweep(client, clock):
    case_id = start_case(client, "MSA-002")["id"]
    intake = open_task(case_id, "intake")
    _report(client, "clerk", "2026-03-03", "2026-03-03")
    assert _holder(intake) == ("clerk", None)
    clock.move_to(datetime(2026, 3, 3, 8, 0, tzinfo=SHANGHAI))
    assert absence_admin.sweep()["handed_over"] == 1
    assert _holder(intake) == ("msa_b", "clerk")


def test_with_a_and_b_both_away_the_task_waits_in_the_window_pool(client, clock):
    intake = open_task(start_case(client, "MSA-002")["id"], "intake")
    _report(client, "msa_b", "2026-03-02", "2026-03-06")
    _report(client, "clerk", "2026-03-02", "2026-03-02", centerConsent=True)  # sudden illness
    assert _holder(intake) == (None, "clerk")
    assert intake in tasks.inbox(user("msa_b"))  # a window-clerk task of MSA: B sees it
    clock.move_to(datetime(2026, 3, 3, 8, 0, tzinfo=SHANGHAI))
    absence_admin.sweep()
    assert _holder(intake) == ("clerk", None)


def test_the_b_back_before_the_a_takes_the_waiting_task(client, clock):
    intake = open_task(start_case(client, "MSA-002")["id"], "intake")
    _report(client, "msa_b", "2026-03-02", "2026-03-02")
    _report(client, "clerk", "2026-03-02", "2026-03-06", centerConsent=True)
    assert _holder(intake) == (None, "clerk")
    clock.move_to(datetime(2026, 3, 3, 8, 0, tzinfo=SHANGHAI))
    assert absence_admin.sweep() == {"handed_over": 0, "returned": 1}
    assert _holder(intake) == ("msa_b", "clerk")  # B stands in again, for A
    assert len(_actions(intake, "task.handed_over")) == 2


def test_a_and_b_of_a_post_may_not_be_away_on_the_same_days(client, clock):
    """Seed 004: 确保每个窗口时时满员: the second of A and B to ask is refused, nothing kept."""
    _report(client, "msa_b", "2026-03-04", "2026-03-06")
    refused = _report(client, "clerk", "2026-03-02", "2026-03-04", expect=409)
    assert refused["code"] == "ab_post_unstaffed" and refused["posts"] == ["市场监管受理岗"]
    assert absence_admin.listing(user_id=user("clerk").id) == []
    assert _report(client, "clerk", "2026-03-02", "2026-03-03")["userId"] == user("clerk").id


def test_only_the_center_may_consent_to_both_away_and_it_is_audited(client, clock):
    _report(client, "msa_b", "2026-03-02", "2026-03-06")
    refused = _report(client, "clerk", "2026-03-02", "2026-03-02", by="clerk", expect=409,
                      centerConsent=True)  # the clerk cannot consent for the center
    assert refused["code"] == "ab_post_unstaffed"
    filed = _report(client, "clerk", "2026-03-02", "2026-03-02", centerConsent=True)
    [event] = [e for e in db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "absence.reported")) if e.detail["absence_id"] == filed["id"]]
    assert event.detail["center_consent_both_away"] and event.actor_id == user("admin").id


def test_the_absences_page_says_why_both_away_is_refused_and_offers_consent(client, clock):
    _report(client, "msa_b", "2026-03-02", "2026-03-06")
    admin = headers_for("admin")
    assert 'name="centerConsent"' in client.get("/admin/absences", headers=admin).text
    assert 'name="centerConsent"' not in client.get("/admin/absences",
                                                    headers=headers_for("clerk")).text
    form = {"userId": str(user("clerk").id), "startsOn": "2026-03-02",
            "endsOn": "2026-03-02", "reason": "sick", "deputyId": ""}
    refused = client.post("/admin/absences", data=form, headers=admin)
    assert refused.status_code == 409 and "不能同时缺岗" in refused.text
    consented = client.post("/admin/absences", data={**form, "centerConsent": "true"},
                            headers=admin)
    assert consented.status_code == 303


def test_chief_representative_away_names_a_deputy_who_decides_meanwhile(client, clock):
    case_id = start_case(client, "MSA-001")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    decision = open_task(case_id, "decide_on_spot")
    refused = _report(client, "chief", "2026-03-02", "2026-03-04", expect=400)
    assert [e["field"] for e in refused["errors"]] == ["deputyId"]
    _report(client, "chief", "2026-03-02", "2026-03-04", by="chief",
            deputyId=user("msa_b").id, reason="training")
    assert _holder(decision) == ("msa_b", "chief")
    assert decision.authorization_letter_id is not None  # acting under the chief's letter
    complete(client, case_id, "decide_on_spot", "msa_b", decision="approve")
    assert case_of(case_id).decision == "approve"


def test_a_deputy_away_does_not_pass_the_chiefs_power_on(client, clock):
    """Seed 003: 服务窗口不得将本部门授权再行委托. The chief's temporary deputy acts for the chief;
    while the deputy is away too, the chief's decision waits in the pool of the department's
    chief representatives, never with the deputy's own stand-in (their AB partner), and goes
    to the deputy when the deputy is back."""
    case_id = start_case(client, "MSA-001")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    decision = open_task(case_id, "decide_on_spot")
    _report(client, "msa_b", "2026-03-02", "2026-03-02")  # the deputy is away first
    _report(client, "chief", "2026-03-02", "2026-03-04", deputyId=user("msa_b").id)
    assert _holder(decision) == (None, "chief")  # not ("clerk", ...): msa_b's AB partner
    assert decision not in tasks.inbox(user("clerk"))
    clock.move_to(datetime(2026, 3, 3, 8, 0, tzinfo=SHANGHAI))  # the deputy is back
    absence_admin.sweep()
    assert _holder(decision) == ("msa_b", "chief")  # the deputy decides for the chief again
    clock.move_to(datetime(2026, 3, 5, 8, 0, tzinfo=SHANGHAI))  # and the chief is back
    absence_admin.sweep()
    assert _holder(decision) == ("chief", None)
    complete(client, case_id, "decide_on_spot", "chief", decision="approve")


def test_deputy_loses_the_task_when_the_chief_comes_back_early(client, clock):
    case_id = start_case(client, "MSA-001")["id"]
    absence = _report(client, "chief", "2026-03-02", "2026-03-06",
                      deputyId=user("msa_b").id)
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    decision = open_task(case_id, "decide_on_spot")
    assert _holder(decision) == ("msa_b", "chief")
    clock.move_to(datetime(2026, 3, 3, 9, 0, tzinfo=SHANGHAI))
    response = client.post(f"/api/absences/{absence['id']}/end", headers=headers_for("chief"))
    assert response.status_code == 200 and response.json["endedEarlyAt"]
    assert _holder(decision) == ("chief", None)
    complete(client, case_id, "decide_on_spot", "msa_b", expect=403, decision="approve")


def test_deputy_must_be_department_staff_and_filing_is_checked(client, clock):
    other_department = _report(client, "chief", "2026-03-02", "2026-03-04", expect=400,
                               deputyId=user("nrp_a").id)
    assert other_department["errors"][0]["field"] == "deputyId"
    _report(client, "msa_b", "2026-03-02", "2026-03-04", by="clerk", expect=403)
    _report(client, "msa_b", "2026-03-02", "2026-03-04", by="chief")  # their chief may
    clash = _report(client, "msa_b", "2026-03-04", "2026-03-05", expect=409)
    assert clash["code"] == "absence_overlaps"
    bad = _report(client, "msa_b", "2026-03-09", "2026-03-08", expect=400, reason="holiday")
    assert sorted(e["field"] for e in bad["errors"]) == ["endsOn", "reason"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Absence)) == 1


def test_comprehensive_window_staff_see_every_department_it_serves(client, clock):
    response = client.post("/api/process-definitions/key/service_item/start",
                           headers=headers_for("admin"),
                           json={"variables": {"item_code": "CUL-001",
                                               "applicant": {"name": "李四"}}})
    assert response.status_code == 201, response.json
    intake = open_task(response.json["id"], "intake")
    assert (intake.candidate_role, intake.assignee_id) == ("window_clerk", None)
    seen = {name: intake.id in {t.id for t in tasks.inbox(user(name))}
            for name in ("hrs_a", "edu_a", "cul_b", "msa_b", "clerk")}
    assert seen == {"hrs_a": True, "edu_a": True, "cul_b": True, "msa_b": False,
                    "clerk": False}
    assert client.get(f"/api/tasks/{intake.id}", headers=headers_for("msa_b")).status_code == 403
    claimed = client.post(f"/api/tasks/{intake.id}/claim", headers=headers_for("hrs_a"))
    assert claimed.status_code == 200


def test_absences_page_files_and_refuses_with_the_problem_beside_the_field(client, clock):
    admin = headers_for("admin")
    page = client.get("/admin/absences", headers=admin)
    assert page.status_code == 200 and "<h1>缺岗报备与代行</h1>" in page.text
    form = {"userId": str(user("chief").id), "startsOn": "2026-03-02",
            "endsOn": "2026-03-03", "reason": "meeting", "deputyId": ""}
    refused = client.post("/admin/absences", data=form, headers=admin)
    assert refused.status_code == 400
    assert 'id="absence-deputyId-error"' in refused.text and "临时代行" in refused.text
    filed = client.post("/admin/absences", headers=admin,
                        data={**form, "deputyId": str(user("msa_b").id)})
    assert filed.status_code == 303
    [absence] = absence_admin.listing(user_id=user("chief").id)
    assert (absence.reason, absence.deputy_id) == ("meeting", user("msa_b").id)
    listed = client.get("/admin/absences", headers=admin).text
    assert "缺岗中" in listed and "提前返岗" in listed
    own = client.get("/admin/absences", headers=headers_for("msa_b")).text
    assert f'value="{user("msa_b").id}"' in own and f'value="{user("clerk").id}"' not in own


def test_why_someone_is_away_is_only_for_them_whoever_filed_it_and_the_center(client, clock):
    absence = _report(client, "msa_b", "2026-03-03", "2026-03-04", reason="sick",
                      note="住院，附诊断证明")
    path = f"/api/absences/{absence['id']}"
    assert absence["note"] == "住院，附诊断证明"  # the filer (the center) reads it
    for reader in ("msa_b", "admin"):
        assert client.get(path, headers=headers_for(reader)).json["note"] == "住院，附诊断证明"
    colleague = client.get(path, headers=headers_for("clerk")).json
    assert colleague["note"] is None  # who is away, when and who stands in: still there
    assert (colleague["userId"], colleague["startsOn"]) == (user("msa_b").id, "2026-03-03")
    listed = client.get("/api/absences", headers=headers_for("clerk")).json["items"]
    assert {a["note"] for a in listed if a["id"] == absence["id"]} == {None}
