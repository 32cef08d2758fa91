"""Safe parsing and validation of BPMN documents (and the DMN decision tables their business
rule tasks call) into SpiffWorkflow specs.

Everything refused here is reported with the file, line and element id it concerns.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from SpiffWorkflow.bpmn.parser.util import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.parser.task_spec import SubWorkflowParser

from app.engine.scripting import compile_expression, compile_script
from app.engine.subprocess_inputs import PREFIX as INPUT_PREFIX
from app.engine.subprocess_inputs import ScopedSubWorkflowTask

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
}
MAX_ELEMENTS = 20_000


@dataclass
class Problem:
    file: str
    message: str
    line: int | None = None
    element: str | None = None
    # A stable code and its values, so that a page can word the problem in its language.
    code: str | None = None
    name: str = ""  # the element's name, for people
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "element": self.element,
                "message": self.message, "code": self.code, "name": self.name,
                "params": self.params}


@dataclass
class BpmnInvalid(Exception):
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return "; ".join(f"{p.file}:{p.line} {p.element or ''} {p.message}" for p in self.problems)


class Parser(SpiffBpmnParser):
    """SpiffWorkflow's parser, with embedded sub-processes that may declare their inputs."""
    OVERRIDE_PARSER_CLASSES = {**SpiffBpmnParser.OVERRIDE_PARSER_CLASSES,
                               full_tag("subProcess"): (SubWorkflowParser, ScopedSubWorkflowTask)}


def _hardened_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           dtd_validation=False, huge_tree=False, remove_pis=True)


def parse_xml(data: bytes, filename: str, max_bytes: int) -> etree._ElementTree:
    """Parse untrusted XML: no DTD, no entities, no network, bounded size."""
    if len(data) > max_bytes:
        raise BpmnInvalid([Problem(filename, f"file is larger than {max_bytes} bytes")])
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise BpmnInvalid([Problem(filename, "DTDs and entity declarations are not allowed")])
    try:
        tree = etree.ElementTree(etree.fromstring(data, _hardened_parser()))
    except etree.XMLSyntaxError as err:
        raise BpmnInvalid([Problem(filename, f"not well-formed XML: {err.msg}",
                                   line=err.lineno)]) from None
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise BpmnInvalid([Problem(filename, "DTDs are not allowed")])
    if sum(1 for _ in tree.iter()) > MAX_ELEMENTS:
        raise BpmnInvalid([Problem(filename, f"more than {MAX_ELEMENTS} XML elements")])
    return tree


def _element_id(node) -> str | None:
    while node is not None:
        if node.get("id"):
            return node.get("id")
        node = node.getparent()
    return None


def _problem(filename: str, node, message: str) -> Problem:
    return Problem(filename, message, line=node.sourceline, element=_element_id(node))


# Element texts that the engine evaluates as Python, and how each is compiled.
_EXPRESSIONS = (".//bpmn:conditionExpression", ".//bpmn:timeDate", ".//bpmn:timeDuration",
                ".//bpmn:timeCycle", ".//bpmn:completionCondition", ".//bpmn:loopCardinality",
                ".//spiffworkflow:messagePayload")
_SCRIPTS = (".//bpmn:script", ".//spiffworkflow:preScript", ".//spiffworkflow:postScript")


def check_code(tree, filename: str) -> list[Problem]:
    problems = []
    for xpath, compiler in [(x, compile_expression) for x in _EXPRESSIONS] + \
                           [(x, compile_script) for x in _SCRIPTS]:
        for node in tree.iterfind(xpath, NS):
            if not (node.text or "").strip():
                continue
            try:
                compiler(node.text)
            except SyntaxError as err:
                problems.append(_problem(filename, node, f"code does not compile: {err}"))
    return problems + _check_inputs(tree, filename)


