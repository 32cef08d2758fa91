"""Where an instance stands, element by element, for drawing it on its process diagram.

The engine's task tree (the instance's and its sub-workflows') says which BPMN elements
ran, which wait for people or clocks, and which flows were taken. An instance stopped by
an incident is diagnosed by running the engine again on a copy that is thrown away: the
element that fails is the one the incident is about.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import WorkflowException
from SpiffWorkflow.util.task import TaskState

from app.engine import bpmn, history, runtime
from app.engine.scripting import collecting_effects
from app.models import ProcessDefinition, ProcessInstance, utcnow
from app.models.process import ERROR
from app.services.workflow import execution, timers, working_days

COMPLETED, ACTIVE, WAITING, FAILED = "completed", "active", "waiting", "error"
STATES = (COMPLETED, ACTIVE, WAITING, FAILED)
_RANK = {COMPLETED: 1, WAITING: 2, ACTIVE: 3, FAILED: 4}  # the strongest state wins
_OF_TASK = {TaskState.COMPLETED: COMPLETED, TaskState.READY: ACTIVE,
            TaskState.STARTED: ACTIVE, TaskState.WAITING: WAITING, TaskState.ERROR: FAILED}
_REACHED = TaskState.COMPLETED | TaskState.READY | TaskState.STARTED | TaskState.WAITING \
    | TaskState.ERROR


@dataclass
class DiagramState:
    elements: dict[str, str] = field(default_factory=dict)  # BPMN element id -> state
    timers: dict[str, str] = field(default_factory=dict)  # waiting timer id -> due (ISO, local)
    flows: list[str] = field(default_factory=list)  # sequence flows taken
    failed_element: str | None = None  # the element the incident is about, when found
    names: dict[str, str] = field(default_factory=dict)  # element id -> its BPMN name

    def as_dict(self) -> dict:
        return {"elements": self.elements, "timers": self.timers, "flows": self.flows,
                "failedElement": self.failed_element, "names": self.names}


def element_states(instance: ProcessInstance) -> DiagramState:
    workflow = runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))
    tasks = all_tasks(workflow)
    result = DiagramState()
    for task in tasks:
        state = _OF_TASK.get(task.state)
        element = task.task_spec.bpmn_id
        if state is None or element is None:
            continue
        result.names[element] = task.task_spec.bpmn_name or element
        if _RANK[state] > _RANK.get(result.elements.get(element), 0):
            result.elements[element] = state
        if task.state == TaskState.WAITING and (due := timer_due(task)):
            result.timers[element] = due
    flow_ids = _flow_ids(instance.definition)
    taken = _taken_flows(tasks, flow_ids)
    for each in (workflow, *workflow.subprocesses.values()):  # what left the live tree
        elements, pairs = history.reached(each)
        names = {spec.bpmn_id: spec.bpmn_name for spec in each.spec.task_specs.values()
                 if getattr(spec, "bpmn_id", None)} if elements else {}
        for element in elements:
            result.elements.setdefault(element, COMPLETED)
            result.names.setdefault(element, names.get(element) or element)
        taken.update(flow for pair in pairs if (flow := flow_ids.get(pair)))
    result.flows = sorted(taken)
    failed = diagnose(instance) if instance.state == ERROR else None
    if failed is not None and failed.bpmn_id:
        result.failed_element = failed.bpmn_id
        result.elements[failed.bpmn_id] = FAILED
        result.names[failed.bpmn_id] = failed.bpmn_name or failed.bpmn_id
    return result


def all_tasks(workflow) -> list:
    """Every task of the workflow and of its sub-workflows (not the depth-capped iterator)."""
    return [*workflow.tasks.values(),
            *(t for sub in workflow.subprocesses.values() for t in sub.tasks.values())]


def timer_due(task) -> str | None:
    """The due time of a waiting timer event, in the center's local time."""
    if not isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
        return None
    value = task.internal_data.get("event_value")
    if isinstance(value, dict):  # a cycle timer: {'cycles', 'next', 'duration'}
        value = value.get("next")
    if not isinstance(value, str):
        return None
    try:
        moment = TimerEventDefinition.parse_time_or_duration(value)
        return working_days.to_local(moment).isoformat()
    except Exception:  # noqa: BLE001 - an unreadable due time is shown as unknown
        return None


def _taken_flows(tasks: list, flow_ids: dict[tuple[str, str], str]) -> set[str]:
    """A flow was taken when its target was reached from a completed source."""
    taken = set()
    for task in tasks:
        if not task.state & _REACHED or task.task_spec.bpmn_id is None:
            continue
        source = task.parent
        while source is not None and source.task_spec.bpmn_id is None:  # engine-made joins
            source = source.parent
        if source is not None and source.state == TaskState.COMPLETED:
            flow = flow_ids.get((source.task_spec.bpmn_id, task.task_spec.bpmn_id))
            if flow:
                taken.add(flow)
    return taken


def _flow_ids(definition: ProcessDefinition) -> dict[tuple[str, str], str]:
    return _flows_of(definition.id, definition.sha256, definition.bpmn_xml)


@lru_cache(maxsize=64)
def _flows_of(definition_id: int, sha256: str, xml: str) -> dict[tuple[str, str], str]:
    data = xml.encode("utf-8")
    tree = bpmn.parse_xml(data, "definition", max_bytes=len(data))
    return {(flow.get("sourceRef"), flow.get("targetRef")): flow.get("id")
            for flow in tree.iterfind(".//bpmn:sequenceFlow", bpmn.NS)}


def diagnose(instance: ProcessInstance):
    """Run the stopped instance's engine on a throw-away copy; the spec of the element
    that fails, or None.

    First as it stands (a retry would fail there), then with every waiting timer made due
    (an administrator's 'fire timers now' that failed). Scripts only emit effects, and
    these are discarded with the copy; nothing is saved.
    """
    process = execution.compiled_for(instance.definition)
    for make_due in (False, True):
        workflow = runtime.load(instance.workflow_json, process)
        if make_due:
            timers.make_timers_due(workflow, utcnow())
        with collecting_effects():
            try:
                runtime.advance(workflow)
            except WorkflowException as err:
                task = getattr(err, "task", None)
                return getattr(task, "task_spec", None) or getattr(err, "task_spec", None)
            except (runtime.EngineIncident, ValueError, TypeError):
                return None
    return None
