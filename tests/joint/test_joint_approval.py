"""联审联办: one window accepts, the departments answer in parallel, absent ones are deemed to
agree without losing the others' opinions, conflicts are coordinated, one unified reply."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.engine import runtime
from app.models import AuditEvent, Department, HumanTask, ProcessInstance, db
from app.services import calendar, catalog
from app.services.workflow import execution, instances, timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import case_of, instance_state, notices, open_names
from tests.conftest import user
from tests.joint.joint_steps import (CHIEFS, accept, answer, branch_task, complete_named,
                                     complete_task, department_id, opinion_states, start_joint)

TIMER = Actor.system("timer")
MINUTE = timedelta(minutes=1)  # timers fire once their instant has passed
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_every_department_gets_its_branch_with_its_own_deadline(client):
    case_id = start_joint(client)
    accept(client, case_id)
    assert open_names(case_id) == ["department_opinion"] * 3
    limits = {"MSA": 8, "HEA": 7, "HCD": 5}  # the item's 8 days, and HEA:7, HCD:5
    for code, days in limits.items():
        task = branch_task(case_id, code)
        expected = calendar.add_working_days(MONDAY, days)
        assert task.due_at == expected
        assert task.assignee_id is not None  # the chief representative (liaison power)
    case = case_of(case_id)
    assert case.deadline_at == calendar.add_working_days(MONDAY, 8)  # the longest
    assert opinion_states(case_id) == {"MSA": "pending", "HEA": "pending", "HCD": "pending"}
    accepted = notices(case_id, "accepted")[0]
    assert "承诺时限 8 个工作日" in accepted.body


def test_all_agree_goes_straight_to_the_unified_decision(client):
    case_id = start_joint(client)
    accept(client, case_id)
    for code in ("MSA", "HEA", "HCD"):
        answer(client, case_id, code)
    assert open_names(case_id) == ["unified_decision"]
    decision = db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == case_id, HumanTask.name == "unified_decision"))
    assert decision.department_id == department_id("MSA")  # the lead department decides
    complete_named(client, case_id, "unified_decision", "chief", decision="approve")
    complete_named(client, case_id, "deliver", "clerk", delivery_method="window")
    assert instance_state(case_id) == "completed"
    assert case_of(case_id).decision == "approve"
    assert opinion_states(case_id) == {"MSA": "agreed", "HEA": "agreed", "HCD": "agreed"}


def test_a_department_cannot_answer_for_another(client):
    case_id = start_joint(client)
    accept(client, case_id)
    complete_task(client, branch_task(case_id, "HEA"), "hcd_chief", expect=403,
                  opinion_decision="agree")
    assert opinion_states(case_id)["HEA"] == "pending"


def test_reject_needs_reasons_and_legal_basis(client):
    case_id = start_joint(client)
    accept(client, case_id)
    response = complete_task(client, branch_task(case_id, "HEA"), "hea_chief", expect=400,
                             opinion_decision="reject")
    fields = {e["field"] for e in response.json["errors"]}
    assert {"opinion_reasons", "opinion_legal_basis"} <= fields


def test_absent_departments_are_deemed_and_the_real_opinions_are_kept(client, clock):
    case_id = start_joint(client)
    accept(client, case_id)
    answer(client, case_id, "MSA", "conditional", opinion_conditions="取得健康证后开业")
    # HCD's deadline (5 working days) passes; the worker fires the timer.
    clock.move_to(calendar.add_working_days(MONDAY, 5) + MINUTE)
    assert case_id in timers.due_instance_ids()
    timers.fire(case_id, TIMER)
    states = opinion_states(case_id)
    assert states == {"MSA": "conditional", "HEA": "pending", "HCD": "deemed"}
    deemed_notices = notices(case_id, "deemed_approved")
    assert deemed_notices and all("缺席默认" in n.body for n in deemed_notices)
    clock.move_to(calendar.add_working_days(MONDAY, 7) + MINUTE)
    timers.fire(case_id, TIMER)
    assert opinion_states(case_id)["HEA"] == "deemed"
    # The conditional opinion sends the case to the lead window; deemed ones file formally.
    assert sorted(open_names(case_id)) == ["coordinate", "formal_opinion", "formal_opinion"]
    case = case_of(case_id)
    names = {db.session.get(Department, department_id(c)).name for c in ("HEA", "HCD")}
    assert set(case.responsible_unit.split("、")) == names  # both bear the consequences
    complete_task(client, branch_task(case_id, "HCD", "formal_opinion"), "hcd_chief",
                  opinion_decision="agree")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.instance_id == case_id, AuditEvent.action == "joint.formal_opinion")) == 1


def test_instructions_are_filled_in_with_the_case(client):
    case_id = start_joint(client)
    [intake] = db.session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == case_id))
    assert "「开办餐饮店“一件事”联办」" in intake.instructions
    assert "{{" not in intake.instructions


def test_three_of_five_answer_and_the_worker_deems_the_other_two(client, clock):
    from workers.tasks import fire_timer
    fields = {**catalog.as_fields(catalog.current("MSA-005")), "code": "MSA-095",
              "basic_code": "MSA-095", "joint_departments": ["HEA:5", "HCD:5", "NRP:5", "TRA:5"]}
    catalog.create(fields, Actor.system("tests"))
    case_id = start_joint(client, "MSA-095")
    accept(client, case_id, "MSA-095", "leader")  # a new item no letter names: 受理决定权
    answer(client, case_id, "MSA", "conditional", opinion_conditions="开业前完成消防验收")
    answer(client, case_id, "HEA")
    answer(client, case_id, "NRP")
    clock.move_to(calendar.add_working_days(MONDAY, 5) + MINUTE)
    assert case_id in timers.due_instance_ids()
    fire_timer(case_id)  # the worker's task body, as the beat sweep would queue it
    assert opinion_states(case_id) == {"MSA": "conditional", "HEA": "agreed", "NRP": "agreed",
                                       "HCD": "deemed", "TRA": "deemed"}
    told = {n.recipient_user_id for n in notices(case_id, "deemed_approved")}
    for code in ("HCD", "TRA"):  # each absent department's chief is sent the notice
        assert user(CHIEFS[code]).id in told
    data = instances.variables(db.session.get(ProcessInstance, case_id))
    kept = {o["department_id"]: o for o in data["opinions"]}
    assert kept[department_id("MSA")]["conditions"] == "开业前完成消防验收"
    assert [kept[department_id(c)]["deemed"] for c in ("HEA", "NRP", "HCD", "TRA")] == [
        False, False, True, True]
    assert sorted(open_names(case_id)) == ["coordinate", "formal_opinion", "formal_opinion"]


def test_a_worker_that_did_not_create_the_branches_still_collects_the_opinions(client):
    """SpiffWorkflow hooks the multi-instance merge up only where it creates the children;
    another worker process (compiled specs of its own) must merge the outputs too."""
    case_id = start_joint(client)
    accept(client, case_id)
    runtime._cache.clear()  # as in a worker that has not run this process yet
    for code in ("MSA", "HEA", "HCD"):
        answer(client, case_id, code)
    instance = db.session.get(ProcessInstance, case_id)
    workflow = runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))
    waiting = runtime.ready_user_tasks(workflow)  # the steps after the collection carry it
    assert waiting and all(sorted(o["department_id"] for o in t.data["opinions"]) == sorted(
        department_id(c) for c in ("MSA", "HEA", "HCD")) for t in waiting)
