"""Workflow (de)serialization without the process spec, plus the data types we allow.

Specs are stored once per process version; each instance stores only its task tree.
"""
from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from app.engine import parking

SERIALIZER_VERSION = "1.5"  # SpiffWorkflow 3.2's format; stored per instance row


class InstanceOnlyConverter(BpmnWorkflowConverter):
    """Leaves the specs out of the document; they come from the version's cached parse."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs or {}, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _build_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = InstanceOnlyConverter
    registry = BpmnWorkflowSerializer.configure(config)
    # Task data may hold dates and decimals (deadlines, fees); the defaults reject both.
    registry.register(date, lambda v: {"value": v.isoformat()},
                      lambda d: date.fromisoformat(d["value"]))
    registry.register(Decimal, lambda v: {"value": str(v)}, lambda d: Decimal(d["value"]))
    return BpmnWorkflowSerializer(registry, version=SERIALIZER_VERSION)


SERIALIZER = _build_serializer()


PARTS_KEY = "govflow_parts"  # [[sub-process id, summary], ...], one line each after the first


def dumps(workflow: BpmnWorkflow) -> str:
    """The workflow as lines: the workflow without its sub-processes first, then each
    sub-process, loaded ones converted afresh and parked ones as they were read."""
    registry = SERIALIZER.registry
    registry._encoder_mode = True  # what serialize_json sets while it converts
    try:
        dct = SERIALIZER.to_dict(workflow)
        parking.restore_branch_tasks(dct["tasks"], workflow, registry.restore)
        loaded = dct.pop("subprocesses")
        summaries = parking.summarize(workflow)
        encode = SERIALIZER._encoder_cls
        lines = {key: json.dumps(sub, cls=encode) for key, sub in loaded.items()}
    finally:
        registry._encoder_mode = False
    parts = [[key, summaries[key]] for key in lines]
    for key, part in parking.kept_for_dump(workflow).items():
        parts.append([key, part.summary])
        lines[key] = part.line
    dct.update({"subprocesses": {}, PARTS_KEY: parts, SERIALIZER.VERSION_KEY: SERIALIZER.VERSION})
    return "\n".join([json.dumps(dct, cls=encode), *(lines[key] for key, _ in parts)])


def loads(text: str, spec, subprocess_specs, *, focus: str | None = None,
          narrow: bool = False) -> BpmnWorkflow:
    """The workflow; with `narrow`, only the sub-processes a step with this focus must run
    (`parking.choose`), the others attached as text. A document of one line (written before
    the split, or without sub-processes) holds them inside."""
    dct, parts = _split(text)
    wanted = (parking.choose([(key, summary) for key, summary, _ in parts], focus)
              if narrow and dct.get(SERIALIZER.VERSION_KEY) == SERIALIZER.VERSION else None)
    held = {}
    for key, summary, line in parts:
        if wanted is None or key in wanted:
            dct["subprocesses"][key] = json.loads(line)
        else:
            held[key] = parking.Parked(summary, line)
    blanked = parking.blank_branch_tasks(dct["tasks"], held)
    SERIALIZER.migrate(dct)
    workflow = SERIALIZER.registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
    parking.attach(workflow, held, blanked)
    return workflow


def document(text: str) -> dict:
    """The whole stored document as one dict, sub-processes inside (as SpiffWorkflow has it)."""
    dct, parts = _split(text)
    for key, _summary, line in parts:
        dct["subprocesses"][key] = json.loads(line)
    return dct


def _split(text: str) -> tuple[dict, list[tuple[str, dict, str]]]:
    """The first line parsed, and each sub-process listed there: its id, summary and line."""
    head, _, rest = text.partition("\n")
    dct = json.loads(head)
    parts = dct.pop(PARTS_KEY, [])
    lines = rest.split("\n") if rest else []
    if len(lines) != len(parts):
        raise ValueError(f"the document lists {len(parts)} sub-processes and holds {len(lines)}")
    return dct, [(key, summary, line) for (key, summary), line in zip(parts, lines)]


def convert_event(event) -> dict:
    """A BPMN event as plain JSON, for an outbox row."""
    return SERIALIZER.registry.convert(event)
