"""The API's blueprint and what every handler shares."""
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, request

from app.api.openapi import requests as contract
from app.api.representations import camel
from app.services.workflow.errors import InvalidInput

bp = Blueprint("api", __name__, url_prefix="/api")
bp.before_request(contract.check_json_body)  # a field the contract does not list is refused
bp.after_request(contract.check_accepted)  # under test: what was accepted, the contract takes


def json_object() -> dict:
    """The request body as a JSON object ({} when empty); anything else is a 400."""
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


@contextmanager
def camel_case_errors(names: dict[str, str] | None = None) -> Iterator[None]:
    """Service errors name snake_case fields (the pages' form names); an API client sent
    camelCase ones: rename the head of each field path (by `names` when given, else
    camelCased)."""
    try:
        yield
    except InvalidInput as err:
        for error in err.errors:
            head, _, rest = error["field"].partition("/")
            head = names.get(head, head) if names is not None else camel(head)
            error["field"] = "/".join(filter(None, (head, rest)))
        raise
