"""Catalog pages: the item list, the item form, an item's versions with its materials' sample
forms (upload, replace, remove), the spreadsheet import, and the printable service guide
(办事指南). Plain forms, no script.

The /admin pages are for center administrators (the services check writes again); the
guide is for everyone signed in. The form's materials box takes one material per line in
the spreadsheet's cell format (see app/services/catalog_io.py).
"""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.http_inputs import db_int
from app.models import Item
from app.models.catalog import APPROVAL_LEVELS, ITEM_CATEGORIES, ITEM_KINDS
from app.security import current_actor
from app.services import calendar, catalog, organization
from app.services.cases import guide
from app.services.catalog import samples
from app.services.catalog import spreadsheet as catalog_io
from app.services.workflow import permissions
from app.services.workflow.attachments import FileTooLarge
from app.services.workflow.errors import Conflict, InvalidInput
from app.web import problem_text
from app.web.blueprint import bp

TEXT_FIELDS = ("code", "basic_code", "name", "department", "kind", "category",
               "service_object", "legal_days", "promised_days", "legal_basis",
               "acceptance_conditions", "fee", "fee_basis", "fee_amount", "fee_unit",
               "approval_level", "process_key", "long_decision_reason", "licence_validity_years")
FLAGS = catalog.FLAGS


def _require_admin() -> None:
    permissions.require_admin(current_actor())


def _render(template: str, status: int = 200, **context):
    return render_template(template, labels=catalog.LABELS, kind_labels=catalog.KIND_LABELS,
                           category_labels=catalog.CATEGORY_LABELS,
                           level_labels=catalog.LEVEL_LABELS, local=calendar.to_local,
                           reason_labels=catalog.REASON_LABELS,
                           days=catalog.format_days,
                           **context), status


@bp.get("/admin/items")
def items_index():
    _require_admin()
    args = request.args
    department_id = args.get("department_id", type=db_int)
    kind = args.get("kind") if args.get("kind") in ITEM_KINDS else None
    rows = catalog.listing(department_id=department_id, kind=kind, q=args.get("q"),
                           include_superseded=bool(args.get("include_superseded")))
    return _render("catalog/list.html", items=rows, departments=organization.list_departments(),
                   kinds=ITEM_KINDS, filters=args)


@bp.get("/admin/items/<code>")
def item_page(code: str):
    _require_admin()
    return _item_page(code, request.args.get("version", type=db_int))


def _item_page(code: str, number: int | None = None, status: int = 200, **problem):
    versions = catalog.history(code)
    shown = next((v for v in versions if v.version == number), versions[-1])
    return _render("catalog/detail.html", status, item=shown, versions=versions,
                   fields=catalog.as_fields(shown), forms=samples.listing(code),
                   form_kinds=samples.KIND_LABELS, size_text=samples.size_text,
                   allowed_types=sorted(samples.ALLOWED_TYPES), **problem)


@bp.post("/admin/items/<code>/materials/<material>/forms")
def sample_form_upload(code: str, material: str):
    """Upload (or replace) a material's 空白表格 or 示范文本; problems show on the item page."""
    _require_admin()
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("no file", code="file_unnamed", message=_("请选择要上传的文件"))
        samples.put(code, material, request.form.get("kind", ""), upload, current_actor())
    except (InvalidInput, FileTooLarge) as err:  # refused before anything was written
        return _item_page(code, status=err.status, form_problem=problem_text.for_people(err),
                          problem_material=material)
    flash(_("已上传：%(name)s", name=upload.filename))
    return redirect(url_for("web.item_page", code=code) + f"#material-{material}", code=303)


@bp.post("/admin/items/<code>/materials/<material>/forms/<kind>/delete")
def sample_form_delete(code: str, material: str, kind: str):
    _require_admin()
    samples.remove(code, material, kind, current_actor())
    return redirect(url_for("web.item_page", code=code) + f"#material-{material}", code=303)


