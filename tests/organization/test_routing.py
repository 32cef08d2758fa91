"""Lanes name roles; a task nobody else can act on goes to the center administrators."""
from app.services.workflow import instances, tasks
from app.services.workflow.actor import Actor
from tests.conftest import deploy_test_file, user


def test_task_without_lane_is_offered_to_administrators(session):
    deploy_test_file("data_types.bpmn")  # its user task has no lane
    instance = instances.start("data_types", Actor.system("tests"),
                               variables={"cfg": {"level1": {"x": 1}}, "fee": 1})
    assert [t.name for t in tasks.inbox(user("clerk")) if t.instance_id == instance.id] == []
    [task] = [t for t in tasks.inbox(user("admin")) if t.instance_id == instance.id]
    assert task.candidate_role == "center_admin"
    tasks.complete(task.id, {}, Actor.of(user("admin")))
    assert instances.execution.get_instance(instance.id).state == "completed"


def test_lane_whose_role_nobody_holds_falls_back_to_administrators(session):
    from app.services.organization import routing
    from app.services.organization.routing import Assignment
    for member in routing.holders("committee_member", None):
        member.active = False  # rolled back with the test's savepoint
    assert routing.route("committee_member", {}) == Assignment("center_admin", None)
    assert routing.route("no_such_role", {}) == Assignment("center_admin", None)
    assert routing.route("approving_leader", {"department_id": 1}) == Assignment(
        "approving_leader", 1)
