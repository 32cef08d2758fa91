"""JSON Schema forms of user tasks: loading them and validating submitted data."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from app.models import HumanTask, ProcessDefinition
from app.services.workflow.errors import InvalidInput


@dataclass(frozen=True)
class Failure:
    """One failed check: the field's path ("note", "materials/0"; for `required` the missing
    field; "" for the whole form), the JSON Schema keyword that failed (required, minLength,
    ...), that keyword's value in the schema, and jsonschema's (English) message."""
    field: str
    keyword: str
    expected: object
    message: str


class FormInvalid(InvalidInput):
    """A submitted form failed its schema. `errors` (field, message) is what the API shows;
    `failures` lets a page word each problem in the reader's language."""

    def __init__(self, failures: list[Failure]):
        super().__init__(f"{len(failures)} field(s) failed validation", code="form_invalid",
                         errors=[{"field": f.field, "message": f.message} for f in failures])
        self.failures = failures


# A submission is data, not state: only what the task's form declares reaches the workflow,
# never a name the engine or a domain sets (item, department, deadlines, rules), and not more
# than a form of text can hold.
MAX_SUBMISSION_BYTES = 256 * 1024
_reserved: dict[str, str] = {}  # variable name -> who sets it


def reserve(names: Iterable[str], owner: str) -> None:
    """Variables `owner` sets and every form is refused: at deployment and at submission."""
    for name in names:
        _reserved[name] = owner


def reserved_names() -> dict[str, str]:
    return dict(_reserved)


def load_dir(directory: str) -> dict[str, dict]:
    """Every *.json in the forms directory, by file name."""
    return {path.name: json.loads(path.read_text("utf-8"))
            for path in sorted(Path(directory).glob("*.json"))}


def schema_problem(name: str, document: dict) -> str | None:
    if name.endswith(".uischema.json") or "uischema" in name:
        return None if isinstance(document, dict) else "a UI schema must be a JSON object"
    try:
        Draft202012Validator.check_schema(document)
    except SchemaError as err:
        return f"not a valid JSON Schema: {err.message}"
    taken = sorted(set(_declared(document)) & set(_reserved))
    if taken:
        return (f"declares {', '.join(taken)}, set by {_reserved[taken[0]]}: "
                "a form may not write what the engine decides")
    return None


def _declared(schema: dict | None) -> dict:
    properties = (schema or {}).get("properties")
    return properties if isinstance(properties, dict) else {}


def task_form(definition: ProcessDefinition, task: HumanTask) -> tuple[dict | None, dict | None]:
    forms = deployed_forms(definition)
    return forms.get(task.form_schema or ""), forms.get(task.form_ui_schema or "")


def form_variables(schema: dict | None, data: dict) -> dict:
    """The fields the form declares with the values the task holds for them, typed as
    Camunda's `GET /task/{id}/form-variables` answers: {name: {value, type}}; a field the
    task holds no value for is Null."""
    return {name: {"value": data.get(name), "type": _camunda_type(data.get(name))}
            for name in _declared(schema)}


def _camunda_type(value) -> str:
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer" if -2**31 <= value < 2**31 else "Long"
    if isinstance(value, float):
        return "Double"
    return "String" if isinstance(value, str) else "Json"


_deployed: dict[str, dict] = {}


def deployed_forms(definition: ProcessDefinition) -> dict:
    """The definition's forms, read from the database once per worker: a deployed version
    never changes (a change is a new version), so every completion need not read them."""
    key = f"{definition.id}:{definition.sha256}"
    if key not in _deployed:
        if len(_deployed) >= 256:  # bound the cache; a few versions are in use at a time
            _deployed.clear()
        _deployed[key] = definition.forms or {}
    return _deployed[key]


def validate(schema: dict | None, data: object) -> dict:
    """Return the data if it satisfies the schema; otherwise list every field error (400)."""
    if not isinstance(data, dict):
        raise InvalidInput("variables must be a JSON object",
                           errors=[{"field": "", "message": "expected an object"}])
    _refuse_what_the_form_does_not_own(schema, data)
    if len(json.dumps(data, ensure_ascii=False).encode()) > MAX_SUBMISSION_BYTES:
        raise InvalidInput(f"the submission is larger than {MAX_SUBMISSION_BYTES} bytes",
                           code="form_too_large")
    if schema is None:
        return data
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise FormInvalid([Failure("/".join(str(p) for p in e.absolute_path) or _missing(e),
                                   str(e.validator), e.validator_value, e.message)
                           for e in errors])
    return data


def _refuse_what_the_form_does_not_own(schema: dict | None, data: dict) -> None:
    declared = _declared(schema)
    foreign = sorted(name for name in data if name not in declared or name in _reserved)
    if foreign:
        raise InvalidInput(
            f"not fields of this task's form: {', '.join(foreign)}", code="form_field_undeclared",
            errors=[{"field": name, "message": "set by the engine, not by a form"
                     if name in _reserved else "not a field of this task's form"}
                    for name in foreign])


def _missing(error) -> str:
    if error.validator == "required":
        return str(error.message).split("'")[1] if "'" in error.message else ""
    return ""
