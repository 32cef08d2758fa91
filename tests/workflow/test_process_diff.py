"""Comparing two versions of a process (services.process_diff) and the diagram generated for
documents without one (services.bpmn_layout), on variants of tests/data/two_step.bpmn."""
import re

import pytest
from lxml import etree

from app.engine import bpmn
from app.services.workflow import bpmn_layout, process_diff
from tests.conftest import DATA

BASE = (DATA / "two_step.bpmn").read_text("utf-8")
SECOND = '<bpmn:userTask id="second" name="Second step"/>'
LAST_FLOW = '<bpmn:sequenceFlow id="f4" sourceRef="second" targetRef="end"/>'
WITH_NOTICE = ('<bpmn:sequenceFlow id="f4" sourceRef="second" targetRef="notify"/>'
               '<bpmn:scriptTask id="notify" name="Notify"><bpmn:script>sent = True</bpmn:script>'
               '</bpmn:scriptTask><bpmn:sequenceFlow id="f5" sourceRef="notify" targetRef="end"/>')


@pytest.fixture(autouse=True)
def context(app):
    with app.app_context():
        yield


def variant(*replacements: tuple[str, str], xml: str = BASE) -> str:
    for old, new in replacements:
        assert old in xml, old  # a variant that silently equals the base would prove nothing
        xml = xml.replace(old, new)
    return xml


def by_id(changes) -> dict:
    return {c.id: c for c in changes}


def test_identical_documents_have_no_differences():
    diff = process_diff.compare(BASE, BASE)
    assert not diff.semantic_changes and not diff.layout_only and diff.unified == ""


def test_a_renamed_task_is_changed_by_name_and_shows_in_the_text_diff():
    diff = process_diff.compare(BASE, variant((SECOND, SECOND.replace("Second step", "Check"))))
    assert list(by_id(diff.changed)) == ["second"]
    assert by_id(diff.changed)["second"].aspects == ["name"]
    assert by_id(diff.changed)["second"].name == "Check"
    assert not diff.added and not diff.removed
    assert f"-    {SECOND}" in diff.unified and '+    <bpmn:userTask id="second" name="Check"/>' \
        in diff.unified


def test_script_and_extension_changes_are_named():
    diff = process_diff.compare(BASE, variant(
        ("total = amount * 2", "total = amount * 3"),
        ("two_step_first.schema.json", "other.schema.json")))
    changed = by_id(diff.changed)
    assert set(changed) == {"calc", "first"}
    assert changed["calc"].aspects == ["script"] and changed["first"].aspects == ["extensions"]


def test_added_task_changes_the_flows_around_it():
    diff = process_diff.compare(BASE, variant((LAST_FLOW, WITH_NOTICE)))
    assert set(by_id(diff.added)) == {"notify", "f5"}
    assert by_id(diff.added)["notify"].type == "scriptTask"
    changed = by_id(diff.changed)
    assert set(changed) == {"f4", "end"}
    assert changed["f4"].aspects == ["attributes"]  # targetRef
    assert changed["end"].aspects == ["incoming"]
    assert not diff.removed


def test_removed_elements_are_those_only_in_the_old_version():
    diff = process_diff.compare(variant((LAST_FLOW, WITH_NOTICE)), BASE)
    assert set(by_id(diff.removed)) == {"notify", "f5"} and not diff.added


def test_a_changed_type_is_reported():
    diff = process_diff.compare(BASE, variant((SECOND, SECOND.replace("userTask", "manualTask"))))
    assert by_id(diff.changed)["second"].aspects == ["type"]


def test_prefixes_comments_and_written_out_flows_are_not_changes():
    """What bpmn-js does when it saves: other prefixes, no comments, incoming/outgoing."""
    rewritten = variant(("bpmn:", "semantic:"), ("xmlns:bpmn=", "xmlns:semantic="),
                        ('<semantic:userTask id="second" name="Second step"/>',
                         '<!-- note --><semantic:userTask id="second" name="Second step">\n'
                         '      <semantic:incoming>f3</semantic:incoming>\n'
                         '      <semantic:outgoing>f4</semantic:outgoing>\n'
                         '    </semantic:userTask>'))
    diff = process_diff.compare(BASE, rewritten)
    assert not diff.semantic_changes and not diff.layout_only and diff.unified