def _form_values(item: Item | None) -> dict:
    """What the form shows: an item's current values, or the defaults of a new one."""
    if item is None:
        return {**catalog.DEFAULTS, "materials": "", "fee_amount": ""}
    fields = catalog.as_fields(item)
    return {**fields, "legal_days": catalog.format_days(fields["legal_days"]),
            "promised_days": catalog.format_days(fields["promised_days"]),
            "fee_amount": "" if fields["fee_amount"] is None else str(fields["fee_amount"]),
            "materials": catalog_io.format_materials(fields["materials"], separator="\n")}


def _form(item: Item | None, values: dict, errors: list[dict] | None = None, status=200):
    by_field: dict[str, list[str]] = {}
    for error in errors or []:
        by_field.setdefault(error["field"].split("/")[0], []).append(_message(error))
    return _render("catalog/form.html", status, item=item, values=values, errors=by_field,
                   departments=organization.list_departments(), kinds=ITEM_KINDS,
                   categories=ITEM_CATEGORIES, levels=APPROVAL_LEVELS)


def _message(error: dict) -> str:
    """'materials/1/code' becomes a message about the second material."""
    parts, message = error["field"].split("/"), problem_text.field_message(error["message"])
    if len(parts) > 1 and parts[1].isdecimal():
        return _("第 %(n)s 项：%(message)s", n=int(parts[1]) + 1, message=message)
    return message


def _submitted() -> tuple[dict, dict, list[dict]]:
    """(catalog fields, values to show again, problems the form itself found)."""
    form = request.form
    values = {name: form.get(name, "").strip() for name in TEXT_FIELDS}
    values.update({name: name in form for name in FLAGS})
    values["joint_departments"] = form.getlist("joint_departments")
    values["materials"] = form.get("materials", "")
    materials, problem = catalog_io.parse_materials(values["materials"])
    fields = {**values, "materials": materials}
    return fields, values, [{"field": "materials", "message": problem}] if problem else []


def _save(item: Item | None, write):
    """Validate and write the posted form; on problems show it again with them (400)."""
    fields, values, errors = _submitted()
    try:
        if errors:  # the write would miss what the form could not read: only list the rest
            catalog.validate(fields)
        else:
            saved = write(fields)
            return redirect(url_for("web.item_page", code=saved.code))
    except InvalidInput as err:
        errors += err.errors
    except Conflict as err:
        errors.append({"field": "code", "message": _("该实施编码已存在") if err.code == "item_exists"
                       else problem_text.for_people(err)})
    return _form(item, values, errors, status=400)


@bp.route("/admin/items/new", methods=["GET", "POST"])
def item_new():
    _require_admin()
    if request.method == "GET":
        return _form(None, _form_values(None))
    return _save(None, lambda fields: catalog.create(fields, current_actor()))


@bp.route("/admin/items/<code>/edit", methods=["GET", "POST"])
def item_edit(code: str):
    _require_admin()
    item = catalog.current(code)
    if request.method == "GET":
        return _form(item, _form_values(item))
    return _save(item, lambda fields: catalog.revise(code, {**fields, "code": code},
                                                     current_actor()))


@bp.post("/admin/items/<code>/retire")
def item_retire(code: str):
    catalog.retire(code, current_actor())
    return redirect(url_for("web.items_index"))


@bp.route("/admin/catalog/import", methods=["GET", "POST"])
def catalog_import():
    _require_admin()
    if request.method == "GET":
        return _render("catalog/import.html")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render("catalog/import.html", 400, errors=[
            {"row": None, "field": "file", "message": _("请选择要导入的文件")}])
    try:
        summary = catalog_io.import_file(upload.filename, upload.read(), current_actor())
    except InvalidInput as err:
        return _render("catalog/import.html", 400, errors=err.errors,
                       detail=problem_text.for_people(err))
    return _render("catalog/import.html", summary=summary)


@bp.get("/guide/<code>")
def guide_page(code: str):
    return _render("catalog/guide.html", guide=guide.of(code))
