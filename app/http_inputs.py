"""What requests may carry: ids are database keys (PostgreSQL `integer`), a page is at most
500 rows, and no text holds a NUL (PostgreSQL cannot store one). Anything else is a 400
naming it, never an error from the database (a 500)."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask, Request, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from app.services.workflow import working_days
from app.services.workflow.errors import InvalidInput

MAX_ID = 2**31 - 1
MAX_PAGE = 500


class IdOutOfRange(BadRequest):
    name = "Id out of range"  # the problem's code: id_out_of_range


class DatabaseId(IntegerConverter):
    """`<int:…>` in every route: a path id the database cannot hold is a bad request."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > MAX_ID:
            raise IdOutOfRange(f"{value} is not an id (ids are at most {MAX_ID})")
        return number


class InvalidCharacters(BadRequest):
    name = "Invalid characters"  # the problem's code: invalid_characters


def _refuse_nul(where: str, texts) -> None:
    for text in texts:
        if "\x00" in text:
            raise InvalidCharacters(f"the {where} contains a NUL character")


class NumberOutOfRange(BadRequest):
    name = "Number out of range"  # the problem's code: number_out_of_range


# I-JSON (RFC 7493): an integer beyond what a double holds exactly does not survive other
# systems' parsers, and nothing here counts that far (ids, amounts in fen, days).
MAX_JSON_INTEGER = 2**53 - 1


MAX_JSON_DEPTH = 32  # no form or API body nests deeper; a deeper one is an attack


def _strings(value: Any):
    """Every key and string of a JSON document, depth first, without recursion; a document
    nested deeper than MAX_JSON_DEPTH, or holding an integer past MAX_JSON_INTEGER, is
    refused."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise TooDeep(f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
        if isinstance(item, str):
            yield item
        elif isinstance(item, int) and not -MAX_JSON_INTEGER <= item <= MAX_JSON_INTEGER:
            raise NumberOutOfRange(f"the JSON body holds {item}, beyond ±{MAX_JSON_INTEGER}")
        elif isinstance(item, dict):
            yield from item.keys()
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)


class TooDeep(BadRequest):
    name = "JSON too deep"  # the problem's code: json_too_deep


class CheckedRequest(Request):
    """A JSON body is refused when any of its texts holds a NUL or it nests too deep,
    wherever it is read."""

    def get_json(self, *args, **kwargs):
        document = super().get_json(*args, **kwargs)
        if not getattr(self, "_json_checked", False):
            _refuse_nul("JSON body", _strings(document))
            self._json_checked = True
        return document


def refuse_nul_characters() -> None:
    _refuse_nul("address", [request.path])
    _refuse_nul("query", [t for pair in request.args.items(multi=True) for t in pair])
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if None in (*request.form.keys(), *request.files.keys()):
            raise InvalidCharacters("a part of the form has no name")
        _refuse_nul("form", [t for pair in request.form.items(multi=True) for t in pair])


def db_int(text: str) -> int:
    """A `type=` for request arguments: out of range reads as not given (the default)."""
    value = int(text)
    if not -MAX_ID <= value <= MAX_ID:
        raise ValueError(f"{text} is out of range")
    return value


def page_args(args: MultiDict, default_limit: int = 100) -> dict:
    """`limit` (1–500) and `offset` (0 or more) of a listing, refused by name when wrong."""
    found = {}
    for name, default, low, high in (("limit", default_limit, 1, MAX_PAGE),
                                     ("offset", 0, 0, MAX_ID)):
        text = args.get(name)
        try:
            value = default if text in (None, "") else int(text)
        except ValueError:
            value = None
        if value is None or not low <= value <= high:
            message = f"{name} must be a whole number from {low} to {high}"
            raise InvalidInput(message, code="invalid_page",
                               errors=[{"field": name, "message": message}])
        found[name] = value
    return found


def moment_arg(args: MultiDict, name: str) -> datetime | None:
    """An ISO 8601 moment (`2026-03-02T09:30:00+08:00`) or date (`2026-03-02`, meaning the
    start of that day), from 1900 to 2999; without an offset, in the center's time zone.
    None when not given; anything else is refused by name."""
    text = args.get(name)
    if text in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(text)  # a date alone reads as its midnight
    except ValueError:
        moment = None
    if moment is None or not 1900 <= moment.year <= 2999:  # beyond, no task is due
        message = "an ISO 8601 date or date-time from 1900 to 2999"
        raise InvalidInput(f"{name} must be {message}", code="invalid_moment",
                           errors=[{"field": name, "message": message}])
    return moment if moment.tzinfo else moment.replace(tzinfo=working_days.local_zone())


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId
    app.request_class = CheckedRequest
    app.before_request(refuse_nul_characters)
