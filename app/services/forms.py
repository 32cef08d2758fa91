"""JSON Schema forms of user tasks: loading them and validating submitted data."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from app.models import HumanTask, ProcessDefinition
from app.services.errors import InvalidInput


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
    return None


def task_form(definition: ProcessDefinition, task: HumanTask) -> tuple[dict | None, dict | None]:
    forms = definition.forms or {}
    return forms.get(task.form_schema or ""), forms.get(task.form_ui_schema or "")


def validate(schema: dict | None, data: object) -> dict:
    """Return the data if it satisfies the schema; otherwise list every field error (400)."""
    if not isinstance(data, dict):
        raise InvalidInput("variables must be a JSON object",
                           errors=[{"field": "", "message": "expected an object"}])
    if schema is None:
        return data
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path))
    if errors:
        raise FormInvalid([Failure("/".join(str(p) for p in e.absolute_path) or _missing(e),
                                   str(e.validator), e.validator_value, e.message)
                           for e in errors])
    return data


def _missing(error) -> str:
    if error.validator == "required":
        return str(error.message).split("'")[1] if "'" in error.message else ""
    return ""
