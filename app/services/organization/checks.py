"""What the organization and staff services share: checking input, writing with an audit.

A form or an API client should be able to fix everything in one go, so the checks below
report into a `Problems` list instead of raising; the service raises once at the end.
Fields are named as the JSON API spells them (camelCase), which the HTML forms reuse.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.http_inputs import MAX_ID
from app.models import Department, db
from app.services import calendar
from app.services.workflow import audit
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound


class Problems:
    """The problems found in one request, as the API's `errors` list."""

    def __init__(self) -> None:
        self.errors: list[dict] = []

    def add(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def __len__(self) -> int:
        return len(self.errors)

    def raise_if_any(self, code: str, what: str) -> None:
        if self.errors:
            raise InvalidInput(f"the {what} is not valid ({len(self.errors)} problem(s))",
                               code=code, errors=self.errors)


@dataclass(frozen=True)
class Text:
    attr: str  # the model attribute the field sets
    max_length: int
    required: bool = False
    nullable: bool = False  # blank is stored as NULL rather than ""


def clean_texts(data: Mapping, spec: Mapping[str, Text], problems: Problems, *,
                partial: bool) -> dict:
    """Model attribute -> stripped text for the fields present; `partial` is a PATCH."""
    values = {}
    for field, rule in spec.items():
        if field not in data:
            if rule.required and not partial:
                problems.add(field, "required")
            continue
        raw = data[field]
        if raw is not None and not isinstance(raw, str):
            problems.add(field, "must be text")
            continue
        text = (raw or "").strip()
        if rule.required and not text:
            problems.add(field, "required")
        elif len(text) > rule.max_length:
            problems.add(field, f"at most {rule.max_length} characters")
        else:
            values[rule.attr] = None if rule.nullable and not text else text
    return values


def choice(data: Mapping, field: str, options: tuple[str, ...], problems: Problems,
           *, required: bool) -> str | None:
    """The value if it is one of `options`; None when absent (reported if required)."""
    value = data.get(field)
    if value is None:
        if required:
            problems.add(field, f"required: one of {', '.join(options)}")
        return None
    if value not in options:
        problems.add(field, f"must be one of {', '.join(options)}")
        return None
    return value


def flag(data: Mapping, field: str, problems: Problems) -> bool | None:
    value = data.get(field)
    if value is not None and not isinstance(value, bool):
        problems.add(field, "must be true or false")
        return None
    return value


TICKED = ("true", "on", "1", "y", "yes")  # what a ticked HTML checkbox may post
UNTICKED = ("", "false", "off", "0", "n", "no")  # and what a form says for "no"


def ticked(value) -> bool | None:
    """A yes/no from JSON (a boolean) or from an HTML form (a checkbox's text); None when it
    is neither."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        return True if text in TICKED else False if text in UNTICKED else None
    return None


def past_day(value, field: str, problems: Problems, *, required: bool = False) -> date | None:
    """A date (YYYY-MM-DD or a date) no later than today; blank is None, or "required"."""
    if value in (None, ""):
        if required:
            problems.add(field, "required")
        return None
    try:
        day = value if isinstance(value, date) else date.fromisoformat(value)
    except (TypeError, ValueError):
        problems.add(field, "expected a date YYYY-MM-DD")
        return None
    if day > calendar.today():
        problems.add(field, "a date after today")
    return day


def required_text(value, field: str, detail: str, code: str) -> str:
    """The text a person must give (a reason, an answer), stripped; else a 400 naming it."""
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise InvalidInput(detail, code=code, errors=[{"field": field, "message": "required"}])
    return text


def names_among(chosen, known) -> bool:
    """A JSON list of names, each one of `known` (a list or an object is no name)."""
    return isinstance(chosen, list) and all(isinstance(p, str) and p in known for p in chosen)


def as_id(value) -> int | None:
    """An id from JSON (an integer) or from an HTML form (a string of digits)."""
    if isinstance(value, str) and value.strip().isdecimal():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    return value if 0 < value <= MAX_ID else None  # past a database key: no such row


def row_by_id(model, data: Mapping, field: str, problems: Problems, *, what: str):
    """The row `data[field]` names by id; None (reported) when missing or not found."""
    if data.get(field) in (None, ""):
        problems.add(field, "required")
        return None
    row_id = as_id(data[field])
    row = db.session.get(model, row_id) if row_id is not None else None
    if row is None:
        problems.add(field, f"no {what} with id {data[field]!r}")
    return row


def set_reference(values: dict, attr: str, model, data: Mapping, field: str,
                  problems: Problems, *, what: str, partial: bool, nullable: bool = False):
    """Put the id of the row `data[field]` names into values[attr] and return the row.

    Absent fields are left alone on a PATCH (`partial`); a blank one clears a nullable
    reference; anything else must name an existing row.
    """
    if field not in data and partial:
        return None
    if nullable and data.get(field) in (None, ""):
        values[attr] = None
        return None
    row = row_by_id(model, data, field, problems, what=what)
    if row is not None:
        values[attr] = row.id
    return row


def department_named(value) -> Department | None:
    """A department by id (an integer) or by code (text)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return db.session.get(Department, value)
    if isinstance(value, str) and value.strip():
        return db.session.scalar(sa.select(Department).where(Department.code == value.strip()))
    return None


def get_or_404(model, row_id: int, what: str):
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(f"{what} {row_id} does not exist", code=f"{what}_not_found")
    return row


def refuse_taken(model, column, value, own_id: int | None, *, code: str, what: str) -> None:
    """Conflict if another row already has `value` in a column meant to be unique."""
    query = sa.select(model.id).where(column == value)
    if own_id is not None:
        query = query.where(model.id != own_id)
    if db.session.scalar(query.limit(1)) is not None:
        raise Conflict(f"{what} {value!r} is already taken", code=code)


def apply_changes(row, values: Mapping) -> dict:
    """Set the attributes; return {attr: [before, after]} of those that really changed."""
    changes = {}
    for attr, value in values.items():
        before = getattr(row, attr)
        if before != value:
            changes[attr] = [before, value]
            setattr(row, attr, value)
    return changes


def commit(conflict_code: str) -> None:
    """Commit; a unique index hit by a concurrent request becomes a 409, not a 500."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Conflict("a concurrent change took the same code or name; try again",
                       code=conflict_code) from None


def record_created(row, actor: Actor, subject: str, conflict_code: str, **detail):
    """Insert, audit `<subject>.created` and commit."""
    db.session.add(row)
    db.session.flush()
    audit.record(actor, f"{subject}.created", **{f"{subject}_id": row.id}, **detail)
    commit(conflict_code)
    return row


def audit_changes(row, changes: dict, actor: Actor, subject: str, conflict_code: str):
    """Audit `<subject>.updated` (or deactivated, reactivated) with the changes and commit."""
    if changes:  # a PATCH that changes nothing records nothing
        audit.record(actor, f"{subject}.{_verb(changes)}", **{f"{subject}_id": row.id},
                     changes=changes)
        commit(conflict_code)
    return row


def _verb(changes: dict) -> str:
    """Closing and reopening are worth telling apart from edits in the audit trail."""
    return {(True, False): "deactivated", (False, True): "reactivated"}.get(
        tuple(changes.get("active", ())), "updated")
