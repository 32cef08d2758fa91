"""Who may take in which item (接件), and what a case process may be started with.

Enforced where every start passes (instances.start, for the API and the pages alike): a
process that handles items is started only for an item it handles, by someone who staffs a
window of the item's department (or an administrator), with nothing but the item and the
applicant; the item's facts are copied by the engine, never sent by the caller.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from jsonschema import Draft202012Validator

from app.models import Item, ProcessDefinition, User, db
from app.models.identity import WINDOW_CLERK
from app.services import catalog
from app.services.workflow import instances
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden, InvalidInput, NotFound

# What a window sends to start a case: the item and the applicant, nothing the engine sets.
START_SCHEMA = {
    "type": "object", "required": ["item_code", "applicant"], "additionalProperties": False,
    "properties": {
        "item_code": {"type": "string", "minLength": 1, "maxLength": 64},
        "applicant": {"type": "object", "required": ["name"], "additionalProperties": False,
                      "properties": {"name": {"type": "string", "minLength": 1,
                                              "maxLength": 200},
                                     "phone": {"type": "string", "maxLength": 40},
                                     "email": {"type": "string", "maxLength": 200}}},
        "applicant_id_number": {"type": "string", "maxLength": 40},
    },
}
_START_VALIDATOR = Draft202012Validator(START_SCHEMA)
# Who else takes an item in on an applicant's behalf (the center's 代办员 for a project on
# its mandate: app.services.agency), registered at app start.
_intake_permits: list[Callable[[User, Item], bool]] = []


class StartInvalid(InvalidInput):
    status, code, title = 422, "start_invalid", "The process cannot be started so"


def register() -> None:
    instances.guard_start(check_start)


def permit_intake(rule: Callable[[User, Item], bool]) -> None:
    if rule not in _intake_permits:
        _intake_permits.append(rule)


def items_for(user: User) -> list[Item]:
    """The current items `user` may take in at a window."""
    if user.is_admin:
        return catalog.listing()
    return [item for item in catalog.listing() if may_take_in(user, item)]


def may_take_in(user: User, item: Item) -> bool:
    return user.is_admin or any(m.role == WINDOW_CLERK and m.department_id == item.department_id
                                for m in user.memberships) or any(
        permits(user, item) for permits in _intake_permits)


def handles_items(key: str) -> bool:
    """A case process: one the catalog names for some item."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item).where(
        Item.process_key == key)) > 0


def error_field(error) -> str:
    """The field a jsonschema error is about, as a path: applicant/name."""
    path = "/".join(str(p) for p in error.absolute_path)
    if error.validator == "required" and "'" in error.message:  # "'name' is a required …"
        return "/".join(filter(None, (path, error.message.split("'")[1])))
    if error.validator == "additionalProperties" and "'" in error.message:
        return "/".join(filter(None, (path, error.message.split("'")[1])))
    return path


def check_start(definition: ProcessDefinition, actor: Actor, variables: dict) -> None:
    """Refuse (nothing created) a start that is not a window's for an item it handles."""
    if actor.user is None:  # the services' own starts (三级联动 relays) pass
        return
    if not handles_items(definition.key) and "item_code" not in variables:
        return
    errors = [{"field": error_field(e), "message": e.message}
              for e in _START_VALIDATOR.iter_errors(variables)]
    if errors:
        raise StartInvalid(f"{definition.key} starts a case with an item and its applicant only",
                           errors=errors)
    try:
        item = catalog.current(variables["item_code"])
    except NotFound as err:
        raise StartInvalid(err.detail, code="item_not_found", field="item_code") from None
    if item.process_key != definition.key:
        raise StartInvalid(f"{item.code} is handled by {item.process_key}, not {definition.key}",
                           code="item_process_mismatch", field="item_code")
    if not may_take_in(actor.user, item):
        raise Forbidden(f"{actor.user.username} does not staff a window taking in {item.code}",
                        code="may_not_take_in")