def _check_inputs(tree, filename: str) -> list[Problem]:
    """A sub-process's declared inputs (`input:<variable>` properties): a variable name and
    an expression that compiles."""
    problems = []
    for node in tree.iterfind(".//spiffworkflow:property", NS):
        name = node.get("name") or ""
        if not name.startswith(INPUT_PREFIX):
            continue
        variable, expression = name[len(INPUT_PREFIX):], (node.get("value") or "").strip()
        if not variable.isidentifier() or variable.startswith("_"):
            problems.append(_input_problem(filename, node, "input_not_a_name", variable,
                                           "is not a variable name"))
        elif not expression:
            problems.append(_input_problem(filename, node, "input_without_expression", variable,
                                           "has no expression"))
        else:
            try:
                compile_expression(expression)
            except SyntaxError as err:
                problems.append(_input_problem(filename, node, "input_does_not_compile",
                                               variable, f"does not compile: {err}"))
    return problems


def _input_problem(filename: str, node, code: str, variable: str, what: str) -> Problem:
    found = _problem(filename, node, f"input '{variable}' {what}")
    found.code, found.params = code, {"variable": variable}
    holder = node.getparent()
    while holder is not None and not holder.get("id"):
        holder = holder.getparent()
    found.name = holder.get("name") or "" if holder is not None else ""
    return found


def form_references(tree) -> list[tuple[object, str]]:
    """(userTask node, form file name) for each form a user task names."""
    refs = []
    for task in tree.iterfind(".//bpmn:userTask", NS):
        for prop in task.iterfind(".//spiffworkflow:property", NS):
            if prop.get("name") in ("formJsonSchemaFilename", "formUiSchemaFilename"):
                refs.append((task, prop.get("value") or ""))
    return refs


def check_element_types(tree, filename: str, parser: SpiffBpmnParser) -> list[Problem]:
    known = set(parser.PARSER_CLASSES) | set(getattr(parser, "OVERRIDE_PARSER_CLASSES", {}))
    problems = []
    for process in tree.iterfind(".//bpmn:process", NS):
        for node in process.iter():
            tag = node.tag if isinstance(node.tag, str) else ""
            local = etree.QName(tag).localname if tag else ""
            is_flow_node = local.endswith(("Task", "Gateway", "Event")) or local in (
                "task", "subProcess", "callActivity", "transaction")
            if tag.startswith("{%s}" % NS["bpmn"]) and is_flow_node and tag not in known:
                found = _problem(filename, node, f"unsupported element bpmn:{local}")
                found.code, found.params = "unsupported_element", {"element": f"bpmn:{local}"}
                found.name = node.get("name") or ""
                problems.append(found)
    return problems


def process_ids(tree) -> list[tuple[str, str]]:
    """(id, name) of every executable process in the document."""
    return [(p.get("id"), p.get("name") or p.get("id"))
            for p in tree.iterfind(".//bpmn:process", NS)
            if p.get("isExecutable", "true") != "false"]


def build_specs(tree, filename: str, process_id: str, decisions: tuple = ()):
    """Parse the document into (spec, subprocess_specs), or raise BpmnInvalid. `decisions`
    are the (file name, parsed DMN tree) pairs its business rule tasks call."""
    parser = Parser()
    try:
        for name, dmn in decisions:
            parser.add_dmn_xml(dmn.getroot(), name)
        parser.add_bpmn_xml(tree, filename)
        return parser.get_spec(process_id), parser.get_subprocess_specs(process_id)
    except ValidationException as err:
        raise BpmnInvalid([Problem(filename, err.message if hasattr(err, "message") else str(err),
                                   line=getattr(err, "line_number", None) or None,
                                   element=getattr(err, "id", None) or None)]) from None


def validate(tree, filename: str) -> list[Problem]:
    """Everything we can check without the forms: element types and code."""
    return check_element_types(tree, filename, Parser()) + check_code(tree, filename)


# --- DMN decision tables --------------------------------------------------------------------

DMN_NAMESPACES = ("https://www.omg.org/spec/DMN/20191111/MODEL/",
                  "http://www.omg.org/spec/DMN/20180521/MODEL/",
                  "http://www.omg.org/spec/DMN/20151101/dmn.xsd")
# The engine replaces a `?` outside quotes by the input's value (DMNEngine.evaluate).
_INPUT_MARK = re.compile(r"(\?)(?=(?:[^'\"]|['\"][^'\"]*['\"])*$)")


