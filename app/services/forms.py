"""JSON Schema forms of user tasks: loading them and validating submitted data."""
from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from app.models import HumanTask, ProcessDefinition
from app.services.errors import InvalidInput


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
        raise InvalidInput(
            f"{len(errors)} field(s) failed validation", code="form_invalid",
            errors=[{"field": "/".join(str(p) for p in e.absolute_path) or _missing(e),
                     "message": e.message} for e in errors])
    return data


def _missing(error) -> str:
    if error.validator == "required":
        return str(error.message).split("'")[1] if "'" in error.message else ""
    return ""
