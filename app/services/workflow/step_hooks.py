"""What a step hands to the code plugged into the platform, in the step's transaction.

The platform runs the engine and stores the workflow; it knows nothing of cases or of the
levels a message goes to. At app start the domain registers here:
- an effect applier: what the step's scripts emitted (`emit`), applied after the save;
- a message outbox: what the step threw, taken from the workflow before it is dumped and
  recorded after the save.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from SpiffWorkflow.bpmn import BpmnWorkflow

from app.models import ProcessInstance
from app.services.workflow.actor import Actor

Applier = Callable[[ProcessInstance, list, Actor], None]
Taker = Callable[[BpmnWorkflow], Any]
Recorder = Callable[[ProcessInstance, Any, Actor], None]

_appliers: list[Applier] = []
_outboxes: list[tuple[Taker, Recorder]] = []


def on_effects(applier: Applier) -> None:
    if applier not in _appliers:
        _appliers.append(applier)


def on_thrown(take: Taker, record: Recorder) -> None:
    if (take, record) not in _outboxes:
        _outboxes.append((take, record))


def take_thrown(workflow: BpmnWorkflow) -> list:
    """Before the dump: each outbox's share of what the step threw."""
    return [take(workflow) for take, _ in _outboxes]


def after_save(instance: ProcessInstance, effects: list, thrown: list, actor: Actor) -> None:
    for applier in _appliers:
        applier(instance, effects, actor)
    for (_, record), taken in zip(_outboxes, thrown):
        record(instance, taken, actor)
