"""Cases started on the service_item version before the law-intake timers keep working on
it, and can be moved to the new version where their task tree allows."""
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.models import ProcessInstance, db
from app.services.workflow import deployment
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (ALL_MATERIALS, assert_round_trip, case_of, complete,
                                            instance_state, open_names, start_case)
from tests.conftest import DATA, headers_for

CURRENT = Path(__file__).parents[2] / "processes" / "service_item.bpmn"
BEFORE = DATA / "service_item_before_law_intake.bpmn"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai")),
                             tick=False) as traveller:
        yield traveller


def _deploy(path: Path) -> int:
    [deployed] = deployment.deploy([("service_item.bpmn", path.read_bytes())],
                                   Actor.system("tests"))
    return deployed.definition.version


def _version(instance_id: int) -> int:
    instance = db.session.get(ProcessInstance, instance_id)
    db.session.refresh(instance)
    return instance.definition.version


def test_a_case_on_the_previous_version_runs_to_the_end_there(client):
    old = _deploy(BEFORE)
    case_id = start_case(client, "MSA-002")["id"]
    assert _version(case_id) == old
    new = _deploy(CURRENT)
    assert new > old
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert case_of(case_id).status_code == 3 and case_of(case_id).decision_limit_at is None
    complete(client, case_id, "window_review", "clerk", review_opinion="同意",
             recommendation="approve")
    complete(client, case_id, "department_decision", "leader", decision="approve")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert instance_state(case_id) == "completed" and _version(case_id) == old


def test_a_case_in_handling_moves_to_the_new_version(client):
    _deploy(BEFORE)
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    new = _deploy(CURRENT)
    response = client.post(f"/api/process-instances/{case_id}/migrate", json={"version": new},
                           headers=headers_for("admin"))
    assert response.status_code == 200, response.json
    assert_round_trip(case_id)
    complete(client, case_id, "window_review", "clerk", review_opinion="同意",
             recommendation="approve")
    complete(client, case_id, "department_decision", "leader", decision="approve")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert instance_state(case_id) == "completed" and _version(case_id) == new


def test_a_case_waiting_at_intake_is_refused_until_it_is_past_intake(client):
    """Its intake was started without the art. 32 timers: moving it then would break the
    engine's join of those timers, so the migration is refused and the case goes on."""
    _deploy(BEFORE)
    case_id = start_case(client, "MSA-002")["id"]
    new = _deploy(CURRENT)
    response = client.post(f"/api/process-instances/{case_id}/migrate", json={"version": new},
                           headers=headers_for("admin"))
    assert response.status_code == 409 and response.json["code"] == "migration_incompatible"
    assert "intake" in response.json["detail"] and _version(case_id) < new
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert open_names(case_id) == ["window_review"]
    moved = client.post(f"/api/process-instances/{case_id}/migrate", json={"version": new},
                        headers=headers_for("admin"))
    assert moved.status_code == 200, moved.json


def test_a_moved_case_still_meets_its_overdue_timer(client, frozen_clock):
    from app.services.workflow import timers
    _deploy(BEFORE)
    case_id = start_case(client, "MSA-002")["id"]  # 超时默认
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    new = _deploy(CURRENT)
    assert client.post(f"/api/process-instances/{case_id}/migrate", json={"version": new},
                       headers=headers_for("admin")).status_code == 200
    frozen_clock.move_to(datetime(2026, 3, 17, 8, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert timers.fire(case_id, Actor.system("timer"))
    case = case_of(case_id)
    assert case.overdue and case.decision == "deemed_approved"
    assert open_names(case_id) == ["deliver"]
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert instance_state(case_id) == "completed"
