"""Moving a running instance to a newer version of its process (实例迁移).

SpiffWorkflow rebuilds a workflow by looking up every task's spec by name, completed
tasks and sub-workflows included; a name the new version lacks would load as a task
without a spec and break later. So the whole serialized tree is checked first: every
element it mentions must exist in the new version with the same type, and each
sub-workflow must still be the same sub-process. Then the workflow is loaded against the
new version, what lies ahead of the live tasks is predicted again from the new flows, and
the instance is saved under its row lock, its open human tasks kept.
"""
from __future__ import annotations


import sqlalchemy as sa
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from SpiffWorkflow.bpmn.specs.control import BoundaryEventSplit
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from app.engine import runtime, serializer
from app.models import HumanTask, ProcessDefinition, ProcessInstance, db
from app.models.process import RUNNING, SUSPENDED
from app.models.task import OPEN
from app.services.workflow import audit, execution
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound
from app.services.workflow.instances import admin as instance_admin

_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED


def newer_versions(instance: ProcessInstance) -> list[ProcessDefinition]:
    """The versions of the instance's process deployed after its own, oldest first."""
    return list(db.session.scalars(
        sa.select(ProcessDefinition)
        .where(ProcessDefinition.key == instance.definition.key,
               ProcessDefinition.version > instance.definition.version)
        .order_by(ProcessDefinition.version)))


def migrate(instance_id: int, target_version, actor: Actor) -> ProcessInstance:
    """Move a running or suspended instance to a newer version of its process."""
    version = _version_number(target_version)
    instance = instance_admin.lock_for_admin(instance_id, actor)
    if instance.state not in (RUNNING, SUSPENDED):
        raise Conflict(f"only a running or suspended instance can be migrated; it is "
                       f"{instance.state}", code="instance_not_migratable")
    source = instance.definition
    target = _target(source, version)
    old, new = execution.compiled_for(source), execution.compiled_for(target)
    check_compatible(serializer.document(instance.workflow_json), old, new, version)
    workflow = _reload(instance.workflow_json, new, version)
    instance.definition_id, instance.definition = target.id, target
    execution.save(instance, workflow, actor, [])
    _refresh_open_tasks(instance, workflow)
    audit.record(actor, "instance.migrated", instance_id=instance.id, key=source.key,
                 from_version=source.version, to_version=target.version,
                 from_definition_id=source.id, to_definition_id=target.id)
    db.session.commit()
    return instance


def _version_number(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, str)) \
            or not str(value).strip().isdecimal():
        raise InvalidInput("version must be a positive whole number", code="invalid_version",
                           errors=[{"field": "version", "message": "expected a version number"}])
    return int(value)


def _target(source: ProcessDefinition, version: int) -> ProcessDefinition:
    if version <= source.version:
        raise InvalidInput(f"the instance runs version {source.version}; it can only move to a "
                           f"newer one", code="version_not_newer",
                           errors=[{"field": "version", "message": "not newer"}])
    target = db.session.scalar(sa.select(ProcessDefinition).where(
        ProcessDefinition.key == source.key, ProcessDefinition.version == version))
    if target is None:
        raise NotFound(f"process '{source.key}' has no version {version}",
                       code="version_not_found")
    return target


def check_compatible(document: dict, old: runtime.CompiledProcess,
                     new: runtime.CompiledProcess, version: int) -> None:
    """Conflict naming the elements the new version lacks or changed, if there are any."""
    missing, changed = {}, {}
    for container, task in _serialized_tasks(document):
        before = _spec_of(old, container, task["task_spec"])
        after = _spec_of(new, container, task["task_spec"])
        element = getattr(before, "bpmn_id", None) or task["task_spec"]
        state = TaskState.get_name(task["state"])
        if after is None:
            missing.setdefault(element, set()).add(state)
        elif type(after) is not type(before):
            changed.setdefault(element, set()).add(state)
    for owner_spec, sub in _sub_workflows(document, new):
        if getattr(owner_spec, "spec", None) != sub["spec"]:
            changed.setdefault(getattr(owner_spec, "bpmn_id", None) or sub["spec"], set())
    if missing:
        raise _refusal("migration_elements_missing", missing, version,
                       "version {v} no longer has element(s) the instance has reached or "
                       "may still reach",
                       _l("第 %(version)s 版已没有该流程实例已到达或可能到达的元素，不能迁移："
                          "%(elements)s"))
    if changed:
        raise _refusal("migration_elements_changed", changed, version,
                       "version {v} changed the type of element(s) in the instance's task tree",
                       _l("第 %(version)s 版改变了该流程实例中元素的类型，不能迁移：%(elements)s"))


