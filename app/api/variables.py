"""Variables a client sends with a start or a completion: plain JSON, or Camunda 7's typed
values (`{"amount": {"value": 3, "type": "Integer"}}`), which a client written for Camunda's
REST API sends. Typed values become the plain JSON the forms validate, so everything after
this point (the form's schema, the fields the engine owns) sees one shape.

A variable is read as typed only when it is an object whose keys are among value, type and
valueInfo and whose `type` names one of Camunda's value types: a form field that is itself
an object keeps its shape.
"""
from __future__ import annotations

import json
from datetime import date, datetime

from app.services.workflow.errors import InvalidInput

TYPED_KEYS = {"value", "type", "valueInfo"}
_INT_RANGES = {"short": 2**15, "integer": 2**31, "long": 2**63}


def from_body(body: dict) -> dict:
    """The body's `variables` ({} when absent) as plain JSON; a 400 names what is wrong."""
    variables = body.get("variables", {})
    if not isinstance(variables, dict):
        raise InvalidInput("variables must be a JSON object",
                           errors=[{"field": "variables", "message": "expected an object"}])
    return {name: plain(name, value) for name, value in variables.items()}


def is_typed(value: object) -> bool:
    return (isinstance(value, dict) and "type" in value and set(value) <= TYPED_KEYS
            and isinstance(value["type"], str) and value["type"].lower() in _CONVERTERS)


def plain(name: str, value: object) -> object:
    if not is_typed(value):
        return value
    kind = value["type"].lower()
    try:
        return _CONVERTERS[kind](value.get("value"), value.get("valueInfo") or {})
    except (TypeError, ValueError) as err:
        message = f"{value['type']} value of {name}: {err}"
        raise InvalidInput(message, code="invalid_typed_variable",
                           errors=[{"field": f"variables/{name}", "message": message}]) from None


def _string(value, _info):
    if value is not None and not isinstance(value, str):
        raise TypeError("expected a string")
    return value


def _boolean(value, _info):
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise TypeError("expected true or false")


def _whole(kind: str):
    def convert(value, _info):
        if value is None:
            return None
        if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
            raise TypeError("expected a whole number")
        number = int(value) if isinstance(value, (int, float)) else int(str(value).strip())
        if not -_INT_RANGES[kind] <= number < _INT_RANGES[kind]:
            raise ValueError(f"out of the {kind} range")
        return number
    return convert


def _double(value, _info):
    if value is None:
        return None
    if isinstance(value, bool):
        raise TypeError("expected a number")
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        raise ValueError("expected a finite number")
    return number


def _date(value, _info):
    """Camunda writes 2026-12-03T10:00:00.000+0800; kept as ISO 8601 text with its offset."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("expected an ISO 8601 date or date-time")
    text = value.strip()
    if len(text) == 10:
        return date.fromisoformat(text).isoformat()
    if len(text) > 5 and text[-5] in "+-" and text[-4:].isdigit():  # +0800 -> +08:00
        text = f"{text[:-2]}:{text[-2:]}"
    return datetime.fromisoformat(text.replace("Z", "+00:00")).isoformat()


def _json(value, _info):
    return json.loads(value) if isinstance(value, str) else value


def _object(value, info):
    if info.get("serializationDataFormat", "application/json") != "application/json":
        raise ValueError("only application/json objects are accepted")
    return _json(value, info)


def _null(value, _info):
    if value is not None:
        raise TypeError("a Null variable has no value")
    return None


def _unsupported(_value, _info):
    raise ValueError("files go to the instance's attachments (POST …/attachments)")


_CONVERTERS = {
    "string": _string, "boolean": _boolean, "short": _whole("short"),
    "integer": _whole("integer"), "long": _whole("long"), "double": _double, "date": _date,
    "json": _json, "object": _object, "null": _null, "bytes": _unsupported,
    "file": _unsupported,
}
