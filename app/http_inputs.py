"""What requests may carry as numbers: ids are database keys (PostgreSQL `integer`), and a
page is at most 500 rows. A number beyond them is a 400 naming it, never an overflow in
the database (a 500)."""
from __future__ import annotations

from flask import Flask
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from app.services.errors import InvalidInput

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


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId
