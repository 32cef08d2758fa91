"""Suspend, resume and terminate: audited, refused where they do not apply."""
import pytest
import sqlalchemy as sa

from app.models import AuditEvent, db
from tests.cases.service_item_steps import ALL_MATERIALS, open_task, start_case
from tests.conftest import headers_for

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")


def test_suspended_instance_refuses_completion_until_resumed(client):
    case_id = start_case(client, "MSA-001")["id"]
    admin = headers_for("admin")
    assert client.post(f"/api/process-instances/{case_id}/suspend", headers=admin).status_code == 200
    task = open_task(case_id, "intake")
    body = {"variables": {"within_remit": True, "materials_received": ALL_MATERIALS}}
    response = client.post(f"/api/tasks/{task.id}/complete", json=body, headers=headers_for("clerk"))
    assert response.status_code == 409 and response.json["code"] == "instance_suspended"
    again = client.post(f"/api/process-instances/{case_id}/suspend", headers=admin)
    assert again.status_code == 409
    assert client.post(f"/api/process-instances/{case_id}/resume", headers=admin).status_code == 200
    done = client.post(f"/api/tasks/{task.id}/complete", json=body, headers=headers_for("clerk"))
    assert done.status_code == 200
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.instance_id == case_id)).all()
    assert {"instance.suspended", "instance.resumed", "task.completed"} <= set(actions)


def test_terminate_needs_reason_and_cancels_tasks(client):
    case_id = start_case(client, "MSA-001")["id"]
    admin = headers_for("admin")
    no_reason = client.post(f"/api/process-instances/{case_id}/terminate", json={}, headers=admin)
    assert no_reason.status_code == 400
    done = client.post(f"/api/process-instances/{case_id}/terminate",
                       json={"reason": "申请人撤回"}, headers=admin)
    assert done.status_code == 200 and done.json["state"] == "terminated"
    assert client.get(f"/api/tasks?processInstanceId={case_id}",
                      headers=admin).json["items"] == []


def test_only_administrators_act_on_instances(client):
    case_id = start_case(client, "MSA-001")["id"]
    response = client.post(f"/api/process-instances/{case_id}/suspend", headers=headers_for("clerk"))
    assert response.status_code == 403