def parse_dmn(data: bytes, filename: str, max_bytes: int) -> etree._ElementTree:
    """Parse an untrusted DMN file like BPMN (no DTD, entities or network), then insist on
    a DMN document whose elements the engine can find: the DMN namespace as the default
    namespace or under the prefix `dmn`."""
    tree = parse_xml(data, filename, max_bytes)
    root = tree.getroot()
    namespace = root.nsmap.get(None) or root.nsmap.get("dmn")
    if etree.QName(root).localname != "definitions" or namespace not in DMN_NAMESPACES \
            or etree.QName(root).namespace != namespace:
        raise BpmnInvalid([Problem(filename, "not a DMN document (dmn:definitions in the DMN "
                                   "1.1, 1.2 or 1.3 namespace, default or prefix dmn)",
                                   line=root.sourceline)])
    return tree


def _dmn(tree, path: str) -> list:
    root = tree.getroot()
    namespace = root.nsmap.get(None) or root.nsmap.get("dmn")
    return root.xpath(path, namespaces={"dmn": namespace})


def decision_ids(tree) -> list[str]:
    return [d.get("id") for d in _dmn(tree, ".//dmn:decision") if d.get("id")]


def check_dmn(tree, filename: str) -> list[Problem]:
    """One decision holding one decision table (all the engine supports), and every
    expression in it restricted Python that compiles."""
    decisions = _dmn(tree, ".//dmn:decision")
    if len(decisions) != 1 or not decisions[0].get("id"):
        return [Problem(filename, "a DMN file must hold exactly one decision with an id")]
    tables = _dmn(tree, ".//dmn:decisionTable")
    if len(tables) != 1:
        return [_problem(filename, decisions[0], "the decision must hold one decision table")]
    problems: list[Problem] = []
    inputs = []  # each input's expression; None when it does not compile itself
    for node in _dmn(tree, ".//dmn:decisionTable/dmn:input/dmn:inputExpression/dmn:text"):
        found = _compiles(filename, node, (node.text or "").strip())
        problems += found
        inputs.append(None if found else (node.text or "").strip())
    for node in _dmn(tree, ".//dmn:outputEntry/dmn:text"):
        problems += _compiles(filename, node, (node.text or "").strip())
    for rule in _dmn(tree, ".//dmn:rule"):
        entries = rule.findall("{*}inputEntry")
        if len(entries) != len(inputs):
            problems.append(_problem(filename, rule, f"the rule has {len(entries)} input "
                                     f"entries for {len(inputs)} inputs"))
            continue
        problems += [p for entry, source in zip(entries, inputs) if source is not None
                     for p in _input_entry(filename, entry, source)]
    return problems


def _compiles(filename: str, node, text: str) -> list[Problem]:
    if not text:
        return []
    try:
        compile_expression(text)
    except SyntaxError as err:
        return [_problem(filename, node, f"code does not compile: {err}")]
    return []


def _input_entry(filename: str, entry, source: str) -> list[Problem]:
    """How DMNEngine evaluates an entry: `-` matches anything; with `?` the entry is an
    expression of the input; a plain value is compared with ==; anything else is appended
    to the input expression, so `in [...]` must be written `? in [...]`."""
    node = entry.find("{*}text")
    text = (node.text or "").strip() if node is not None else ""
    if text in ("", "-"):
        return []
    if _INPUT_MARK.search(text):
        return _compiles(filename, node, _INPUT_MARK.sub("dmninputexpr", text))
    try:
        compile_expression(text)
        return _compiles(filename, node, f"({source}) == ({text})")
    except SyntaxError:
        pass
    if text[0].isalpha() or text[0] == "_":
        return [_problem(filename, node, f"write '? {text}' to compare the input with '{text}'")]
    return _compiles(filename, node, source + text)


def decision_references(tree) -> list[tuple[object, str]]:
    """(businessRuleTask node, decision id) for every business rule task of the document."""
    refs = []
    for task in tree.iterfind(".//bpmn:businessRuleTask", NS):
        called = task.find(".//spiffworkflow:calledDecisionId", NS)
        refs.append((task, (called.text or "").strip() if called is not None else ""))
    return refs
