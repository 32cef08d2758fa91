"""The one shape of every JSON list: `{"items": [...], "next": cursor | null}`, with `total`
and `totalCapped` where the list counts its matches (see app.services.workflow.paging).

`next` is null on the last page (and on every list answered whole); otherwise the client
sends it back as `?after=` for the following page. A cursor is opaque to clients: here the
URL-safe base64 (unpadded) of a JSON array naming the list's order and holding the sort key
of the last row given, e.g. `["instances", 42]`. It is read strictly: anything this server
did not write for this very list and sort is a 400 `invalid_cursor` naming `after`.
"""
from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from flask import request

from app.http_inputs import MAX_ID
from app.services.workflow import paging
from app.services.workflow.errors import InvalidInput

MAX_CURSOR = 512  # characters; no key of ours comes near it
MAX_TEXT = 200  # a text key (a task's name or id) is shorter


def page(items: Iterable, *, next: str | None = None, total: int | None = None,
         capped: bool | None = None) -> dict:
    """The list body. `total` (when the list counts) comes with `totalCapped`: whether
    counting stopped at the cap (paging.is_capped unless `capped` says otherwise, for a
    list that counts exactly)."""
    body = {"items": list(items), "next": next}
    if total is not None:
        body.update(total=total, totalCapped=paging.is_capped(total) if capped is None
                    else capped)
    return body


def encode(keyset: paging.Keyset, values: Sequence | None) -> str | None:
    """The cursor after the row whose sort key is `values` (None: there is no next page)."""
    if values is None:
        return None
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    text = json.dumps([keyset.name, *plain], ensure_ascii=False, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def after_arg(keyset: paging.Keyset, name: str = "after") -> list | None:
    """The sort key in the request's `after` cursor for `keyset` (None when not given)."""
    text = request.args.get(name)
    if text in (None, ""):
        return None
    try:
        found = json.loads(_unbase64(text))
        if not isinstance(found, list) or found[:1] != [keyset.name] \
                or len(found) != len(keyset.keys) + 1:
            raise ValueError("not a cursor of this list and sort")
        return [_value(value, kind) for value, kind in zip(found[1:], keyset.kinds)]
    except (ValueError, UnicodeDecodeError, binascii.Error):
        message = "not a cursor this list gave (pass `next` back unchanged)"
        raise InvalidInput(f"{name} is {message}", code="invalid_cursor",
                           errors=[{"field": name, "message": message}]) from None


def _unbase64(text: str) -> str:
    if len(text) > MAX_CURSOR:
        raise ValueError("too long")
    # validate=True: a character outside the alphabet is refused, not skipped
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_",
                            validate=True).decode()


def _value(value, kind: type):
    """One key of a cursor, of the type its place in the order holds."""
    if kind is bool and isinstance(value, bool):
        return value
    if kind is int and type(value) is int and -MAX_ID <= value <= MAX_ID:
        return value
    if kind is str and isinstance(value, str) and len(value) <= MAX_TEXT:
        return value
    if kind is datetime and isinstance(value, str) and len(value) <= 40:
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is not None:  # we write UTC moments with their offset
            return moment
    raise ValueError(f"{value!r} is not a {kind.__name__}")