def _move(xml: str, element: str, dx: int) -> str:
    pattern = rf'(bpmnElement="{element}"[^>]*>\s*<dc:Bounds x=")(\d+)'
    moved, count = re.subn(pattern, lambda m: m.group(1) + str(int(m.group(2)) + dx), xml)
    assert count == 1
    return moved


def test_moving_a_shape_is_layout_only():
    drawn = bpmn_layout.with_diagram(BASE)
    diff = process_diff.compare(drawn, _move(drawn, "second", 40))
    assert diff.layout_only == ["second"] and diff.only_layout
    assert not diff.changed and not diff.added and not diff.removed


def test_a_moved_and_renamed_task_is_changed_not_layout_only():
    drawn = bpmn_layout.with_diagram(BASE)
    renamed = _move(drawn, "second", 40).replace('name="Second step"', 'name="Check"')
    diff = process_diff.compare(drawn, renamed)
    assert [c.id for c in diff.changed] == ["second"] and diff.layout_only == []


def test_forms_added_removed_and_changed():
    diff = process_diff.compare(BASE, BASE, {"a.json": {}, "b.json": {"title": "B"}},
                                {"b.json": {"title": "B2"}, "c.json": {}})
    assert (diff.forms_added, diff.forms_removed, diff.forms_changed) == (
        ["c.json"], ["a.json"], ["b.json"])
    assert diff.semantic_changes and not diff.only_layout


# --- the generated diagram ------------------------------------------------------------------

def _bounds(tree) -> dict[str, tuple[float, float, float, float]]:
    ns = {"bpmndi": bpmn_layout.BPMNDI, "dc": bpmn_layout.DC}
    return {s.get("bpmnElement"): tuple(float(s.find("dc:Bounds", ns).get(k))
                                        for k in ("x", "y", "width", "height"))
            for s in tree.iterfind(".//bpmndi:BPMNShape", ns)}


def _inside(inner, outer) -> bool:
    return (outer[0] <= inner[0] and inner[0] + inner[2] <= outer[0] + outer[2]
            and outer[1] <= inner[1] and inner[1] + inner[3] <= outer[1] + outer[3])


def test_generated_diagram_draws_every_node_in_its_lane():
    tree = etree.fromstring(bpmn_layout.with_diagram(BASE).encode())
    shapes = _bounds(tree)
    assert set(shapes) == {"p1", "lane_clerk", "lane_leader", "start", "first", "calc", "second",
                           "end"}
    edges = {e.get("bpmnElement") for e in tree.iter(f"{{{bpmn_layout.BPMNDI}}}BPMNEdge")}
    assert edges == {"f1", "f2", "f3", "f4"}
    assert _inside(shapes["first"], shapes["lane_clerk"])
    assert _inside(shapes["second"], shapes["lane_leader"])
    assert shapes["start"][0] < shapes["first"][0] < shapes["calc"][0] < shapes["second"][0]


def test_generated_diagram_keeps_the_process_and_nests_sub_processes():
    source = (DATA.parent.parent / "processes" / "service_item.bpmn").read_text("utf-8")
    without = re.sub(r"<bpmndi:BPMNDiagram.*</bpmndi:BPMNDiagram>", "", source, flags=re.S)
    drawn = bpmn_layout.with_diagram(without)
    diff = process_diff.compare(without, drawn)
    assert not diff.semantic_changes  # only a diagram was added
    shapes = _bounds(etree.fromstring(drawn.encode()))
    assert _inside(shapes["window_review"], shapes["handling"])
    assert _inside(shapes["department_decision"], shapes["handling"])
    assert not bpmn.validate(etree.ElementTree(etree.fromstring(drawn.encode())), "drawn.bpmn")


def test_a_document_with_a_diagram_is_left_alone():
    drawn = bpmn_layout.with_diagram(BASE)
    assert bpmn_layout.with_diagram(drawn) == drawn
    assert bpmn_layout.with_diagram("<not xml") == "<not xml"
