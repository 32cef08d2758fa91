"""A generated diagram (BPMN DI) for documents that have none, such as the hand-written
processes/service_item.bpmn: bpmn-js can only show and edit what has shapes. A plain layered
layout (columns by longest path from the start, one band per lane, sub-processes expanded
around their content) that is readable and a starting point for editing, not a drawing."""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from flask import current_app
from lxml import etree

from app.engine import bpmn

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
BPMN = "{%s}" % bpmn.NS["bpmn"]
SIZES = {"event": (36, 36), "gateway": (50, 50), "activity": (100, 80)}
ROW, GAP_X, GAP_Y, PAD, HEADER = 80, 50, 40, 30, 30  # a slot is one task high
CONTAINERS = ("subProcess", "transaction", "adHocSubProcess")
ORIGIN = (100, 60)


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    def moved(self, dx: float, dy: float) -> Box:
        return Box(self.x + dx, self.y + dy, self.w, self.h)


def _local(node) -> str:
    return etree.QName(node).localname if isinstance(node.tag, str) else ""


def _is_flow_node(node) -> bool:
    if not isinstance(node.tag, str) or not node.tag.startswith(BPMN):
        return False
    local = _local(node)
    return local.endswith(("Task", "Event", "Gateway")) or local in ("task", "callActivity",
                                                                      *CONTAINERS)


def _kind(node) -> str:
    local = _local(node)
    return "event" if local.endswith("Event") else (
        "gateway" if local.endswith("Gateway") else "activity")


def has_diagram(tree) -> bool:
    return tree.find(f".//{{{BPMNDI}}}BPMNShape") is not None


def with_diagram(xml: str) -> str:
    """The document as it is when it has a diagram, else with a generated one."""
    return _with_diagram(xml, current_app.config["MAX_BPMN_BYTES"])


@lru_cache(maxsize=32)  # deployed versions never change, and every page view asks again
def _with_diagram(xml: str, max_bytes: int) -> str:
    try:
        tree = bpmn.parse_xml(xml.encode("utf-8"), "diagram", max_bytes)
    except bpmn.BpmnInvalid:
        return xml  # nothing to lay out; the viewer reports what it cannot read
    process = next(iter(tree.iterfind(".//bpmn:process", bpmn.NS)), None)
    if has_diagram(tree) or process is None:
        return xml
    for empty in tree.iterfind(f"{{{BPMNDI}}}BPMNDiagram"):
        tree.getroot().remove(empty)
    _Diagram(tree, process).draw()
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8").decode("utf-8")


