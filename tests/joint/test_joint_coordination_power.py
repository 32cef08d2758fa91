"""协调处置权 (seed 003) decides who coordinates a joint case's dissent: the lead window under
a letter granting it over the item, otherwise the lead department's approving leader."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, HumanTask, db
from tests.cases.service_item_steps import open_task
from tests.committee.committee_steps import department, reissue_letter
from tests.conftest import headers_for
from tests.joint.joint_steps import complete_named, rejected_by_hea

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOTES = {"coordination_outcome": "resolved_agree", "coordination_notes": "联合踏勘后改为同意"}


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI), tick=False) as t:
        yield t


def _holder(task: HumanTask) -> tuple:
    db.session.refresh(task)
    return task.candidate_role, task.candidate_department_id


def test_without_coordination_power_the_leader_coordinates(client):
    letter = reissue_letter("MSA", {"MSA-005": ["acceptance", "delivery"]}, "chief")
    letter.management_powers = ["liaison"]  # the chief still answers for MSA (参与联办)
    db.session.commit()
    case_id = rejected_by_hea(client)
    task = open_task(case_id, "coordinate")
    assert _holder(task) == ("approving_leader", department("MSA").id)
    page = client.get(f"/tasks/{task.id}", headers=headers_for("leader"))
    assert "未授予事项 MSA-005 的协调处置权，牵头协调由分管领导办理" in page.text
    complete_named(client, case_id, "coordinate", "clerk", expect=403, **NOTES)
    complete_named(client, case_id, "coordinate", "leader", **NOTES)


def test_a_lapsed_letter_moves_the_windows_coordination_to_the_leader(client, clock):
    case_id = rejected_by_hea(client)
    task = open_task(case_id, "coordinate")
    assert _holder(task) == ("window_clerk", department("MSA").id)
    clock.move_to(datetime(2027, 1, 4, 9, 0, tzinfo=SHANGHAI))  # the year's letter ran out
    refused = client.post(f"/api/tasks/{task.id}/complete", headers=headers_for("clerk"),
                          json={"variables": NOTES})
    assert refused.status_code == 403 and refused.json["code"] == "coordination_power_missing"
    assert _holder(task)[0] == "approving_leader"
    assert db.session.scalar(sa.select(AuditEvent.detail).where(
        AuditEvent.task_id == task.id, AuditEvent.action == "task.rerouted"))["reason"] == \
        "本部门 2027-01-04 无有效授权书，牵头协调由分管领导办理"
    complete_named(client, case_id, "coordinate", "leader", **NOTES)
