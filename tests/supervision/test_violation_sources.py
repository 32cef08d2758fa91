"""The sweep's step "violations_from_records": a refusal without its 否定报备, a late 整改
and a post nobody covers are recorded once each however often the sweep runs."""
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Absence, Violation, db
from app.models.accountability import ABSENCE_UNCOVERED, DENIAL_REPORT, LATE_RECTIFICATION
from app.services.evaluation import rating
from app.services.supervision import sweep, violation_sources
from tests.cases.service_item_steps import case_of, complete, start_case
from tests.conftest import user
from tests.evaluation.steps import concluded_case
from tests.supervision.steps import unit

LOCAL = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=LOCAL)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def of_kind(kind: str) -> list[Violation]:
    return list(db.session.scalars(sa.select(Violation).where(Violation.kind == kind)))


def run_twice(now: datetime) -> None:
    assert "violations_from_records" in sweep.STEPS
    for _ in range(2):
        assert sweep.run(now)["violations_from_records"] is not None


def refused_case(client) -> int:
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=False, materials_received=[],
             refusal_reasons="属于县卫生健康局职权", redirect_to="县卫生健康局")
    return case_id


def test_a_refusal_the_window_could_make_alone_is_no_violation(client):
    refused_case(client)
    run_twice(datetime.now(LOCAL))
    assert of_kind(DENIAL_REPORT) == []


def test_a_refusal_without_power_and_without_report_is_recorded_once(client, monkeypatch):
    case_id = refused_case(client)
    # the unit's letter (授权书) withdrawn: the window held no 受理决定权 that day
    monkeypatch.setattr(violation_sources.authorization, "valid_letter", lambda *args: None)
    run_twice(datetime.now(LOCAL))
    [violation] = of_kind(DENIAL_REPORT)
    assert violation.case_id == case_of(case_id).id and violation.staff_id == user("clerk").id
    assert violation.department_id == unit("MSA").id


def test_a_rectification_past_due_is_recorded_once(client, frozen_clock):
    case = concluded_case(client)
    evaluation = rating.rate(case, 1, ["convenience"], "材料要求反复", "sms")
    due = evaluation.rectification.due_at
    run_twice(due - timedelta(minutes=1))
    assert of_kind(LATE_RECTIFICATION) == []
    frozen_clock.move_to(due + timedelta(hours=1))
    run_twice(due + timedelta(hours=1))
    [violation] = of_kind(LATE_RECTIFICATION)
    assert violation.department_id == case.item.department_id and violation.case_id == case.id


def test_a_post_with_both_holders_away_is_recorded_once(client):
    today = date(2026, 3, 2)
    db.session.add(Absence(user_id=user("clerk").id, starts_on=today, ends_on=today, reason="leave"))
    db.session.flush()
    run_twice(datetime.now(LOCAL))
    assert of_kind(ABSENCE_UNCOVERED) == []  # msa_b stands in
    db.session.add(Absence(user_id=user("msa_b").id, starts_on=today, ends_on=today, reason="sick"))
    db.session.flush()
    run_twice(datetime.now(LOCAL))
    # one empty post, one violation, however many of its holders are away
    assert [v.department_id for v in of_kind(ABSENCE_UNCOVERED)] == [unit("MSA").id]


def test_a_check_finding_past_due_is_recorded_once(client):
    from app.models import CheckFinding
    from app.services.supervision import inspections
    from app.services.workflow.actor import Actor
    from tests.supervision.inspection_steps import concluded_cases, local, post
    with time_machine.travel(local(2026, 12, 2, 9), tick=False):
        concluded_cases("MSA-001", local(2026, 11, 10), 1)
        check = inspections.draw("2026-11", Actor.of(user("supervisor"))).checks[0]
        post(client, f"/supervision/checks/{check.id}/checklist", "supervisor",
             materials="fail", materials_note="缺少身份证明", time_limits="pass",
             notices="pass", signatures="pass")
    finding = db.session.scalar(sa.select(CheckFinding))
    run_twice(finding.due_at - timedelta(minutes=1))
    assert of_kind(LATE_RECTIFICATION) == []
    run_twice(finding.due_at + timedelta(hours=1))
    [violation] = of_kind(LATE_RECTIFICATION)
    assert violation.department_id == finding.department_id and "缺少身份证明" in violation.description
