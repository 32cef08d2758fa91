"""The item catalog (事项目录) API: versioned items, their service guide, import and export.

Bodies use camelCase keys (basicCode, legalDays, jointDepartments, ...), `department` being
a department code; validation errors name fields the same way. Import errors name the
spreadsheet's columns, whose keys are those of the file (legal_days, ...).
"""
from __future__ import annotations

from datetime import datetime

from flask import Response, jsonify, request, url_for

from app.api import pages
from app.api.blueprint import bp, camel_case_errors, json_object
from app.api.representations import camel
from app.models import Item
from app.security import current_actor
from app.services import catalog
from app.services.cases import guide
from app.services.catalog import spreadsheet as catalog_io
from app.services.workflow.errors import InvalidInput

TO_CAMEL = {name: camel(name) for name in catalog.FIELDS}
FROM_CAMEL = {camel: name for name, camel in TO_CAMEL.items()}
EXPORTS = {
    "csv": (catalog_io.export_csv, "text/csv; charset=utf-8"),
    "xlsx": (catalog_io.export_xlsx,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def version_summary(i: Item) -> dict:
    return {"version": i.version, "createdAt": _iso(i.created_at), "createdBy": i.created_by,
            "supersededAt": _iso(i.superseded_at), "current": i.is_current}


def item(i: Item, versions: list[Item] | None = None) -> dict:
    body = {TO_CAMEL[name]: value for name, value in catalog.as_fields(i).items()}
    body.update(id=i.id, departmentName=i.department.name, legalDays=float(i.legal_days),
                promisedDays=float(i.promised_days), **version_summary(i))
    if versions is not None:
        body["versions"] = [version_summary(v) for v in versions]
    return body


def _fields(body: dict) -> dict:
    return {FROM_CAMEL.get(key, key): value for key, value in body.items()}


def _camel_case_errors():
    return camel_case_errors(TO_CAMEL)


def _flag(name: str) -> bool:
    return request.args.get(name, "").lower() in ("1", "true", "yes")


@bp.get("/items")
def list_items():
    department = request.args.get("department")
    rows = catalog.listing(
        department_id=catalog.department_by_code(department).id if department else None,
        kind=request.args.get("kind") or None, q=request.args.get("q"),
        include_superseded=_flag("includeSuperseded"))
    return jsonify(pages.page(item(i) for i in rows))


@bp.post("/items")
def create_item():
    with _camel_case_errors():
        created = catalog.create(_fields(json_object()), current_actor())
    response = jsonify(item(created, versions=catalog.history(created.code)))
    response.headers["Location"] = url_for("api.item_detail", code=created.code)
    return response, 201


@bp.get("/items/<code>")
def item_detail(code: str):
    return jsonify(item(catalog.current(code), versions=catalog.history(code)))


@bp.get("/items/<code>/versions/<int:number>")
def item_version(code: str, number: int):
    return jsonify(item(catalog.version(code, number)))


@bp.put("/items/<code>")
def revise_item(code: str):
    with _camel_case_errors():
        revised = catalog.revise(code, _fields(json_object()), current_actor())
    return jsonify(item(revised, versions=catalog.history(code)))


@bp.delete("/items/<code>")
def retire_item(code: str):
    catalog.retire(code, current_actor())
    return "", 204


@bp.get("/items/<code>/guide")
def item_guide(code: str):
    return jsonify(guide.of(code))


@bp.get("/catalog/export")
def export_catalog():
    chosen = request.args.get("format", "csv")
    if chosen not in EXPORTS:
        raise InvalidInput("format must be csv or xlsx", code="unsupported_format")
    produce, mimetype = EXPORTS[chosen]
    return Response(produce(), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="item-catalog.{chosen}"'})


@bp.post("/catalog/import")
def import_catalog():
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("send the spreadsheet as multipart field 'file'", code="no_file")
    return jsonify(catalog_io.import_file(upload.filename or "", upload.read(),
                                          current_actor()))
