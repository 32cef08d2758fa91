"""One error shape: application/problem+json with a stable code; HTML pages for browsers."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException

from app.models import db
from app.web import problem_text
from app.services.workflow.errors import ServiceError

log = logging.getLogger(__name__)


def problem(status: int, code: str, title: str, detail: str, **extra):
    body = {"type": f"about:blank#{code}", "title": title, "status": status, "code": code,
            "detail": detail, **{k: v for k, v in extra.items() if v not in (None, [], {})}}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def _render(status: int, code: str, title: str, detail: str, people: str | None = None,
            **extra):
    """The API gets the English title and detail with the stable code; a page gets them in
    its own language (`people`: what to tell a person, else what the status means)."""
    db.session.rollback()  # nothing half-written
    if _wants_json():
        return problem(status, code, title, detail, **extra)
    return render_template("error.html", status=status, title=problem_text.status_title(status),
                           detail=people or problem_text.status_detail(status)), status


def init_app(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def service_error(err: ServiceError):
        return _render(err.status, err.code, err.title, err.detail, problem_text.for_people(err),
                       errors=err.errors, **err.extra)

    @app.errorhandler(CSRFError)
    def csrf_error(err: CSRFError):
        return _render(400, "csrf_failed", "CSRF check failed", err.description,
                       _("页面已过期或来源无法验证，请刷新页面后重新提交。"))

    @app.errorhandler(DataError)
    def data_error(err: DataError):
        # The database refused a value the checks let through (a number past a column's
        # range, text it cannot read as a date): the request's fault, said without the SQL.
        log.warning("value refused by the database on %s %s: %s", request.method,
                    request.path, err.orig)
        return _render(400, "value_out_of_range", "Value out of range",
                       "a value in the request is out of range for what it names")

    @app.errorhandler(HTTPException)
    def http_error(err: HTTPException):
        code = (err.name or "error").lower().replace(" ", "_")
        return _render(err.code or 500, code, err.name, err.description)

    @app.errorhandler(Exception)
    def unexpected(err: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        return _render(500, "internal_error", "Internal server error",
                       "the server could not complete the request; it has been logged")
