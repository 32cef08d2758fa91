"""全程代办: projects on a mandate, their cases started through the window's start, the board,
the 30-working-day limit of major projects, and 催办 (the agent's and the sweep's, once)."""
from datetime import date, datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import (AgencyMandate, AgencyProject, AgencyProjectItem, AgencyReminder,
                        AuditEvent, Membership, User, db)
from app.models.identity import AGENT
from app.services.agency import reminders
from app.services.calendar import admin as calendar_admin
from app.services import catalog
from app.services.workflow import timers
from app.services.workflow.actor import Actor
from tests.agency.agency_steps import add_item, detail, new_project, remind
from tests.cases.service_item_steps import (ALL_MATERIALS, case_of, complete, notices,
                                            open_names, required_materials, start_case)
from tests.conftest import headers_for, user

LOCAL = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 4, 20, 9, 30, tzinfo=LOCAL)  # a Monday; Labor Day (05-01..05-05) ahead
PDF = b"%PDF-1.4\n% signed mandate\n"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def local_day(value: str | datetime) -> str:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment.astimezone(LOCAL).date().isoformat()


def second_agent() -> User:
    other = User(username="agent2", display_name="代办员 钱多", password_hash="x",
                 memberships=[Membership(role=AGENT)])
    db.session.add(other)
    db.session.flush()
    return other


def started(client, project_id: int, item_code: str = "MSA-002") -> dict:
    return add_item(client, project_id, itemCode=item_code)


def accept_at_intake(client, instance_id: int, **fields) -> None:
    complete(client, instance_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS, **{"major_project": True, **fields})


# --- the project and its mandate -------------------------------------------------------------

def test_agent_takes_on_a_project_with_its_scanned_mandate(client):
    project = new_project(client)
    assert project["agent"] == "agent" and project["status"] == "active"
    assert project["mandateScope"] == ["MSA-002", "NRP-002"]
    assert project["applicantIdNumber"] == "91330000MA2XXXXX1X"
    response = client.post(f"/api/agency/projects/{project['id']}/mandate",
                           data={"file": (BytesIO(PDF), "委托书.pdf")},
                           headers=headers_for("agent"), content_type="multipart/form-data")
    assert response.status_code == 201, response.json
    stored = db.session.get(AgencyMandate, response.json["id"])
    assert stored.content_type == "application/pdf" and stored.size == len(PDF)
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.like("agency.%"))))
    assert {"agency.project_created", "agency.mandate_uploaded"} <= actions


def test_a_mandate_that_is_not_a_checked_file_is_refused(client):
    project = new_project(client)
    response = client.post(f"/api/agency/projects/{project['id']}/mandate",
                           data={"file": (BytesIO(b"MZ not a pdf"), "委托书.pdf")},
                           headers=headers_for("agent"), content_type="multipart/form-data")
    assert response.status_code == 400 and response.json["code"] == "file_content_mismatch"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgencyMandate)) == 0


def test_bad_project_input_is_refused_with_every_problem_and_nothing_written(client):
    body = new_project(client, expect=400, kind="huge", mandateSignedOn="2026-05-01",
                       mandateScope=["NOPE-1"], name=" ")
    assert body["code"] == "invalid_agency_project"
    assert {e["field"] for e in body["errors"]} == {"kind", "mandateSignedOn", "mandateScope",
                                                   "name"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgencyProject)) == 0


def test_only_agents_and_administrators_take_on_projects(client):
    assert new_project(client, "clerk", expect=403)["code"] == "not_agency_staff"
    assert new_project(client, "supervisor", expect=403)["code"] == "not_agency_staff"
    # an agent cannot hand a project to someone else; an administrator names an agent
    assert new_project(client, expect=400, agentId=user("admin").id)["errors"][0]["field"] \
        == "agentId"
    other = second_agent()  # after the refusal: its rollback would take the new agent too
    assert new_project(client, "admin", agentId=other.id)["agent"] == "agent2"
    assert new_project(client, "admin", expect=400, agentId=user("clerk").id)["code"] \
        == "invalid_agency_project"


