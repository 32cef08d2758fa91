"""Running workflows: create, load, advance, and read what waits on people and clocks."""
from __future__ import annotations

import copy
import threading
from functools import partial
from dataclasses import dataclass
from datetime import datetime

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import LoopTask
from SpiffWorkflow.util.task import TaskState

from app.engine import history, parking, serializer
from app.engine.bpmn import build_specs, parse_dmn, parse_xml
from app.engine.scripting import SCRIPT_ENGINE

# SpiffWorkflow's task iterators stop at depth 1000 and then report the workflow as
# completed. Stop well before that and raise an incident instead.
MAX_TASK_DEPTH = 900
_LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
_TIMER_TYPES = ("DurationTimerEventDefinition", "TimeDateEventDefinition",
                "CycleTimerEventDefinition")


class EngineIncident(Exception):
    """The engine cannot continue safely; the instance must stop for an administrator."""


@dataclass(frozen=True)
class CompiledProcess:
    spec: object
    subprocess_specs: dict
    # An event subprocess with a message (or signal, ...) start rewires the spec's graph the
    # first time it is triggered (BpmnStartTask.trigger_wf connects it to Start and End). On a
    # shared spec every later instance would then wait for that subprocess and never end, so
    # such processes give each workflow its own copy.
    rewired_at_runtime: bool = False

    def specs(self) -> tuple:
        if self.rewired_at_runtime:
            return copy.deepcopy((self.spec, self.subprocess_specs))  # merge hooks included
        return self.spec, self.subprocess_specs


def _connect_loop_merges(specs) -> None:
    """Connect each loop or multi-instance task to its children's completion up front.

    SpiffWorkflow connects the handler that merges a child's output into the parent only
    when it creates a child, on the spec object of that process. A worker that loads the
    instance later (another gunicorn or Celery process, or after a restart) never created
    those children, so its spec had no handler and the outputs were silently dropped."""
    for wf_spec in specs:
        for task_spec in wf_spec.task_specs.values():
            if isinstance(task_spec, LoopTask) and hasattr(task_spec, "merge_child"):
                child = wf_spec.task_specs[task_spec.task_spec]
                if not child.completed_event.is_connected(task_spec.merge_child):
                    child.completed_event.connect(task_spec.merge_child)


_cache: dict[str, CompiledProcess] = {}
_cache_lock = threading.Lock()


def cached(cache_key: str) -> CompiledProcess | None:
    """The process parsed under `cache_key`, if this worker has parsed it."""
    return _cache.get(cache_key)


def compiled(cache_key: str, bpmn_xml: str, filename: str, process_id: str,
             decisions: dict[str, str] | None = None) -> CompiledProcess:
    """Parse a process version once per worker; versions are immutable, so never invalidate.
    `decisions` are the DMN files (name -> XML) its business rule tasks call."""
    hit = _cache.get(cache_key)
    if hit is not None:
        return hit
    data = bpmn_xml.encode("utf-8")  # validated at deploy; the size limit was checked then
    tree = parse_xml(data, filename, max_bytes=len(data))
    tables = tuple((name, parse_dmn(text.encode("utf-8"), name, max_bytes=len(text.encode())))
                   for name, text in sorted((decisions or {}).items()))
    spec, subprocess_specs = build_specs(tree, filename, process_id, tables)
    _connect_loop_merges((spec, *subprocess_specs.values()))
    rewired = any(getattr(task_spec, "trigger_specs", None)
                  for each in (spec, *subprocess_specs.values())
                  for task_spec in each.task_specs.values())
    with _cache_lock:
        return _cache.setdefault(cache_key, CompiledProcess(spec, subprocess_specs, rewired))


def create(process: CompiledProcess, data: dict) -> BpmnWorkflow:
    workflow = BpmnWorkflow(*process.specs(), script_engine=SCRIPT_ENGINE)
    workflow.get_active_subprocesses = partial(_active_subprocesses, workflow)
    workflow.task_tree.data.update(data)
    return workflow


