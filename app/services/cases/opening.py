"""A case (办件) opened with the instance that handles it.

A start whose variables name an item (`item_code`, with the `applicant`) opens a case of the
item's current version; the process reads the item's facts, and for 联审联办 the departments'
branches, from the start. Registered with the platform's instances at app start.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.models import Item, ProcessInstance
from app.models.catalog import JOINT
from app.services import cases, joint
from app.services.workflow import instances
from app.services.workflow.actor import Actor


@dataclass(frozen=True)
class Subject:
    item: Item
    applicant: dict


def register() -> None:
    instances.open_with(instances.Opener(subject=subject, variables=process_variables,
                                         open=open_case))


def subject(variables: dict) -> Subject | None:
    """The item and applicant a start names, taken out of its variables."""
    item_code, applicant = variables.pop("item_code", None), variables.pop("applicant", None)
    if not item_code:
        return None
    applicant = dict(applicant or {})
    if variables.get("applicant_id_number"):  # stays a start variable as well
        applicant.setdefault("id_number", variables["applicant_id_number"])
    return Subject(cases.item_by_code(item_code), applicant)


def add_start_variables(provider: Callable[[Subject], dict]) -> None:
    """A rule that sets process variables of a start from what the server knows (a 全程代办
    start marks its case 重大项目); it overrides whatever the start's payload sent."""
    if provider not in _providers:
        _providers.append(provider)


_providers: list[Callable[[Subject], dict]] = []


def process_variables(found: Subject) -> dict:
    variables = found.item.as_process_variables()
    if found.item.kind == JOINT:
        variables.update(joint.start_variables(found.item))
    # 重大项目及招商引资项目: the window ticks it at intake; never the start's payload.
    variables["major_project"] = False
    for provider in _providers:
        variables.update(provider(found))
    return variables


def open_case(instance: ProcessInstance, found: Subject, actor: Actor) -> None:
    cases.open_case(instance, found.item, found.applicant, actor)