def test_an_agent_sees_only_own_projects_and_the_center_sees_all(client):
    mine = new_project(client)["id"]
    other = second_agent()
    theirs = new_project(client, "admin", agentId=other.id, name="另一个项目")["id"]
    listed = client.get("/api/agency/projects", headers=headers_for("agent")).json["items"]
    assert [p["id"] for p in listed] == [mine]
    assert detail(client, theirs, expect=403)["code"] == "not_your_agency_project"
    assert add_item(client, theirs, expect=403, itemCode="MSA-002")["code"] \
        == "not_your_agency_project"
    assert remind(client, theirs, 1, expect=403)["code"] == "not_your_agency_project"
    center = client.get("/api/agency/projects", headers=headers_for("admin")).json["items"]
    assert {mine, theirs} <= {p["id"] for p in center}
    # supervisors read, without the applicant's personal data, and cannot act
    seen = detail(client, mine, "supervisor")
    assert "applicantIdNumber" not in seen and "applicantContact" not in seen
    assert add_item(client, mine, expect=403, username="supervisor", itemCode="MSA-002")["code"] \
        == "not_your_agency_project"
    assert client.get("/api/agency/projects", headers=headers_for("clerk")).status_code == 403


# --- the items' cases ------------------------------------------------------------------------

def test_agent_starts_an_items_case_linked_and_marked_major_through_the_service(client):
    project = new_project(client)
    link = started(client, project["id"])
    case = case_of(link["processInstanceId"])
    assert link["majorProject"] is True and case.major_project
    assert case.applicant_name == "某某食品有限公司"
    assert case.applicant_id_number == "91330000MA2XXXXX1X"
    assert db.session.get(AgencyProjectItem, link["id"]).case_id == case.id
    assert {"agency.case_started", "case.major_project"} <= set(db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.instance_id == case.instance_id)))
    assert open_names(case.instance_id) == ["intake"]  # the window reviews as for any case


def test_window_intake_cannot_unmark_a_major_projects_case(client):
    link = started(client, new_project(client)["id"])
    response = complete(client, link["processInstanceId"], "intake", "clerk", expect=409,
                        within_remit=True, materials_received=ALL_MATERIALS)
    assert response.json["code"] == "agency_major_project"
    assert open_names(link["processInstanceId"]) == ["intake"]
    page = client.get(f"/cases/{link['processInstanceId']}", headers=headers_for("clerk")).text
    assert "年产十万吨食品加工项目" in page and "须勾选" in page  # the window is told why
    assert "/agency/projects/" not in page  # a window does not read the project's board
    accept_at_intake(client, link["processInstanceId"])
    assert case_of(link["processInstanceId"]).major_project


def test_a_major_case_the_window_never_answers_is_accepted_as_major(client, frozen_clock):
    """逾期自动受理 (art. 32) of a major project's case keeps its 30 working days (the
    process starts with the mark the agency's start gives it); a start's payload cannot set it."""
    catalog.current("MSA-002").long_decision_reason = ""  # an ordinary case: 2 working days
    db.session.commit()
    link = started(client, new_project(client)["id"])
    instance_id = link["processInstanceId"]
    frozen_clock.move_to(datetime(2026, 4, 29, 8, 0, tzinfo=LOCAL))  # 5 WD after 04-20 passed
    for due in timers.due_instance_ids(now=datetime.now(ZoneInfo("UTC"))):
        timers.fire(due, Actor.system("timer"))
    case = case_of(instance_id)
    assert case.auto_accepted and case.major_project
    complete(client, instance_id, "window_review", "clerk", review_opinion="材料齐全",
             recommendation="approve")
    # Not the 2 working days of an ordinary case: 30, longer than the item's promised 10,
    # so only the promised deadline is watched (seed 004).
    assert case_of(instance_id).decision_limit_at is None
    assert not case_of(instance_id).decision_limit_exceeded
    response = client.post("/api/process-definitions/key/service_item/start", json={
        "variables": {"item_code": "MSA-002", "applicant": {"name": "某人"},
                      "major_project": True}}, headers=headers_for("clerk"))
    assert response.status_code == 422 and response.json["code"] == "start_invalid"


