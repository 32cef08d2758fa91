"""Idle sub-processes stay text: a step of a wide case loads, runs and writes what it touches.

A joint case (联审联办) of 100 departments holds 100 branch sub-processes, 16 tasks each.
Each answer used to rebuild all of them, step over them and write them out again, though
99 had nothing to do: one answer cost 85 ms in the engine, 20 times a 3-department case's.

The stored document is therefore split (see `serializer`): its first line is the workflow
without its sub-processes, then one line per sub-process, and the first line lists each one
with a summary written when it was last loaded: what it waits for (people's tasks, timers,
other events) and whether the engine has work in it. A step that names its focus (the task
being completed, or none for a timer) loads only the branches with something to do now:
the focus, engine work, a timer coming due, or an event to catch. The others, and their
nested sub-processes, stay as their lines and are written back unchanged; their own tasks
in the top workflow are loaded without data (`blank_branch_tasks`).

An idle branch cannot be reached from outside it except through its task in the parent
(cancelled by an interruption, a terminate end or a completion condition), so after the
step each parked branch's task must still be there and as it was. If not, the step raises
`ParkedBranchTouched` and the caller runs it again on the whole workflow.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.util.task import TaskState

# A timer due this soon is loaded with its branch rather than left for the next sweep.
DUE_SOON = timedelta(seconds=5)
_ATTRIBUTE, _BLANKED = "govflow_parked", "govflow_blanked"


class ParkedBranchTouched(Exception):
    """The step reached a sub-process it did not load: run it again on the whole workflow."""


@dataclass(frozen=True)
class Parked:
    summary: dict
    line: str  # the sub-process's JSON, exactly as it was read


def summarize(workflow: BpmnWorkflow) -> dict[str, dict]:
    """For every loaded sub-process (by its task's id): what a later step reads to leave it
    parked. `owner` is the sub-process it runs in, None for the top workflow."""
    waiting: dict[int, list] = {}
    for task in workflow.event_manager.tasks.values():
        waiting.setdefault(id(task.workflow), []).append(task)
    return {str(key): _summary(workflow, sub, waiting.get(id(sub), ()))
            for key, sub in workflow.subprocesses.items()}


def _summary(top: BpmnWorkflow, sub, waiting) -> dict:
    ready, busy = [], False
    for task in sub.tasks.values():
        if task.state == TaskState.READY:
            if task.task_spec.manual:
                ready.append(str(task.id))
            else:
                busy = True
    dues, catches = [], False
    for task in waiting:
        if not task.has_state(TaskState.WAITING):
            continue
        definition = task.task_spec.event_definition
        event = definition.details(task)
        if isinstance(definition, TimerEventDefinition) and event.value:
            dues.append(TimerEventDefinition.parse_time_or_duration(event.value))
        else:
            catches = True  # a message, a signal, an error or several at once
    return {"owner": _owner(top, sub.parent_task_id), "completed": bool(sub.completed),
            "ready": ready, "busy": busy, "catches": catches,
            "due": min(dues).isoformat() if dues else None}


def _owner(top: BpmnWorkflow, task_id) -> str | None:
    """The key of the sub-process holding the task `task_id` (None: the top workflow, or
    nowhere, for a sub-process whose task left the tree and which goes at the next step)."""
    if task_id in top.tasks:
        return None
    return next((str(key) for key, other in top.subprocesses.items() if task_id in other.tasks),
                None)


def choose(parts: list, focus: str | None, now: datetime | None = None) -> set[str]:
    """The ids of the sub-processes a step must load: every sub-process of a branch (a
    sub-process of the top workflow and all it contains) in which anything is wanted."""
    soon = (now or datetime.now(timezone.utc)) + DUE_SOON
    summaries = dict(parts)
    wanted = {key for key, summary in summaries.items() if _wanted(summary, focus, soon)}
    branches = {_branch(key, summaries) for key in wanted}
    return {key for key in summaries if _branch(key, summaries) in branches}


def _wanted(summary: dict, focus: str | None, soon: datetime) -> bool:
    if summary["completed"]:
        return False
    return (summary["busy"] or summary["catches"] or focus in summary["ready"]
            or (summary["due"] is not None and datetime.fromisoformat(summary["due"]) <= soon))


def _branch(key: str, summaries: dict) -> str:
    seen = set()
    while (owner := summaries[key]["owner"]) is not None and owner in summaries:
        if key in seen:  # a cycle cannot be written, but never loop on a bad document
            break
        seen.add(key)
        key = owner
    return key


def blank_branch_tasks(tasks: dict, held: dict[str, Parked]) -> dict[str, dict]:
    """Load the parked branches' own tasks (entries of the stored top workflow's `tasks`)
    without their data; return them as stored.

    Each holds the data the fan-out had when it started the branch (the case's whole plan,
    the opinions collected so far), rebuilt by a deep merge per task on every load: with 100
    branches, 100 copies of a document that itself grows with every answer. Nothing reads
    it while the branch is parked (an instance's inputs were read when it started; the
    fan-out reads its output when it ends). A task with children is left whole: they are
    rebuilt from its data."""
    blanked = {}
    for key, part in held.items():
        task = tasks.get(key)
        if part.summary["owner"] is None and task is not None and not task["children"]:
            blanked[key] = task
            tasks[key] = {**task, "data": {}, "delta": {}}
    return blanked


def attach(workflow: BpmnWorkflow, parked: dict[str, Parked],
           blanked: dict[str, dict] | None = None) -> None:
    """Keep on the workflow what `dumps` writes back: the parked sub-processes, and the
    blanked tasks with a copy of each fan-out's data as their deltas were written against."""
    setattr(workflow, _ATTRIBUTE, parked)
    fan_outs = {}
    for stored in (blanked or {}).values():
        if stored["parent"] not in fan_outs:
            fan_outs[stored["parent"]] = copy.deepcopy(
                workflow.tasks[UUID(stored["parent"])].data)
    setattr(workflow, _BLANKED, (blanked or {}, fan_outs))


