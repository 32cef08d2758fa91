"""Helpers that drive the 即办件/承诺件 process through the API, as a window would."""
from __future__ import annotations

import sqlalchemy as sa

from app.engine import runtime, serializer
from app.models import Case, HumanTask, Notification, ProcessInstance, db
from app.services.workflow import execution
from tests.conftest import headers_for

ALL_MATERIALS = ["application_form", "id_card", "premises_proof"]  # of the MSA shop items


def required_materials(item_code: str) -> list[str]:
    from app.services import catalog
    return [m["code"] for m in catalog.current(item_code).materials if m.get("required")]


def assert_round_trip(instance_id: int) -> None:
    """The stored workflow reloads and serializes back to the same document."""
    instance = db.session.get(ProcessInstance, instance_id)
    process = execution.compiled_for(instance.definition)
    reloaded = runtime.load(instance.workflow_json, process)
    # Compared as documents: the order of subprocess entries may differ between dumps.
    assert (serializer.document(runtime.dump(reloaded))
            == serializer.document(instance.workflow_json))


def start_case(client, item_code: str, **applicant) -> dict:
    applicant = {"name": "张三", "phone": "13800000000", **applicant}
    return start_process(client, "service_item", item_code, "clerk", applicant)


def start_process(client, key: str, item_code: str, username: str, applicant: dict) -> dict:
    """Start `key` for an item as `username` would at the window; the instance as JSON."""
    response = client.post(f"/api/process-definitions/key/{key}/start",
                           json={"variables": {"item_code": item_code, "applicant": applicant}},
                           headers=headers_for(username))
    assert response.status_code == 201, response.json
    assert_round_trip(response.json["id"])
    return response.json


def open_task(instance_id: int, name: str) -> HumanTask:
    task = db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.name == name, HumanTask.state == "open"))
    assert task is not None, f"no open task {name}; open: {open_names(instance_id)}"
    return task


def open_names(instance_id: int) -> list[str]:
    return sorted(db.session.scalars(sa.select(HumanTask.name).where(
        HumanTask.instance_id == instance_id, HumanTask.state == "open")))


def complete(client, instance_id: int, name: str, username: str, expect: int = 200,
             **variables):
    task = open_task(instance_id, name)
    response = client.post(f"/api/tasks/{task.id}/complete", json={"variables": variables},
                           headers=headers_for(username))
    assert response.status_code == expect, response.json
    assert_round_trip(instance_id)
    return response


def case_of(instance_id: int) -> Case:
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == instance_id))
    db.session.refresh(case)
    return case


def notices(instance_id: int, kind: str, channel: str = "in_app") -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.instance_id == instance_id, Notification.kind == kind,
        Notification.channel == channel)))


def instance_state(instance_id: int) -> str:
    instance = db.session.get(ProcessInstance, instance_id)
    db.session.refresh(instance)
    return instance.state


def task_titles(instance_id: int) -> list[str]:
    """The titles of the case's steps: process data, which the case's record names."""
    return list(db.session.scalars(sa.select(HumanTask.title).where(
        HumanTask.instance_id == instance_id)))