def load(text: str, process: CompiledProcess, *, focus: str | None = None,
         narrow: bool = False) -> BpmnWorkflow:
    """The stored workflow. `narrow`: only what a step completing `focus` (a task id, or
    None for a timer's step) must run; the idle sub-processes stay text (`parking`), and
    a step that reaches one raises parking.ParkedBranchTouched from dump()."""
    workflow = serializer.loads(text, *process.specs(), focus=focus, narrow=narrow)
    workflow.script_engine = SCRIPT_ENGINE
    workflow.get_active_subprocesses = partial(_active_subprocesses, workflow)
    if process.rewired_at_runtime:
        _rewire_triggered(workflow)
    return workflow


def _rewire_triggered(workflow: BpmnWorkflow) -> None:
    """Redo, on this workflow's own spec copy, what BpmnStartTask.trigger_wf did when one of
    its event subprocesses was triggered: the running subprocess joins the end."""
    for each in (workflow, *workflow.subprocesses.values()):
        start = each.spec.start
        triggered = set(getattr(start, "trigger_specs", ())) & {
            task.task_spec.name for task in each.tasks.values()}
        for name in triggered:
            spec = each.spec.task_specs[name]
            if start not in spec.inputs:
                start.connect(spec)
                spec.connect(each.spec.end)


def dump(workflow: BpmnWorkflow) -> str:
    return serializer.dumps(workflow)


def advance(workflow: BpmnWorkflow) -> None:
    """Run everything that can run now, due timers included, then check the tree is sound.

    do_engine_steps() ends by refreshing timers, so a timer that just became due is READY
    but has not run: keep stepping until no engine task is ready.
    """
    workflow.refresh_timers()
    workflow.do_engine_steps()
    while workflow.get_next_task(state=TaskState.READY, manual=False) is not None:
        workflow.do_engine_steps()
    if _left_the_tree(workflow, workflow.subprocesses.values()):
        history.drop_orphan_subprocesses(workflow)
    check_depth(workflow)


def _active_subprocesses(workflow: BpmnWorkflow) -> list:
    """BpmnWorkflow.get_active_subprocesses (installed in its place on each workflow),
    without those whose task has left the tree.

    An interrupting boundary event on a multi-instance sub-process (a deadline on a fan-out)
    removes the running instances' tasks but leaves their sub-workflows behind, unfinished;
    SpiffWorkflow would step them again and fail looking for their tasks
    (TaskNotFoundException), so the instance stopped as an incident."""
    active = [sub for sub in workflow.subprocesses.values() if not sub.completed]
    gone = _left_the_tree(workflow, active)
    return [sub for sub in active if sub.parent_task_id not in gone] if gone else active


def _left_the_tree(workflow: BpmnWorkflow, subs) -> set:
    """The task ids of `subs` that are in no task tree of the workflow. Nearly every
    sub-process runs in the top workflow, so the other trees are read only if one does not."""
    outside = {sub.parent_task_id for sub in subs} - workflow.tasks.keys()
    if outside:
        for sub in workflow.subprocesses.values():
            outside -= sub.tasks.keys()
    return outside


def check_depth(workflow: BpmnWorkflow) -> None:
    for task in workflow.tasks.values():  # a dict, not the depth-capped iterator
        if task.state & _LIVE and task.depth >= MAX_TASK_DEPTH:
            raise EngineIncident(
                f"task tree depth {task.depth} at '{task.task_spec.bpmn_id or task.task_spec.name}'"
                f" reached the limit of {MAX_TASK_DEPTH}; model the loop as a multi-instance or"
                " standard loop")


def is_finished(workflow: BpmnWorkflow) -> bool:
    """Completed for real: the engine says so and no task anywhere is still live."""
    return (workflow.is_completed() and not any(t.state & _LIVE for t in workflow.tasks.values())
            and not parking.any_running(workflow))


def ready_user_tasks(workflow: BpmnWorkflow) -> list:
    return workflow.get_tasks(state=TaskState.READY, manual=True)


def parked_ready_ids(workflow: BpmnWorkflow) -> set[str]:
    """People's tasks still waiting in the sub-processes this step left as text."""
    return parking.ready_ids(workflow)


def next_timer_due(workflow: BpmnWorkflow) -> datetime | None:
    """The earliest waiting timer, as an aware UTC datetime."""
    dues = [TimerEventDefinition.parse_time_or_duration(event.value)
            for event in workflow.waiting_events()
            if event.event_type in _TIMER_TYPES and event.value]
    parked = parking.next_due(workflow)
    return min((*dues, *([parked] if parked else [])), default=None)
