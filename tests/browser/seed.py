"""Cases brought to the step a journey starts from, through the services as the people
before would have done it (the window accepts, reviews; the departments answer)."""
from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from app.models import Case, Department, HumanTask, User, db
from app.services import catalog
from app.services.workflow import instances, tasks
from app.services.workflow.actor import Actor

JOINT_ITEM = "MSA-005"  # 开办餐饮店“一件事”联办: MSA leads, HEA and HCD take part
CHIEFS = {"MSA": "chief", "HEA": "hea_chief", "HCD": "hcd_chief"}


def actor(username: str) -> Actor:
    return Actor.of(db.session.scalar(sa.select(User).where(User.username == username)))


def open_task(instance_id: int, name: str, department: str | None = None) -> HumanTask:
    query = sa.select(HumanTask).where(HumanTask.instance_id == instance_id,
                                       HumanTask.name == name, HumanTask.state == "open")
    if department is not None:
        query = query.join(Department, Department.id == HumanTask.department_id).where(
            Department.code == department)
    tasks_found = list(db.session.scalars(query))
    assert len(tasks_found) == 1, f"open {name} ({department or 'any'}): {tasks_found}"
    return tasks_found[0]


def complete(instance_id: int, name: str, username: str, department: str | None = None,
             **variables) -> None:
    tasks.complete(open_task(instance_id, name, department).id, variables, actor(username))


def accepted(app, item_code: str, applicant: str, process: str = "service_item") -> int:
    """A case of `item_code` the MSA window (`clerk`) has accepted (受理); its instance id."""
    with app.app_context():
        instance = instances.start(process, Actor.system("browser-tests"), variables={
            "item_code": item_code, "applicant": {"name": applicant, "phone": "13500000000"}})
        required = [m["code"] for m in catalog.current(item_code).materials if m.get("required")]
        complete(instance.id, "intake", "clerk", within_remit=True, materials_received=required)
        return instance.id


def reviewed(app, item_code: str, applicant: str, opinion: str) -> SimpleNamespace:
    """Accepted and reviewed by the window with 建议准予: the decision task is open."""
    instance_id = accepted(app, item_code, applicant)
    with app.app_context():
        complete(instance_id, "window_review", "clerk", review_opinion=opinion,
                 recommendation="approve")
        return _case(instance_id)


def joint_with_a_rejection(app, applicant: str, reasons: str,
                           conditions: str) -> SimpleNamespace:
    """A 联办件 MSA agreed to, HCD with `conditions` and HEA rejected for `reasons`:
    牵头窗口协调 is open for the MSA window, the lead."""
    instance_id = accepted(app, JOINT_ITEM, applicant, process="joint_approval")
    with app.app_context():
        complete(instance_id, "department_opinion", CHIEFS["MSA"], "MSA",
                 opinion_decision="agree")
        complete(instance_id, "department_opinion", CHIEFS["HCD"], "HCD",
                 opinion_decision="conditional", opinion_conditions=conditions)
        complete(instance_id, "department_opinion", CHIEFS["HEA"], "HEA",
                 opinion_decision="reject", opinion_reasons=reasons,
                 opinion_legal_basis="《公共场所卫生管理条例》第七条")
        return _case(instance_id)


def _case(instance_id: int) -> SimpleNamespace:
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == instance_id))
    task = db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == "open"))
    holder = db.session.get(User, task.assignee_id) if task.assignee_id else None
    return SimpleNamespace(instance_id=instance_id, case_no=case.case_no, task_id=task.id,
                           task_title=task.title, task_name=task.name,
                           assignee=holder.username if holder else None)