def test_an_ordinary_project_does_not_make_its_cases_major(client):
    link = started(client, new_project(client, kind="ordinary")["id"])
    assert link["majorProject"] is False
    complete(client, link["processInstanceId"], "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)  # nothing to confirm
    assert not case_of(link["processInstanceId"]).major_project


def test_items_outside_the_mandate_and_bad_input_are_refused(client):
    project = new_project(client)["id"]
    assert add_item(client, project, expect=409, itemCode="MSA-001")["code"] \
        == "item_not_in_mandate"
    assert add_item(client, project, expect=400, itemCode=7)["code"] == "invalid_agency_item"
    assert add_item(client, project, expect=404, caseNo="NOPE")["code"] == "case_no_not_found"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgencyProjectItem)) == 0
    # an agent is no window: the window's own start stays closed to them
    response = client.post("/api/process-definitions/key/service_item/start",
                           json={"variables": {"item_code": "MSA-002",
                                               "applicant": {"name": "张三"}}},
                           headers=headers_for("agent"))
    assert response.status_code == 403 and response.json["code"] == "may_not_take_in"


def test_agent_links_a_case_taken_in_at_the_window_once(client):
    instance_id = start_case(client, "NRP-002")["id"]
    complete(client, instance_id, "intake", "clerk", within_remit=True,
             materials_received=required_materials("NRP-002"))
    case_no = case_of(instance_id).case_no
    project = new_project(client)["id"]
    page = f"/cases/{instance_id}"
    assert client.get(page, headers=headers_for("agent")).status_code == 403
    link = add_item(client, project, caseNo=case_no)
    assert client.get(page, headers=headers_for("agent")).status_code == 200  # theirs now
    assert link["caseId"] == case_of(instance_id).id and link["majorProject"] is True
    assert add_item(client, project, expect=409, caseNo=case_no)["code"] \
        == "case_in_agency_project"


# --- the board and the limit -----------------------------------------------------------------

def test_board_rows_show_state_step_holders_deadline_and_days_left(client, frozen_clock):
    project = new_project(client)
    link = started(client, project["id"])
    accept_at_intake(client, link["processInstanceId"])
    frozen_clock.move_to(datetime(2026, 5, 5, 10, 0, tzinfo=LOCAL))  # in the holiday week
    board = detail(client, project["id"])
    first, second = board["board"]
    case = case_of(link["processInstanceId"])
    assert first["caseNo"] == case.case_no and first["statusName"] == case.status_name
    # 10 working days from 04-20, across Labor Day: 05-07; 2 of them left on 05-05
    assert local_day(first["deadlineAt"]) == "2026-05-07"
    assert first["workingDaysLeft"] == 2 and first["flags"] == ["warning"]
    assert first["department"] == "县市场监督管理局"
    assert first["steps"] and all(s["holders"] for s in first["steps"])
    assert second["item"] == "NRP-002" and second["caseNo"] is None  # entrusted, not started
    frozen_clock.move_to(datetime(2026, 5, 8, 9, 0, tzinfo=LOCAL))
    assert detail(client, project["id"])["board"][0]["flags"] == ["overdue"]


