"""The shape of a process graph: flow nodes no start event leads to (unreachable) and flow
nodes from which no end event can be reached (dead ends).

Pure: it reads a BPMN tree already parsed by `bpmn.parse_xml` (lxml, no DTD, no entities)
and touches nothing else. Each process and each sub-process is its own scope with its own
start and end events; a boundary event is reached through the activity it is attached to.

A path that begins at a boundary event may end without an end event (a reminder sent by a
non-interrupting timer, an escalation task that simply completes): BPMN ends such a token
implicitly, so on those paths a node without outgoing flows is a legitimate end. On the
main path it is not: a task left dangling there is almost always a forgotten connection."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from lxml import etree

from app.engine.bpmn import NS, Problem

BPMN = f"{{{NS['bpmn']}}}"
SCOPES = ("process", "subProcess", "transaction", "adHocSubProcess")
FLOW_NODES = {
    "task", "userTask", "scriptTask", "serviceTask", "sendTask", "receiveTask", "manualTask",
    "businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess",
    "exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway",
    "complexGateway", "startEvent", "endEvent", "intermediateCatchEvent",
    "intermediateThrowEvent", "boundaryEvent"}
UNREACHABLE, DEAD_END = "bpmn_unreachable", "bpmn_dead_end"
CODES = (UNREACHABLE, DEAD_END)


@dataclass
class Scope:
    """The flow nodes directly inside one process or sub-process, and its sequence flows."""
    nodes: dict[str, etree._Element] = field(default_factory=dict)
    successors: dict[str, set[str]] = field(default_factory=dict)

    def link(self, source: str, target: str) -> None:
        if source in self.nodes and target in self.nodes:
            self.successors.setdefault(source, set()).add(target)

    def of_kind(self, kind: str) -> list[str]:
        return [i for i, node in self.nodes.items() if _local(node) == kind]


def check(tree, filename: str) -> list[Problem]:
    """Every unreachable and dead-end flow node of every executable process, in file order."""
    problems: list[Problem] = []
    for process in tree.iterfind(".//bpmn:process", NS):
        if process.get("isExecutable", "true") == "false":
            continue
        for scope_node in [process, *_nested_scopes(process)]:
            problems += _scope_problems(_scope(scope_node), filename)
    return sorted(problems, key=lambda p: (p.line or 0, p.code or ""))


def _nested_scopes(process) -> list:
    return [n for n in process.iterdescendants() if isinstance(n.tag, str)
            and n.tag.startswith(BPMN) and _local(n) in SCOPES[1:]]


def _local(node) -> str:
    return etree.QName(node).localname


def _scope(container) -> Scope:
    scope = Scope()
    for child in container:
        if isinstance(child.tag, str) and child.tag.startswith(BPMN) \
                and _local(child) in FLOW_NODES and child.get("id"):
            scope.nodes[child.get("id")] = child
    for child in container.iterfind("bpmn:sequenceFlow", NS):
        scope.link(child.get("sourceRef", ""), child.get("targetRef", ""))
    for boundary in scope.of_kind("boundaryEvent"):
        scope.link(scope.nodes[boundary].get("attachedToRef", ""), boundary)
    _link_events(scope)
    return scope


def _link_events(scope: Scope) -> None:
    """A link throw event continues at the link catch event of the same name."""
    catches: dict[str, list[str]] = {}
    for node_id in scope.of_kind("intermediateCatchEvent"):
        if (name := _link_name(scope.nodes[node_id])) is not None:
            catches.setdefault(name, []).append(node_id)
    for node_id in scope.of_kind("intermediateThrowEvent"):
        for target in catches.get(_link_name(scope.nodes[node_id]) or "\0", []):
            scope.link(node_id, target)


def _link_name(node) -> str | None:
    link = node.find("bpmn:linkEventDefinition", NS)
    return None if link is None else link.get("name", "")


def _scope_problems(scope: Scope, filename: str) -> list[Problem]:
    starts = scope.of_kind("startEvent") + _event_subprocesses(scope)
    if not starts:
        return []  # nothing to measure from; the engine reports a process without a start
    boundaries = set(scope.of_kind("boundaryEvent"))
    main = _reachable(scope, starts, avoid=boundaries)
    reached = _reachable(scope, starts)
    # Ends: end events, and on boundary-driven paths any node without outgoing flows.
    side = reached - main
    ends = set(scope.of_kind("endEvent")) | {
        i for i in side if not scope.successors.get(i)}
    reaching_end = _reaching(scope, ends)
    problems = []
    for node_id, node in scope.nodes.items():
        if node_id not in reached:
            problems.append(_problem(filename, node, UNREACHABLE,
                                     "unreachable: no path leads here from a start event"))
        elif node_id not in reaching_end:
            problems.append(_problem(filename, node, DEAD_END,
                                     "dead end: no end event can be reached from here"))
    return problems


def _event_subprocesses(scope: Scope) -> list[str]:
    """An event sub-process starts on its trigger, not through a sequence flow."""
    return [i for i, node in scope.nodes.items()
            if _local(node) == "subProcess" and node.get("triggeredByEvent") == "true"]


def _reachable(scope: Scope, starts: list[str], avoid: set[str] = frozenset()) -> set[str]:
    seen, queue = set(starts), deque(starts)
    while queue:
        for target in scope.successors.get(queue.popleft(), ()):
            if target not in seen and target not in avoid:
                seen.add(target)
                queue.append(target)
    return seen


def _reaching(scope: Scope, targets: set[str]) -> set[str]:
    predecessors: dict[str, set[str]] = {}
    for source, following in scope.successors.items():
        for target in following:
            predecessors.setdefault(target, set()).add(source)
    seen, queue = set(targets), deque(targets)
    while queue:
        for source in predecessors.get(queue.popleft(), ()):
            if source not in seen:
                seen.add(source)
                queue.append(source)
    return seen


def _problem(filename: str, node, code: str, message: str) -> Problem:
    return Problem(filename, message, line=node.sourceline, element=node.get("id"),
                   code=code, name=node.get("name") or "")