def _serialized_tasks(document: dict):
    """(sub-process spec name or None, task dict) of every task, sub-workflows included."""
    for task in document["tasks"].values():
        yield None, task
    for sub in document.get("subprocesses", {}).values():
        for task in sub["tasks"].values():
            yield sub["spec"], task


def _spec_of(process: runtime.CompiledProcess, container: str | None, name: str):
    spec = process.spec if container is None else process.subprocess_specs.get(container)
    return spec.task_specs.get(name) if spec is not None else None


def _sub_workflows(document: dict, new: runtime.CompiledProcess):
    """(the new spec of the task that owns it, sub-workflow dict) of every sub-workflow."""
    owners = {task["id"]: (container, task) for container, task in _serialized_tasks(document)}
    for owner_id, sub in document.get("subprocesses", {}).items():
        container, task = owners.get(owner_id, (None, None))
        if task is not None:
            yield _spec_of(new, container, task["task_spec"]), sub


def _refusal(code: str, elements: dict[str, set], version: int, detail: str,
             people) -> Conflict:
    """`people`: the page's wording, with %(version)s and %(elements)s."""
    listed = ", ".join(f"{e} ({'/'.join(sorted(s))})" if s else e
                       for e, s in sorted(elements.items()))
    return Conflict(f"{detail.format(v=version)}: {listed}", code=code,
                    message=LazyString(lambda: str(people) % {"version": version,
                                                              "elements": listed}),
                    errors=[{"element": e, "states": sorted(s)}
                            for e, s in sorted(elements.items())])


def _reload(text: str, new: runtime.CompiledProcess, version: int):
    """Load against the new version and predict the way ahead again where its flows differ."""
    try:
        workflow = runtime.load(text, new)
        for flow in (workflow, *workflow.subprocesses.values()):
            for task in list(flow.tasks.values()):
                if task.id in flow.tasks and task.state & TaskState.NOT_FINISHED_MASK:
                    _require_under_its_boundary_events(task)
                    _follow_new_flows(flow, task)
        runtime.check_depth(workflow)
    except (WorkflowException, runtime.EngineIncident, KeyError, AttributeError) as err:
        raise Conflict(f"the instance's task tree does not fit version {version}: {err}",
                       code="migration_incompatible",
                       message=_l("该流程实例的当前步骤与第 %(version)s 版不符，不能迁移"
                                  "（技术信息：%(reason)s）", version=version, reason=err)) from err
    return workflow


def _require_under_its_boundary_events(task) -> None:
    """A task the new version gives boundary events must have been reached through their
    split, or the engine later fails to join it ("Split ... was not reached"): such a task
    moves once it is done (e.g. a case waiting at intake before the art. 32 timers)."""
    splits = [s for s in task.task_spec.inputs if isinstance(s, BoundaryEventSplit)]
    if splits and task.parent is not None and task.parent.task_spec not in splits \
            and task.state & _LIVE:
        raise WorkflowException(f"'{task.task_spec.bpmn_id}' has boundary events in the new "
                                "version that it was not started with; move the instance once "
                                "it is past that task")


def _follow_new_flows(flow, task) -> None:
    """Replace the predicted successors of an unfinished task that the new version's flows
    no longer lead to. Multi-instance children (triggered) are not successors; a task not
    predicted yet has none. SpiffWorkflow has no public call for this: its own branch reset
    drops children and predicts the same way."""
    outputs = task.task_spec.outputs
    stale = [c for c in task.children if not c.triggered and c.task_spec not in outputs]
    kept = {c.task_spec for c in task.children if not c.triggered} - set(stale)
    if not stale and (not kept or kept == set(outputs)):
        return
    live = [c for c in stale if c.state & _LIVE]
    if live:
        raise WorkflowException(f"'{live[0].task_spec.bpmn_id}' is running but no longer "
                                f"follows '{task.task_spec.bpmn_id}'")
    for child in stale:
        flow._remove_task(child.id)
    task.task_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE | task.state)


def _refresh_open_tasks(instance: ProcessInstance, workflow) -> None:
    """Open tasks take their title, instructions and forms from the new version."""
    ready = {str(t.id): t.task_spec for t in runtime.ready_user_tasks(workflow)}
    for row in db.session.scalars(sa.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.state == OPEN)):
        spec = ready.get(row.id)
        if spec is None:
            continue
        properties = spec.extensions.get("properties", {})
        row.title = spec.bpmn_name or spec.bpmn_id
        row.instructions = spec.extensions.get("instructionsForEndUser")
        row.form_schema = properties.get("formJsonSchemaFilename")
        row.form_ui_schema = properties.get("formUiSchemaFilename")
