"""Every JSON request body is held to its operation's schema in the contract, so what the
contract says an operation takes is what it takes.

Request bodies are closed: an object whose schema lists its properties (itself or through
`$ref`, `allOf`, `anyOf`, `oneOf`) and says nothing of others takes no others. A field the
contract does not list is refused before the handler runs (400 `unknown_field`, naming
each), with nothing read or written: a payload cannot slip in what the engine decides.
Answers stay open, as the document publishes them: a client ignores a field it does not
know. (Not `unevaluatedProperties: false`: it forgets the properties of a branch that fails
for another reason, and would call every field of a body with one wrong value unknown.)

Types, enums and ranges are the handlers' to refuse, with their own stable codes and every
problem named at once (`invalid_letter`, `form_invalid`, ...), after the caller's right to
act is checked. The contract holds them too, and under test (CONTRACT_CHECK_ACCEPTED, on in
a TESTING app) a body a handler accepted that the contract refuses fails the request: the
contract and the code cannot drift apart without a test noticing (the fuzz test sends
bodies the contract allows and bodies it does not).

An operation whose body is held to a schema of its own, published per resource (a case
start, by its item's start schema), says so in `x-body-validated-by` and is left to it.
"""
from __future__ import annotations

import re
from functools import lru_cache

from flask import Response, current_app, g, request
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from app.api import openapi
from app.services.workflow.errors import InvalidInput

BASE = "urn:govflow:openapi"
_CONVERTER = re.compile(r"<(?:[a-z]+:)?([a-z_]+)>")
_OPEN = ("additionalProperties", "unevaluatedProperties", "patternProperties")
_COMPOSED = ("allOf", "anyOf", "oneOf")
UNKNOWN = "is not a field this operation takes"


def check_json_body() -> None:
    """The blueprint's before-request hook: refuse a field the operation does not take; keep
    what else the contract finds for `check_accepted`."""
    g.contract_errors = []
    if request.url_rule is None or not request.is_json:
        return
    path, method = openapi_path(request.url_rule.rule), request.method.lower()
    schema = body_schema(path, method)
    if schema is None:
        return
    body = request.get_json(silent=True)
    if body is None:
        if request.get_data():
            return  # not JSON: the handler says so in its own words
        body = {}  # the handlers read an empty body as {}
    unknown = unknown_fields(schema, body)
    if unknown:
        raise InvalidInput(f"{unknown[0]['field']} {UNKNOWN}", code="unknown_field",
                           errors=unknown)
    if not _checking_accepted():
        return  # the full check serves only check_accepted: not on production's hot path
    if isinstance(body, dict):  # a field sent as null is taken as not sent
        body = {name: value for name, value in body.items() if value is not None}
    errors = sorted(validator_for(path, method).iter_errors(body), key=lambda e: list(e.path))
    g.contract_errors = [entry for error in errors for entry in field_errors(error)]


def check_accepted(response: Response) -> Response:
    """The after-request hook under test (CONTRACT_CHECK_ACCEPTED, on in a TESTING app): a
    body the handler accepted must be one the contract takes, or the two have drifted."""
    if 200 <= response.status_code < 300 and _checking_accepted() and g.get("contract_errors"):
        raise ContractDrift(f"{request.method} {request.path} accepted a body its contract "
                            f"refuses: {g.contract_errors}")
    return response


def _checking_accepted() -> bool:
    return current_app.config.get("CONTRACT_CHECK_ACCEPTED", current_app.testing)


class ContractDrift(AssertionError):
    """A handler took what the contract says it does not: fix one of the two."""


def openapi_path(rule: str) -> str:
    """`/api/tasks/<int:task_id>` → `/api/tasks/{task_id}`."""
    return _CONVERTER.sub(r"{\1}", rule)


def body_schema(path: str, method: str) -> dict | None:
    """The JSON body schema of that operation, or None when it takes none (or its body is
    held to a schema of its own: `x-body-validated-by`)."""
    operation = openapi.document_view()["paths"].get(path, {}).get(method) or {}
    if "x-body-validated-by" in operation:
        return None
    content = operation.get("requestBody", {}).get("content", {})
    return content.get("application/json", {}).get("schema")


@lru_cache(maxsize=None)
def validator_for(path: str, method: str) -> Draft202012Validator | None:
    """The validator of that operation's JSON body, or None when it takes none."""
    if body_schema(path, method) is None:
        return None
    pointer = "/".join(["paths", _escape(path), method, "requestBody", "content",
                        _escape("application/json"), "schema"])
    return Draft202012Validator({"$ref": f"{BASE}#/{pointer}"}, registry=_registry())


def unknown_fields(schema: dict, value, where: tuple[str, ...] = ()) -> list[dict]:
    """Every field of `value` a closed object of `schema` does not list, by its path."""
    parts = _parts(schema)
    found: list[dict] = []
    if isinstance(value, dict):
        listed: dict[str, list[dict]] = {}
        for part in parts:
            for name, sub in part.get("properties", {}).items():
                listed.setdefault(name, []).append(sub)
        closed = listed and not any(key in part for part in parts for key in _OPEN)
        for name, item in value.items():
            if closed and name not in listed:
                found.append({"field": "/".join((*where, name)), "message": UNKNOWN})
            for sub in listed.get(name, []):
                found += unknown_fields(sub, item, (*where, name))
    elif isinstance(value, list):
        for part in parts:
            if isinstance(part.get("items"), dict):
                for index, item in enumerate(value):
                    found += unknown_fields(part["items"], item, (*where, str(index)))
    return list({entry["field"]: entry for entry in found}.values())


def field_errors(error: ValidationError) -> list[dict]:
    """What a client reads: the field's JSON path (a/b/0) and what is wrong with it."""
    where = [str(part) for part in error.path]
    if error.validator == "required":
        return [{"field": "/".join(where + [name]), "message": "is required"}
                for name in error.validator_value if name not in error.instance]
    return [{"field": "/".join(where),
             "message": _said(error.validator, error.validator_value, error.message)}]


def _said(keyword: str, value, fallback: str) -> str:
    """What is wrong, without echoing the value sent (it may be long, or a secret)."""
    words = {
        "type": lambda: "must be " + " or ".join(value if isinstance(value, list) else [value]),
        "enum": lambda: "must be one of: " + ", ".join(map(str, value)),
        "const": lambda: f"must be {value}",
        "minLength": lambda: f"must be at least {value} characters long",
        "maxLength": lambda: f"must be at most {value} characters long",
        "minimum": lambda: f"must be at least {value}",
        "maximum": lambda: f"must be at most {value}",
        "minItems": lambda: f"must hold at least {value} entries",
        "maxItems": lambda: f"must hold at most {value} entries",
        "pattern": lambda: f"must match {value}",
        "format": lambda: f"must be a {value}",
    }
    return words[keyword]() if keyword in words else fallback[:200]


@lru_cache(maxsize=1)
def _registry() -> Registry:
    resource = Resource.from_contents(openapi.document_view(),
                                      default_specification=DRAFT202012)
    return Registry().with_resource(BASE, resource)


def _parts(schema: dict) -> list[dict]:
    """The schema and every schema it is made of ($ref targets, allOf/anyOf/oneOf branches)."""
    if not isinstance(schema, dict):
        return []
    parts = [schema]
    if "$ref" in schema:
        parts += _parts(_resolve(schema["$ref"]))
    for key in _COMPOSED:
        for branch in schema.get(key, []):
            parts += _parts(branch)
    return parts


def _resolve(reference: str) -> dict:
    return _registry().resolver(BASE).lookup(reference).contents


def _escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")
