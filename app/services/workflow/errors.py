"""Errors the services raise; the API renders each as application/problem+json.

`detail` is the API's English text beside its stable `code`; `message` is what a person
reads on a page, a lazy_gettext string with named placeholders (Chinese source, English in
the catalog), worded when the page is rendered, in the page's language."""
from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "bad_request"
    title = "Bad request"

    def __init__(self, detail: str, *, code: str | None = None, errors: list | None = None,
                 message: Any = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.code = code or self.code
        self.errors = errors or []
        self.message = message
        self.extra = extra


class InvalidInput(ServiceError):
    status, code, title = 400, "invalid_input", "Invalid input"


class Unauthenticated(ServiceError):
    status, code, title = 401, "unauthenticated", "Authentication required"


class Forbidden(ServiceError):
    status, code, title = 403, "forbidden", "Forbidden"


class NotFound(ServiceError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(ServiceError):
    status, code, title = 409, "conflict", "Conflict"


class EngineFailure(ServiceError):
    status, code, title = 422, "engine_error", "The process could not continue"
