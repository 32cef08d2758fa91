"""Every operation of the contract says who may call it (`x-permission`) and shows an
example of what it takes and what it answers; every example is valid against the schema it
illustrates, so an example cannot drift from the contract."""
from __future__ import annotations

import jsonschema
import pytest

from app.api import openapi

DOCUMENT = openapi.document()
METHODS = ("get", "put", "post", "patch", "delete")
OPERATIONS = [(path, method, operation) for path, operations in DOCUMENT["paths"].items()
              for method, operation in operations.items() if method in METHODS]
IDS = [f"{method.upper()} {path}" for path, method, _ in OPERATIONS]


def _json_content(holder: dict) -> dict | None:
    return (holder.get("content") or {}).get("application/json")


def _examples(media: dict) -> list:
    found = [entry["value"] for entry in (media.get("examples") or {}).values()
             if "value" in entry]
    return found + ([media["example"]] if "example" in media else [])


def _resolved(holder: dict) -> dict:
    while "$ref" in holder:
        section, name = holder["$ref"].split("/")[-2:]
        holder = DOCUMENT["components"][section][name]
    return holder


def _success_media(operation: dict) -> list[dict]:
    return [media for code, answer in operation["responses"].items() if code.startswith("2")
            if (media := _json_content(_resolved(answer))) is not None]


@pytest.mark.parametrize("path, method, operation", OPERATIONS, ids=IDS)
def test_an_operation_says_who_may_call_it(path, method, operation):
    permission = operation.get("x-permission")
    assert isinstance(permission, str) and permission.strip(), \
        f"{method.upper()} {path} has no x-permission"


@pytest.mark.parametrize("path, method, operation", OPERATIONS, ids=IDS)
def test_an_operation_shows_what_it_takes_and_answers(path, method, operation):
    where = f"{method.upper()} {path}"
    body = _json_content(_resolved(operation.get("requestBody", {})))
    if body is not None:
        assert _examples(body), f"{where}: no example of its JSON body"
    answers = _success_media(operation)
    if answers:
        assert any(_examples(media) for media in answers), f"{where}: no example of its answer"


@pytest.mark.parametrize("path, method, operation", OPERATIONS, ids=IDS)
def test_every_example_meets_its_schema(path, method, operation):
    body = _json_content(_resolved(operation.get("requestBody", {})))
    medias = ([body] if body is not None else []) + _success_media(operation)
    for media in medias:
        schema = {**media.get("schema", {}), "components": DOCUMENT["components"]}
        for example in _examples(media):
            jsonschema.Draft202012Validator(schema).validate(example)