def test_thirty_working_days_over_the_holiday_week_move_with_the_calendar(client, frozen_clock):
    project = new_project(client)
    # 30 working days after 04-20: Labor Day off (05-01, 05-04, 05-05), 05-09 worked
    assert local_day(project["limitAt"]) == "2026-06-03"
    assert project["limitWorkingDaysLeft"] == 30 and project["limitFlags"] == []
    calendar_admin.set_day("CN", date(2026, 5, 20), False, "地方节日", Actor.of(user("admin")))
    moved = detail(client, project["id"])
    assert local_day(moved["limitAt"]) == "2026-06-04" and moved["limitWorkingDaysLeft"] == 30
    frozen_clock.move_to(datetime(2026, 6, 5, 9, 0, tzinfo=LOCAL))
    assert detail(client, project["id"])["limitFlags"] == ["overdue"]
    assert new_project(client, kind="ordinary")["limitAt"] is None


# --- 催办 ------------------------------------------------------------------------------------

def test_agent_reminds_the_holders_of_the_open_step_and_the_leader(client):
    project = new_project(client)
    link = started(client, project["id"])
    sent = remind(client, project["id"], link["caseId"])
    told = {n.recipient_user_id for n in notices(link["processInstanceId"], "agency_reminder")}
    assert {user("clerk").id, user("leader").id} <= told and sent["recipients"] == len(told)
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "agency.reminded",
        AuditEvent.instance_id == link["processInstanceId"]))
    assert remind(client, project["id"], "x", expect=400)["code"] == "invalid_agency_reminder"
    assert remind(client, project["id"], 999999, expect=404)["code"] == "agency_case_not_found"


def test_the_sweep_reminds_once_near_the_case_deadline_and_the_project_limit(client, frozen_clock):
    project = new_project(client)
    link = started(client, project["id"])
    accept_at_intake(client, link["processInstanceId"])

    def swept(*when) -> list[str]:
        reminders.remind_near_limits(datetime(*when, tzinfo=LOCAL))
        return [r.kind for r in db.session.scalars(sa.select(AgencyReminder).where(
            AgencyReminder.project_id == project["id"]).order_by(AgencyReminder.id))]

    assert swept(2026, 4, 29, 9, 0) == []  # 3 working days left
    assert swept(2026, 4, 30, 9, 0) == ["case_near_deadline"]  # 2 left, over the holiday
    assert swept(2026, 5, 6, 9, 0) == ["case_near_deadline"]  # once
    assert swept(2026, 5, 26, 9, 0) == ["case_near_deadline"]  # 6 working days to 06-03
    assert swept(2026, 5, 27, 9, 0) == ["case_near_deadline", "project_near_limit"]
    assert swept(2026, 5, 28, 9, 0) == ["case_near_deadline", "project_near_limit"]
    told = {n.recipient_user_id for n in notices(link["processInstanceId"], "agency_reminder")}
    assert user("agent").id in told


def test_the_supervision_sweep_runs_the_agency_step(client):
    from app.services.supervision import sweep
    link = started(client, new_project(client)["id"])
    accept_at_intake(client, link["processInstanceId"])
    done = sweep.run(datetime(2026, 5, 6, 9, 0, tzinfo=LOCAL))
    assert done["agency_reminders"] == 1
    assert sweep.run(datetime(2026, 5, 6, 10, 0, tzinfo=LOCAL))["agency_reminders"] == 0


def test_a_closed_project_takes_no_more_items_or_reminders(client):
    project = new_project(client)["id"]
    link = started(client, project)
    closed = client.post(f"/api/agency/projects/{project}/close", json={"status": "terminated"},
                         headers=headers_for("agent"))
    assert closed.status_code == 200 and closed.json["status"] == "terminated"
    assert add_item(client, project, expect=409, itemCode="NRP-002")["code"] \
        == "agency_project_closed"
    assert remind(client, project, link["caseId"], expect=409)["code"] == "agency_project_closed"
    again = client.post(f"/api/agency/projects/{project}/close", json={"status": "open"},
                        headers=headers_for("agent"))
    assert again.status_code == 400 and again.json["code"] == "invalid_agency_status"
    assert reminders.remind_near_limits(datetime(2026, 5, 6, 9, 0, tzinfo=LOCAL)) == 0
