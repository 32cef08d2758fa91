"""Helpers that drive the 联审联办 process through the API, as the windows would."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import Department, HumanTask, JointOpinion, db
from tests.cases.service_item_steps import assert_round_trip, required_materials, start_process
from tests.conftest import headers_for

CHIEFS = {"MSA": "chief", "HEA": "hea_chief", "HCD": "hcd_chief", "NRP": "nrp_chief",
          "TRA": "tra_chief", "CUL": "cul_chief", "HRS": "hrs_chief", "EDU": "edu_chief"}


def start_joint(client, item_code: str = "MSA-005", username: str = "clerk") -> int:
    return start_process(client, "joint_approval", item_code, username,
                         {"name": "李四餐饮有限公司", "phone": "13900000000"})["id"]


def accept(client, instance_id: int, item_code: str = "MSA-005", username: str = "clerk"):
    complete_named(client, instance_id, "intake", username, within_remit=True,
                   materials_received=required_materials(item_code))


def department_id(code: str) -> int:
    return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def branch_task(instance_id: int, code: str, name: str = "department_opinion") -> HumanTask:
    task = db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.name == name,
        HumanTask.department_id == department_id(code), HumanTask.state == "open"))
    assert task is not None, f"no open {name} for {code}"
    return task


def complete_task(client, task: HumanTask, username: str, expect: int = 200, **variables):
    response = client.post(f"/api/tasks/{task.id}/complete", json={"variables": variables},
                           headers=headers_for(username))
    assert response.status_code == expect, response.json
    assert_round_trip(task.instance_id)
    return response


def complete_named(client, instance_id: int, name: str, username: str, expect: int = 200,
                   **variables):
    task = db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.name == name, HumanTask.state == "open"))
    assert task is not None, f"no open task {name}"
    return complete_task(client, task, username, expect, **variables)


def answer(client, instance_id: int, code: str, decision: str = "agree", **fields):
    complete_task(client, branch_task(instance_id, code), CHIEFS[code],
                  opinion_decision=decision, **fields)


def rejected_by_hea(client) -> int:
    """A joint case in which HEA rejected and the others agreed."""
    case_id = start_joint(client)
    accept(client, case_id)
    answer(client, case_id, "MSA")
    answer(client, case_id, "HCD")
    answer(client, case_id, "HEA", "reject", opinion_reasons="排水设施不符合卫生要求",
           opinion_legal_basis="《公共场所卫生管理条例》第七条")
    return case_id


def opinion_states(instance_id: int) -> dict[str, str]:
    rows = db.session.scalars(sa.select(JointOpinion).where(JointOpinion.instance_id == instance_id)
                              .execution_options(populate_existing=True))
    return {row.department.code: row.state for row in rows}
