"""Structure analysis of a process graph: unreachable flow nodes and dead ends, reported
per element with its id, name and a stable code (services/workflow/process_structure)."""
from app.engine import bpmn
from app.services.workflow import process_structure
from tests.conftest import DATA

TWO_STEP = (DATA / "two_step.bpmn").read_text("utf-8")
END = '<bpmn:endEvent id="end"/>'


def problems(xml: str) -> dict[str, tuple[str, str]]:
    tree = bpmn.parse_xml(xml.encode(), "t.bpmn", 10_000_000)
    return {p.element: (p.code, p.name) for p in process_structure.check(tree, "t.bpmn")}


def test_a_connected_process_has_no_problem():
    assert problems(TWO_STEP) == {}


def test_a_disconnected_task_is_unreachable_and_a_dead_end_is_named():
    xml = TWO_STEP.replace(END, END + '<bpmn:userTask id="orphan" name="孤立任务"/>')
    assert problems(xml) == {"orphan": ("bpmn_unreachable", "孤立任务")}


def test_a_branch_that_never_reaches_an_end_is_a_dead_end():
    # An exclusive choice after the first step: one branch goes on, the other stops at a task.
    xml = TWO_STEP.replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="calc"/>',
        '<bpmn:sequenceFlow id="f2" sourceRef="first" targetRef="choice"/>'
        '<bpmn:exclusiveGateway id="choice" name="是否受理"/>'
        '<bpmn:sequenceFlow id="yes" sourceRef="choice" targetRef="calc"/>'
        '<bpmn:sequenceFlow id="no" sourceRef="choice" targetRef="stuck"/>'
        '<bpmn:userTask id="stuck" name="退回"/>')
    assert problems(xml) == {"stuck": ("bpmn_dead_end", "退回")}


def test_a_loop_without_exit_is_a_dead_end_for_every_node_in_it():
    xml = TWO_STEP.replace('targetRef="end"/>', 'targetRef="calc"/>')
    found = problems(xml)
    assert found == {i: ("bpmn_dead_end", n) for i, n in
                     [("start", ""), ("first", "First step"), ("calc", "Calc"),
                      ("second", "Second step")]} | {"end": ("bpmn_unreachable", "")}


def test_boundary_timers_and_their_paths_pass():
    assert problems((DATA / "timer_reminder.bpmn").read_text("utf-8")) == {}


def test_a_boundary_driven_path_may_end_without_an_end_event():
    # The reminder branch of a non-interrupting timer just sends and completes: an
    # implicit end, legitimate on a boundary path (the main path needs its end event).
    xml = (DATA / "timer_reminder.bpmn").read_text("utf-8").replace(
        '<bpmn:sequenceFlow id="f4" sourceRef="send_reminder" targetRef="reminded"/>', "")
    assert problems(xml) == {"reminded": ("bpmn_unreachable", "")}


def test_a_sub_process_is_its_own_scope():
    xml = TWO_STEP.replace(
        '<bpmn:userTask id="second" name="Second step"/>',
        '<bpmn:subProcess id="second" name="Second step">'
        '<bpmn:startEvent id="s_start"/><bpmn:sequenceFlow id="s1" sourceRef="s_start" '
        'targetRef="s_task"/><bpmn:userTask id="s_task" name="内部"/>'
        '<bpmn:userTask id="s_lost" name="内部孤立"/></bpmn:subProcess>')
    assert problems(xml) == {"s_start": ("bpmn_dead_end", ""), "s_task": ("bpmn_dead_end", "内部"),
                             "s_lost": ("bpmn_unreachable", "内部孤立")}


def test_link_events_continue_the_path():
    xml = TWO_STEP.replace(
        '<bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="second"/>',
        '<bpmn:sequenceFlow id="f3" sourceRef="calc" targetRef="jump"/>'
        '<bpmn:intermediateThrowEvent id="jump"><bpmn:linkEventDefinition name="A"/>'
        '</bpmn:intermediateThrowEvent><bpmn:intermediateCatchEvent id="land">'
        '<bpmn:linkEventDefinition name="A"/></bpmn:intermediateCatchEvent>'
        '<bpmn:sequenceFlow id="f3b" sourceRef="land" targetRef="second"/>')
    assert problems(xml) == {}
