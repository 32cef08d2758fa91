"""Completed history leaves the live task tree, so a process that loops keeps running.

SpiffWorkflow keeps every task it ever ran in one tree: a loop drawn with a gateway (补正
rounds, a daily reminder) adds a level per pass, so each step walks and serializes all of
the history, and past 1,000 levels the engine stops seeing the live tasks (runtime's depth
guard stops the instance first). After each step, in every (sub)workflow whose live part
sits deeper than PRUNE_DEPTH, the finished chain above it is cut out: the tree's root keeps
as its child the deepest finished task above everything still live, and the tasks in
between (with their finished side branches and completed sub-workflows) are dropped.

What is cut is only finished work: every task still live, waiting or predicted, every task
between it and the cut, and the data each of them holds stay as they were, so the engine
runs on unchanged. What the cut tasks were is returned for the caller's history table, and
the elements and flows they reached are kept on the root (`internal_data`) for the diagram.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

PRUNE_DEPTH = 16  # a live task deeper than this is worth a cut (a few rounds of a loop)
REACHED = "govflow.reached"  # on the root: element ids and (source, target) pairs cut away


@dataclass(frozen=True)
class PrunedTask:
    task_id: str
    element: str  # BPMN id, or the spec's name for the engine's own tasks
    name: str | None
    state: str
    finished_at: datetime


def prune(workflow: BpmnWorkflow, depth: int = PRUNE_DEPTH) -> list[PrunedTask]:
    """Cut the finished history out of the top workflow and every sub-workflow; what was cut."""
    pruned: list[PrunedTask] = []
    for each in (workflow, *list(workflow.subprocesses.values())):
        pruned.extend(_prune_tree(each, depth))
    if pruned:
        drop_orphan_subprocesses(workflow)
    return pruned


def reached(workflow) -> tuple[set[str], set[tuple[str, str]]]:
    """Element ids and (source, target) element pairs of the history cut from this tree."""
    kept = workflow.task_tree.internal_data.get(REACHED) or {}
    return set(kept.get("elements", ())), {tuple(p) for p in kept.get("flows", ())}


def _prune_tree(workflow, depth: int) -> list[PrunedTask]:
    live = [t for t in workflow.tasks.values() if not t.has_state(TaskState.FINISHED_MASK)]
    if not live:
        return []
    path = _common_path(live)
    if len(path) <= depth:
        return []
    keep = _deepest_finished_prefix(path)
    if keep <= 1:
        return []  # the root's own child is already the first task to keep
    root, first, kept = path[0], path[1], path[keep]
    cut = _subtree(first, stop=kept)
    _remember(root, cut, kept)
    path[keep - 1]._children.remove(kept.id)
    root._children.remove(first.id)
    root._children.append(kept.id)
    kept.parent = root
    for task in cut:
        workflow.tasks.pop(task.id, None)
    return [_record(task) for task in cut]


def _common_path(tasks: list) -> list:
    """Root-first ancestry of the tasks' lowest common ancestor."""
    path = _ancestry(tasks[0])
    on_path = {task.id: index for index, task in enumerate(path)}
    lowest = len(path) - 1
    for task in tasks[1:]:
        node = task
        while node.id not in on_path:
            node = node.parent
        lowest = min(lowest, on_path[node.id])
    return path[:lowest + 1]


def _ancestry(task) -> list:
    chain = []
    while task is not None:
        chain.append(task)
        task = task.parent
    return chain[::-1]


def _deepest_finished_prefix(path: list) -> int:
    """Index of the deepest task such that it and every task above it (bar the root) are
    finished: a started task above (a boundary event's parent) must keep its children."""
    index = 1
    while index < len(path) and path[index].has_state(TaskState.COMPLETED):
        index += 1
    return index - 1


def _subtree(top, stop) -> list:
    """`top` and everything below it, except `stop` and its own subtree."""
    found, pending = [], [top]
    while pending:
        task = pending.pop()
        if task is stop:
            continue
        found.append(task)
        pending.extend(task.children)
    return found


def _remember(root, cut: list, kept) -> None:
    """The elements the cut tasks reached and the flows that led to them (and to the task
    kept), as the diagram reads them from the tree."""
    saved = root.internal_data.setdefault(REACHED, {"elements": [], "flows": []})
    elements, flows = set(saved["elements"]), {tuple(p) for p in saved["flows"]}
    for task in cut:
        element, source = _element(task), _source_element(task)
        if task.has_state(TaskState.COMPLETED) and element:
            elements.add(element)
        if element and source:
            flows.add((source, element))
    flows.update(_flows_into(kept))
    saved["elements"], saved["flows"] = sorted(elements), sorted(list(p) for p in flows)


def _flows_into(kept) -> set[tuple[str, str]]:
    """The flows from the cut part into the part kept: to `kept`, or, when it is one of the
    engine's own tasks (a boundary event's split), to the elements just below it."""
    source = _source_element(kept)
    found, pending = set(), [kept]
    while source and pending:
        task = pending.pop()
        if _element(task):
            found.add((source, _element(task)))
        else:
            pending.extend(task.children)
    return found


def _source_element(task) -> str | None:
    """The element a task was reached from: its nearest completed ancestor with a BPMN id
    (the engine's own join tasks have none)."""
    source = task.parent
    while source is not None and _element(source) is None:
        source = source.parent
    return _element(source) if source is not None and source.has_state(TaskState.COMPLETED) \
        else None


def _element(task) -> str | None:
    return getattr(task.task_spec, "bpmn_id", None)


def _record(task) -> PrunedTask:
    spec = task.task_spec
    return PrunedTask(str(task.id), spec.bpmn_id or spec.name, getattr(spec, "bpmn_name", None),
                      TaskState.get_name(task.state),
                      datetime.fromtimestamp(task.last_state_change, tz=timezone.utc))


def drop_orphan_subprocesses(workflow: BpmnWorkflow) -> None:
    """A sub-workflow whose task left the tree goes with it (and what it started): a finished
    one whose task was cut, or one whose task an interrupting boundary event removed."""
    while True:
        present = set(workflow.tasks)
        for sub in workflow.subprocesses.values():
            present.update(sub.tasks)
        orphans = [key for key in workflow.subprocesses if key not in present]
        if not orphans:
            return
        for key in orphans:
            del workflow.subprocesses[key]
