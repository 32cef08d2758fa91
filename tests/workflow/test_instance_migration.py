"""Moving instances to a newer version of their process (实例迁移), reloading the stored
workflow after every step."""
from pathlib import Path

import sqlalchemy as sa

from app.models import AuditEvent, ProcessInstance, db
from app.services.workflow import deployment, instances
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (ALL_MATERIALS, assert_round_trip, complete,
                                            instance_state, open_names, open_task, start_case)
from tests.conftest import deploy_test_file, headers_for
from tests.workflow.test_admin_pages import admin, frozen_clock  # noqa: F401  the clock is autouse

SERVICE_ITEM = Path(__file__).parents[2] / "processes" / "service_item.bpmn"


def start_demo(client) -> int:
    deploy_test_file("migration_v1.bpmn")
    response = client.post("/api/process-definitions/key/migration_demo/start",
                           json={"variables": {"department_id": None}},
                           headers=headers_for("clerk"))
    assert response.status_code == 201, response.json
    assert_round_trip(response.json["id"])
    return response.json["id"]


def migrate(client, instance_id: int, version, headers=None):
    return client.post(f"/api/process-instances/{instance_id}/migrate", json={"version": version},
                       headers=headers or admin())


def stored(instance_id: int) -> ProcessInstance:
    instance = db.session.get(ProcessInstance, instance_id)
    db.session.refresh(instance)
    return instance


def migrations(instance_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action == "instance.migrated")))


def test_running_instance_continues_and_completes_on_the_new_version(client):
    instance_id = start_demo(client)
    review = open_task(instance_id, "review")
    deploy_test_file("migration_v2_added_step.bpmn")
    response = migrate(client, instance_id, 2)
    assert response.status_code == 200, response.json
    assert response.json["version"] == 2
    assert_round_trip(instance_id)
    moved = open_task(instance_id, "review")
    assert moved.id == review.id and moved.title == "审查材料"  # same task, the new label
    [event] = migrations(instance_id)
    assert (event.detail["from_version"], event.detail["to_version"]) == (1, 2)
    assert event.actor == "admin"
    complete(client, instance_id, "review", "clerk")
    complete(client, instance_id, "approve", "clerk")
    assert instance_state(instance_id) == "completed"
    assert instances.variables(stored(instance_id))["archived"] is True  # v2's added step ran


def test_version_without_the_active_task_is_refused_and_nothing_changes(client):
    instance_id = start_demo(client)
    before = stored(instance_id)
    definition_id, document, lock = before.definition_id, before.workflow_json, before.lock_version
    deploy_test_file("migration_v2_removed_task.bpmn")
    response = migrate(client, instance_id, 2)
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "migration_elements_missing"
    assert {"element": "review", "states": ["READY"]} in response.json["errors"]
    assert "review" in response.json["detail"]
    after = stored(instance_id)
    assert (after.definition_id, after.workflow_json, after.lock_version) == (
        definition_id, document, lock)
    assert open_names(instance_id) == ["review"] and not migrations(instance_id)


def test_version_without_an_element_already_completed_is_refused_too(client):
    """SpiffWorkflow resolves the spec of every task it loads, finished ones included."""
    instance_id = start_demo(client)
    complete(client, instance_id, "review", "clerk")
    deploy_test_file("migration_v2_removed_task.bpmn")
    response = migrate(client, instance_id, 2)
    assert response.status_code == 409
    assert response.json["errors"] == [{"element": "review", "states": ["COMPLETED"]}]
    assert stored(instance_id).definition.version == 1


def test_only_newer_versions_of_the_same_process_are_targets(client):
    instance_id = start_demo(client)
    assert migrate(client, instance_id, 1).json["code"] == "version_not_newer"
    assert migrate(client, instance_id, 7).json["code"] == "version_not_found"
    assert migrate(client, instance_id, "two").json["code"] == "invalid_version"
    assert migrate(client, instance_id, True).status_code == 400


def test_non_administrators_cannot_migrate(client):
    instance_id = start_demo(client)
    deploy_test_file("migration_v2_added_step.bpmn")
    response = migrate(client, instance_id, 2, headers=headers_for("clerk"))
    assert response.status_code == 403 and response.json["code"] == "not_admin"
    assert stored(instance_id).definition.version == 1
    page = client.post(f"/admin/instances/{instance_id}/migrate", data={"version": "2"},
                       headers=headers_for("designer"))
    assert page.status_code == 403


def test_completed_instance_is_refused(client):
    instance_id = start_demo(client)
    complete(client, instance_id, "review", "clerk")
    complete(client, instance_id, "approve", "clerk")
    deploy_test_file("migration_v2_added_step.bpmn")
    response = migrate(client, instance_id, 2)
    assert response.status_code == 409 and response.json["code"] == "instance_not_migratable"
    assert stored(instance_id).definition.version == 1


def test_suspended_instance_moves_and_stays_suspended(client):
    instance_id = start_demo(client)
    client.post(f"/api/process-instances/{instance_id}/suspend", headers=admin())
    deploy_test_file("migration_v2_added_step.bpmn")
    assert migrate(client, instance_id, 2).status_code == 200
    assert instance_state(instance_id) == "suspended" and open_names(instance_id) == ["review"]


def test_promise_case_inside_its_sub_process_moves_with_its_timers(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    timer_before = stored(case_id).next_timer_at
    changed = SERVICE_ITEM.read_bytes().replace('name="部门审批决定"'.encode(),
                                                'name="部门审批决定（新版）"'.encode())
    [deployed] = deployment.deploy([("service_item.bpmn", changed)], Actor.system("tests"))
    response = migrate(client, case_id, deployed.definition.version)
    assert response.status_code == 200, response.json
    assert_round_trip(case_id)
    assert stored(case_id).next_timer_at == timer_before  # 预警 and 逾期 still wait
    complete(client, case_id, "window_review", "clerk", review_opinion="材料齐全",
             recommendation="approve")
    assert open_task(case_id, "department_decision").title == "部门审批决定（新版）"
    complete(client, case_id, "department_decision", "leader", decision="approve")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert instance_state(case_id) == "completed"


def test_admin_page_lists_newer_versions_and_migrates(client):
    instance_id = start_demo(client)
    page = client.get(f"/admin/instances/{instance_id}", headers=admin()).text
    assert "没有比 v1 更新的版本" in page
    deploy_test_file("migration_v2_added_step.bpmn")
    page = client.get(f"/admin/instances/{instance_id}", headers=admin()).text
    assert f'action="/admin/instances/{instance_id}/migrate"' in page and 'value="2"' in page
    unconfirmed = client.post(f"/admin/instances/{instance_id}/migrate",
                              data={"version": "2"}, headers=admin())
    assert unconfirmed.status_code == 400 and stored(instance_id).definition.version == 1
    done = client.post(f"/admin/instances/{instance_id}/migrate",
                       data={"version": "2", "confirm": "yes"}, headers=admin())
    assert done.status_code == 303 and "outcome=migrated" in done.location
    assert "已迁移到新版本" in client.get(done.location, headers=admin()).text
    assert stored(instance_id).definition.version == 2


def test_admin_page_shows_why_a_migration_was_refused(client):
    instance_id = start_demo(client)
    deploy_test_file("migration_v2_removed_task.bpmn")
    refused = client.post(f"/admin/instances/{instance_id}/migrate",
                          data={"version": "2", "confirm": "yes"}, headers=admin())
    assert refused.status_code == 409 and "review (READY)" in refused.text
    assert "第 2 版已没有该流程实例已到达或可能到达的元素，不能迁移：review (READY)" in refused.text
    assert stored(instance_id).definition.version == 1
