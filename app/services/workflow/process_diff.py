"""What changed between two versions of a process: elements added, removed and changed (by
id), moves on the diagram that change nothing else, the forms, and the XML as a text diff.

An element is compared by its meaning: type, name, attributes, script, conditions, the
flows in and out, extension elements and any other content. Diagram interchange (BPMN DI)
is compared on its own, so redrawing shows up as "layout only", never as a change."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from flask import current_app
from lxml import etree

from app.engine import bpmn
from app.models import ProcessDefinition
from app.services.workflow.bpmn_layout import BPMNDI

BPMN = "{%s}" % bpmn.NS["bpmn"]
# Elements whose children with an id are compared as elements of their own; deeper ids
# (event definitions, loop characteristics) are part of the element that holds them.
CONTAINERS = {"definitions", "process", "subProcess", "transaction", "adHocSubProcess",
              "collaboration", "laneSet", "childLaneSet"}
DERIVED = {"incoming", "outgoing"}  # bpmn-js writes them, hand-written files may not
ASPECTS = {"script": "script", "preScript": "script", "postScript": "script",
           "conditionExpression": "condition", "extensionElements": "extensions"}


@dataclass
class Element:
    id: str
    type: str
    name: str
    aspects: dict[str, object] = field(default_factory=dict)  # aspect -> comparable value


@dataclass
class Change:
    id: str
    type: str
    name: str
    aspects: list[str] = field(default_factory=list)  # what differs, for `changed`


@dataclass
class ProcessDiff:
    added: list[Change]
    removed: list[Change]
    changed: list[Change]
    layout_only: list[str]  # ids whose shape or edge moved, nothing else
    forms_added: list[str]
    forms_removed: list[str]
    forms_changed: list[str]
    unified: str

    @property
    def semantic_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.forms_added
                    or self.forms_removed or self.forms_changed)

    @property
    def only_layout(self) -> bool:
        return not self.semantic_changes and bool(self.layout_only)


def compare_versions(old: ProcessDefinition, new: ProcessDefinition) -> ProcessDiff:
    return compare(old.bpmn_xml, new.bpmn_xml, old.forms or {}, new.forms or {},
                   labels=(f"{old.key} v{old.version}", f"{new.key} v{new.version}"))


def compare(old_xml: str, new_xml: str, old_forms: dict | None = None,
            new_forms: dict | None = None, labels: tuple[str, str] = ("a", "b")) -> ProcessDiff:
    old_tree, new_tree = _parse(old_xml), _parse(new_xml)
    before, after = elements(old_tree), elements(new_tree)
    changed = [Change(i, after[i].type, after[i].name or before[i].name, aspects)
               for i in after if i in before and (aspects := _differences(before[i], after[i]))]
    moved = _layout(old_tree).items() ^ _layout(new_tree).items()
    touched = {c.id for c in changed}
    old_forms, new_forms = old_forms or {}, new_forms or {}
    return ProcessDiff(
        added=[_summary(after[i]) for i in after if i not in before],
        removed=[_summary(before[i]) for i in before if i not in after],
        changed=changed,
        layout_only=sorted({i for i, _ in moved if i in before and i in after} - touched),
        forms_added=sorted(set(new_forms) - set(old_forms)),
        forms_removed=sorted(set(old_forms) - set(new_forms)),
        forms_changed=sorted(n for n in set(old_forms) & set(new_forms)
                             if old_forms[n] != new_forms[n]),
        unified="".join(difflib.unified_diff(
            old_xml.splitlines(keepends=True), new_xml.splitlines(keepends=True),
            fromfile=labels[0], tofile=labels[1])))


def _parse(xml: str):
    return bpmn.parse_xml(xml.encode("utf-8"), "diff", current_app.config["MAX_BPMN_BYTES"])


def _summary(element: Element) -> Change:
    return Change(element.id, element.type, element.name)


def _differences(before: Element, after: Element) -> list[str]:
    found = [a for a in ("type", "name") if getattr(before, a) != getattr(after, a)]
    return found + [a for a in sorted(set(before.aspects) | set(after.aspects))
                    if before.aspects.get(a) != after.aspects.get(a)]


def elements(tree) -> dict[str, Element]:
    """Every element with an id outside the diagram, described by what it means."""
    found: dict[str, Element] = {}
    _collect(tree.getroot(), found)
    incoming: dict[str, set[str]] = {}
    outgoing: dict[str, set[str]] = {}
    for flow in tree.iterfind(".//bpmn:sequenceFlow", bpmn.NS):
        outgoing.setdefault(flow.get("sourceRef"), set()).add(flow.get("id"))
        incoming.setdefault(flow.get("targetRef"), set()).add(flow.get("id"))
    for element_id, element in found.items():
        for aspect, flows in (("incoming", incoming), ("outgoing", outgoing)):
            if element_id in flows:
                element.aspects[aspect] = sorted(flows[element_id])
    return found


def _collect(container, found: dict[str, Element]) -> None:
    for child in container:
        if not isinstance(child.tag, str) or child.tag == f"{{{BPMNDI}}}BPMNDiagram":
            continue
        if child.get("id"):
            found[child.get("id")] = _describe(child)
        if etree.QName(child).localname in CONTAINERS:
            _collect(child, found)


def _describe(node) -> Element:
    element = Element(node.get("id"), etree.QName(node).localname, node.get("name", ""))
    attributes = {k: v for k, v in node.attrib.items() if k not in ("id", "name")}
    if attributes:
        element.aspects["attributes"] = sorted(attributes.items())
    if (node.text or "").strip():
        element.aspects["text"] = node.text.strip()
    nested = etree.QName(node).localname in CONTAINERS
    for child in node:
        if not isinstance(child.tag, str) or (nested and child.get("id")):
            continue  # comments; a container's members are elements of their own
        local = etree.QName(child).localname
        if child.tag.startswith(BPMN) and local in DERIVED:
            continue
        aspect = ASPECTS.get(local, "content")
        element.aspects.setdefault(aspect, []).append(_canonical(child))
    return element


def _canonical(node) -> tuple:
    """A subtree as comparable values: prefixes, comments and surrounding blanks do not count."""
    return (node.tag, tuple(sorted(node.attrib.items())), (node.text or "").strip(),
            tuple(_canonical(c) for c in node if isinstance(c.tag, str)))


def _layout(tree) -> dict[str, tuple]:
    """Each diagram element's geometry, by the id of the element it draws."""
    return {shape.get("bpmnElement"): _canonical_geometry(shape)
            for shape in tree.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge")}


def _canonical_geometry(shape) -> tuple:
    attributes = tuple(sorted((k, v) for k, v in shape.attrib.items() if k != "id"))
    return attributes, tuple(_canonical(c) for c in shape if isinstance(c.tag, str))
