"""The designer's form editor: a form's JSON Schema and UI schema side by side with a live
preview rendered exactly as the clerk's task page renders it (schema_form and
tasks/_fields.html), and a trial submission checked the way completing a task is checked
(services.forms). Nothing is saved here: forms are deployed with their BPMN."""
from __future__ import annotations

import json

from flask import render_template, request
from flask_babel import gettext as _

from app.security import current_actor
from app.services.workflow import deployment, forms
from app.services.workflow.errors import InvalidInput
from app.web import schema_form
from app.web.blueprint import bp

EMPTY_SCHEMA = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
                "title": "", "properties": {}, "required": []}
SCHEMA_FIELD, UI_FIELD, CHECK_FIELD = "__schema", "__uischema", "__check"


class PreviewRefused(Exception):
    """A document the preview cannot use; the message is shown in the preview pane."""


@bp.get("/designer/forms")
def designer_forms():
    deployment.require_designer(current_actor())
    source_id, _bar, name = request.args.get("pick", "").partition("|")  # "source|file"
    (schema_name, schema), (ui_name, ui) = (("form.schema.json", EMPTY_SCHEMA),
                                            ("form.uischema.json", {}))
    if name:
        (schema_name, schema), (ui_name, ui) = deployment.form_pair(source_id, name)
    return render_template(
        "workflow/designer/forms.html", sources=deployment.form_sources(), source_id=source_id,
        name=name, schema_name=schema_name, ui_name=ui_name or "form.uischema.json",
        schema_text=_pretty(schema), ui_text=_pretty(ui if ui is not None else {}),
        fields_names=(SCHEMA_FIELD, UI_FIELD, CHECK_FIELD))


def _pretty(document) -> str:
    return "" if document is None else json.dumps(document, ensure_ascii=False, indent=2)


@bp.post("/designer/forms/preview")
def designer_form_preview():
    """The form as a task page would show it; with `__check` the posted answers are
    validated too and the problems shown beside their fields."""
    deployment.require_designer(current_actor())
    try:
        schema = _document(SCHEMA_FIELD, _("JSON Schema"), required=True)
        ui = _document(UI_FIELD, _("UI Schema"), required=False) or {}
        _require_usable(schema, ui)
        page = _rendered(schema, ui, check=bool(request.form.get(CHECK_FIELD)))
    except PreviewRefused as err:
        return render_template("workflow/designer/_preview.html", error=str(err)), 400
    return render_template("workflow/designer/_preview.html", **page)


def _document(field: str, label: str, *, required: bool):
    text = request.form.get(field, "").strip()
    if not text:
        if required:
            raise PreviewRefused(_("%(doc)s 为空，请先填写。", doc=label))
        return None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise PreviewRefused(_("%(doc)s 不是合法的 JSON：第 %(line)s 行第 %(col)s 列，%(msg)s",
                               doc=label, line=err.lineno, col=err.colno, msg=err.msg)) from None


def _require_usable(schema, ui) -> None:
    if not isinstance(schema, dict):
        raise PreviewRefused(_("JSON Schema 必须是一个 JSON 对象（{…}）。"))
    if problem := forms.schema_problem("form.schema.json", schema):
        raise PreviewRefused(_("JSON Schema 无效：%(detail)s", detail=problem))
    if not isinstance(ui, dict):
        raise PreviewRefused(_("UI Schema 必须是一个 JSON 对象（{…}）。"))


def _rendered(schema: dict, ui: dict, *, check: bool) -> dict:
    # What was typed into the preview survives re-rendering while the schema is edited.
    values, problems, accepted = schema_form.values_of(request.form), {}, None
    try:
        fields = schema_form.fields(schema, ui, _sample_sources(ui))
        if check:
            accepted = schema_form.to_json(schema, request.form, ui)
            forms.validate(schema, accepted)
    except InvalidInput as err:
        problems, accepted = schema_form.problems(schema, err), None  # worded as on the task page
    except Exception as err:  # noqa: BLE001  the document is the designer's, not our fault
        raise PreviewRefused(_("无法按此 Schema 生成表单：%(detail)s", detail=err)) from None
    return {"error": None, "title": schema.get("title", ""), "sections": schema_form.sections(schema, ui, fields), "values": values,
            "problems": problems, "checked": check,
            "accepted": None if accepted is None else json.dumps(accepted, ensure_ascii=False,
                                                                 indent=2)}


def _sample_sources(ui: dict) -> dict[str, list[tuple[str, str]]]:
    """A task page fills `ui:options.enumFrom` lists from the case (the item's materials);
    the preview has no case, so it shows two sample choices instead."""
    names = {entry["ui:options"].get("enumFrom") for entry in ui.values()
             if isinstance(entry, dict) and isinstance(entry.get("ui:options"), dict)}
    return {name: [(f"sample_{i}", _("示例选项 %(n)s（来自 %(source)s）", n=i, source=name))
                   for i in (1, 2)] for name in names if name}