def restore_branch_tasks(tasks: dict, workflow: BpmnWorkflow, restore) -> None:
    """Put the blanked tasks back into the converted `tasks`, their deltas rewritten against
    the fan-out's data as it is now (what a dump of the task loaded whole would write).
    A task the step changed means it reached the branch after all."""
    blanked, fan_outs = getattr(workflow, _BLANKED, ({}, {}))
    changed: dict[str, set] = {}
    for key, stored in blanked.items():
        now = tasks.get(key)
        if now is None:
            continue  # cut from the tree with its finished branch (kept_for_dump drops it)
        if now["state"] != stored["state"] or now["children"] != stored["children"]:
            raise ParkedBranchTouched(f"the task of sub-process {key} changed")
        parent = stored["parent"]
        before, current = fan_outs[parent], workflow.tasks[UUID(parent)].data
        if parent not in changed:
            changed[parent] = _changed_keys(before, current)
        tasks[key] = _rebased(stored, before, current, changed[parent], restore)


def _changed_keys(before: dict, after: dict) -> set:
    missing = object()
    return {key for key in before.keys() | after.keys()
            if before.get(key, missing) != after.get(key, missing)}


def _rebased(stored: dict, before: dict, current: dict, changed: set, restore) -> dict:
    """The stored task with its delta against `current` instead of `before` (top-level keys,
    as SpiffWorkflow's TaskConverter writes it)."""
    if not changed:
        return stored
    delta = stored.get("delta") or {}
    own, deleted = delta.get("updates", {}), set(delta.get("deletions", ()))

    def holds(key) -> bool:  # in the task's data
        return key in own or (key in before and key not in deleted)
    updates = dict(own)
    for key in changed:
        if key in own:
            if key in current and restore(own[key]) == current[key]:
                del updates[key]
        elif holds(key):
            updates[key] = before[key]  # the value it had, which the fan-out's no longer is
    deletions = [key for key in current if not holds(key)]
    return {**stored, "delta": {"updates": updates, "deletions": deletions}}


def parked(workflow: BpmnWorkflow) -> dict[str, Parked]:
    return getattr(workflow, _ATTRIBUTE, None) or {}


def kept_for_dump(workflow: BpmnWorkflow) -> dict[str, Parked]:
    """The parked sub-processes to write back; raises if the step reached any of them.

    A branch's task in the top workflow must still be waiting on it (STARTED) and no new
    sub-process may have been started for it. A finished branch whose task was cut from the
    tree (`history.prune`) goes with it, as a loaded one does."""
    held = parked(workflow)
    if not held:
        return {}
    live_keys = {str(key) for key in workflow.subprocesses}
    kept = {}
    for key, part in held.items():
        if key in live_keys:
            raise ParkedBranchTouched(f"sub-process {key} was started again")
        owner = part.summary["owner"]
        if owner is not None:  # inside a parked branch: goes or stays with it
            kept[key] = part
            continue
        task = workflow.tasks.get(UUID(key))
        if part.summary["completed"]:
            if task is not None:
                kept[key] = part
        elif task is None or task.state != TaskState.STARTED:
            raise ParkedBranchTouched(f"the task of sub-process {key} changed")
        else:
            kept[key] = part
    return _with_owners(kept)


def _with_owners(kept: dict[str, Parked]) -> dict[str, Parked]:
    """Nested parts whose branch went, go too."""
    summaries = {key: part.summary for key, part in kept.items()}
    return {key: part for key, part in kept.items()
            if summaries[_branch(key, summaries)]["owner"] is None}


def ready_ids(workflow: BpmnWorkflow) -> set[str]:
    """People's tasks waiting in parked sub-processes (still open, not run by this step)."""
    return {task_id for part in parked(workflow).values() for task_id in part.summary["ready"]}


def next_due(workflow: BpmnWorkflow) -> datetime | None:
    dues = [datetime.fromisoformat(part.summary["due"]) for part in parked(workflow).values()
            if part.summary["due"] is not None]
    return min(dues, default=None)


def any_running(workflow: BpmnWorkflow) -> bool:
    return any(not part.summary["completed"] for part in parked(workflow).values())
