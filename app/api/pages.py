"""The one shape of every JSON list: `{"items": [...], "next": cursor | null}`, with `total`
and `totalCapped` where the list counts its matches (see app.services.workflow.paging).

`next` is null on the last page (and on every list answered whole); otherwise the client
sends it back as `?after=` for the following page. A cursor is opaque to clients (written by
paging.encode_cursor: the sort key of the last row given) and read strictly: anything this
server did not write for this very list and sort is a 400 `invalid_cursor` naming `after`.
"""
from __future__ import annotations

from collections.abc import Iterable

from flask import request

from app.services.workflow import paging
from app.services.workflow.errors import InvalidInput


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


encode = paging.encode_cursor  # the cursor after a row's sort key (None: no next page)


def after_arg(keyset: paging.Keyset, name: str = "after") -> list | None:
    """The sort key in the request's `after` cursor for `keyset` (None when not given)."""
    text = request.args.get(name)
    if text in (None, ""):
        return None
    try:
        return paging.decode_cursor(keyset, text)
    except paging.BadCursor:
        message = "not a cursor this list gave (pass `next` back unchanged)"
        raise InvalidInput(f"{name} is {message}", code="invalid_cursor",
                           errors=[{"field": name, "message": message}]) from None