class _Diagram:
    """Lays out one process (and its participant and lanes, when a collaboration has them)."""

    def __init__(self, tree, process):
        self.tree, self.process = tree, process
        self.ids = {n.get("id") for n in tree.iter() if isinstance(n.tag, str) and n.get("id")}
        self.participant = next((p for p in tree.iterfind(".//bpmn:participant", bpmn.NS)
                                 if p.get("processRef") == process.get("id")), None)
        self.lanes = list(process.iterfind("bpmn:laneSet/bpmn:lane", bpmn.NS))
        self.lane_of = {ref.text.strip(): i for i, lane in enumerate(self.lanes)
                        for ref in lane.iterfind("bpmn:flowNodeRef", bpmn.NS) if ref.text}
        self.boxes: dict[str, Box] = {}
        self.boundary_events = {b.get("id") for b in
                                process.iterfind(".//bpmn:boundaryEvent", bpmn.NS)}

    def draw(self) -> None:
        boxes, width, bands = _Container(self.process, self._top_lane).layout()
        left = ORIGIN[0] + (HEADER if self.participant is not None else 0) + (
            HEADER if self.lanes else 0)
        self.boxes = {k: b.moved(left, ORIGIN[1]) for k, b in boxes.items()}
        self._place_boundary_events()
        owner = self.tree.find(".//bpmn:collaboration", bpmn.NS) \
            if self.participant is not None else self.process
        diagram = etree.SubElement(self.tree.getroot(), f"{{{BPMNDI}}}BPMNDiagram",
                                   nsmap={"bpmndi": BPMNDI, "dc": DC, "di": DI},
                                   id=self._new_id("generated_diagram"))
        self.plane = etree.SubElement(diagram, f"{{{BPMNDI}}}BPMNPlane",
                                      id=self._new_id("generated_plane"),
                                      bpmnElement=owner.get("id"))
        self._pool_shapes(width, bands)
        self._node_shapes()
        self._edges()

    def _top_lane(self, node, predecessors: list[str], placed: dict[str, int]) -> int:
        """The band of a top-level node: its lane; a sub-process goes with its first child
        in a lane; anything else with the node before it."""
        candidates = [node.get("id")] + [c.get("id") for c in node.iter() if c is not node]
        for element_id in candidates:
            if element_id in self.lane_of:
                return self.lane_of[element_id]
        return next((placed[p] for p in predecessors if p in placed), 0)

    def _place_boundary_events(self) -> None:
        seen: dict[str, int] = {}
        for event in self.process.iterfind(".//bpmn:boundaryEvent", bpmn.NS):
            host = self.boxes.get(event.get("attachedToRef"))
            if host is None:
                continue
            k = seen[event.get("attachedToRef")] = seen.get(event.get("attachedToRef"), -1) + 1
            self.boxes[event.get("id")] = Box(host.x + 20 + 50 * k, host.y + host.h - 18, 36, 36)

    def _pool_shapes(self, width: float, bands: list[float]) -> None:
        if self.participant is None:
            return
        x, y = ORIGIN
        lane_x = x + HEADER
        self._shape(self.participant.get("id"), Box(x, y, width + HEADER * (
            2 if self.lanes else 1), sum(bands)), isHorizontal="true")
        for lane, height in zip(self.lanes, bands):
            self._shape(lane.get("id"), Box(lane_x, y, width + HEADER, height),
                        isHorizontal="true")
            y += height

    def _node_shapes(self) -> None:
        for node in self.process.iter():
            if _is_flow_node(node) and node.get("id") in self.boxes:
                extra = {"isExpanded": "true"} if _local(node) in CONTAINERS else {}
                self._shape(node.get("id"), self.boxes[node.get("id")], **extra)

    def _edges(self) -> None:
        for flow in self.process.iterfind(".//bpmn:sequenceFlow", bpmn.NS):
            source, target = self.boxes.get(flow.get("sourceRef")), self.boxes.get(
                flow.get("targetRef"))
            if source is None or target is None:
                continue
            edge = etree.SubElement(self.plane, f"{{{BPMNDI}}}BPMNEdge",
                                    id=self._new_id(flow.get("id") + "_di"),
                                    bpmnElement=flow.get("id"))
            from_bottom = flow.get("sourceRef") in self.boundary_events
            for px, py in _route(source, target, from_bottom=from_bottom):
                etree.SubElement(edge, f"{{{DI}}}waypoint", x=_n(px), y=_n(py))

    def _shape(self, element_id: str, box: Box, **attributes) -> None:
        shape = etree.SubElement(self.plane, f"{{{BPMNDI}}}BPMNShape",
                                 id=self._new_id(element_id + "_di"), bpmnElement=element_id,
                                 **attributes)
        etree.SubElement(shape, f"{{{DC}}}Bounds", x=_n(box.x), y=_n(box.y), width=_n(box.w),
                         height=_n(box.h))

    def _new_id(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in self.ids:
            candidate, n = f"{wanted}_{n}", n + 1
        self.ids.add(candidate)
        return candidate


class _Container:
    """The nodes of one process or sub-process in columns (layers) and bands (lanes)."""

    def __init__(self, container, lane_rule=None):
        self.container, self.lane_rule = container, lane_rule
        self.nodes = [n for n in container if _is_flow_node(n) and _local(n) != "boundaryEvent"]
        hosts = {b.get("id"): b.get("attachedToRef")
                 for b in container.iterfind("bpmn:boundaryEvent", bpmn.NS)}
        self.edges = [(hosts.get(f.get("sourceRef"), f.get("sourceRef")), f.get("targetRef"))
                      for f in container.iterfind("bpmn:sequenceFlow", bpmn.NS)]

    def layout(self) -> tuple[dict[str, Box], float, list[float]]:
        """Boxes of every node inside (relative to the top left), the width, band heights."""
        inner, sizes = {}, {}
        for node in self.nodes:
            if _local(node) in CONTAINERS:
                boxes, width, bands = _Container(node).layout()
                inner[node.get("id")] = boxes
                sizes[node.get("id")] = (width, sum(bands))
            else:
                sizes[node.get("id")] = SIZES[_kind(node)]
        order, layer = _layers([n.get("id") for n in self.nodes], self.edges)
        lanes = self._lanes(order)
        columns = _columns(order, layer, sizes)
        boxes, bands = self._stack(order, layer, lanes, sizes, columns)
        for node_id, children in inner.items():
            boxes.update({k: b.moved(boxes[node_id].x, boxes[node_id].y)
                          for k, b in children.items()})
        width = max((b.x + b.w for b in boxes.values()), default=2 * PAD) + PAD
        return boxes, width, bands

    def _lanes(self, order: list[str]) -> dict[str, int]:
        by_id = {n.get("id"): n for n in self.nodes}
        placed: dict[str, int] = {}
        for node_id in order:
            predecessors = [s for s, t in self.edges if t == node_id]
            placed[node_id] = self.lane_rule(by_id[node_id], predecessors, placed) \
                if self.lane_rule else 0
        return placed

    def _stack(self, order, layer, lanes, sizes, columns):
        """Nodes of one lane and column stack downwards, one or more slots each."""
        slots: dict[str, tuple[int, int]] = {}
        used: dict[tuple[int, int], int] = {}
        for node_id in order:
            cell = (lanes[node_id], layer[node_id])
            needed = max(1, math.ceil((sizes[node_id][1] + GAP_Y) / (ROW + GAP_Y)))
            slots[node_id] = (used.get(cell, 0), needed)
            used[cell] = used.get(cell, 0) + needed
        count = max(lanes.values(), default=0) + 1
        heights = [max([n for (lane, _), n in used.items() if lane == i] or [1]) * (ROW + GAP_Y)
                   - GAP_Y + 2 * PAD for i in range(count)]
        tops = [sum(heights[:i]) for i in range(count)]
        boxes = {}
        for node_id in order:
            w, h = sizes[node_id]
            top = tops[lanes[node_id]] + PAD + slots[node_id][0] * (ROW + GAP_Y)
            x, column_width = columns[layer[node_id]]
            offset = (ROW - h) / 2 if h < ROW else 0
            boxes[node_id] = Box(x + (column_width - w) / 2, top + offset, w, h)
        return boxes, heights


def _layers(ids: list[str], edges: list[tuple[str, str]]) -> tuple[list[str], dict[str, int]]:
    """Depth-first order from the sources and each node's longest distance from them,
    ignoring the edges that close a loop (back to a node still being visited)."""
    successors = {i: [t for s, t in edges if s == i and t in ids] for i in ids}
    targets = {t for _, t in edges}
    order, state, forward = [], {}, []
    roots = [i for i in ids if i not in targets] + ids

    def visit(node_id: str) -> None:
        state[node_id] = "open"
        order.append(node_id)
        for target in successors[node_id]:
            if state.get(target) != "open":
                forward.append((node_id, target))
            if target not in state:
                visit(target)
        state[node_id] = "done"

    for root in roots:
        if root not in state:
            visit(root)
    layer = {i: 0 for i in ids}
    for _ in ids:  # longest path by relaxation; the forward edges form no cycle
        changed = False
        for source, target in forward:
            if layer[target] < layer[source] + 1:
                layer[target], changed = layer[source] + 1, True
        if not changed:
            break
    return order, layer


def _columns(order, layer, sizes) -> dict[int, tuple[float, float]]:
    """x and width of every column."""
    widths: dict[int, float] = {}
    for node_id in order:
        widths[layer[node_id]] = max(widths.get(layer[node_id], 0), sizes[node_id][0])
    columns, x = {}, PAD
    for index in sorted(widths):
        columns[index] = (x, widths[index])
        x += widths[index] + GAP_X
    return columns


def _route(source: Box, target: Box, *, from_bottom: bool) -> list[tuple[float, float]]:
    """Right-angled waypoints; flows back to an earlier column go round underneath."""
    ty = target.y + target.h / 2
    if from_bottom:
        sx, sy = source.x + source.w / 2, source.y + source.h
        return [(sx, sy), (sx, ty), (target.x, ty)] if ty > sy else \
            [(sx, sy), (sx, sy + 20), (target.x - 20, sy + 20), (target.x - 20, ty), (target.x, ty)]
    sx, sy = source.x + source.w, source.y + source.h / 2
    if target.x >= sx:
        if abs(ty - sy) < 1:
            return [(sx, sy), (target.x, ty)]
        middle = (sx + target.x) / 2
        return [(sx, sy), (middle, sy), (middle, ty), (target.x, ty)]
    below = max(source.y + source.h, target.y + target.h) + 20
    return [(source.x + source.w / 2, source.y + source.h), (source.x + source.w / 2, below),
            (target.x + target.w / 2, below), (target.x + target.w / 2, target.y + target.h)]


def _n(value: float) -> str:
    return str(int(round(value)))
