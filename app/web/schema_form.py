"""A task's JSON Schema (and UI schema) as HTML form fields, a posted form back as typed
JSON, and a refused form's problems worded for the clerk. Pure functions apart from gettext:
the validation itself stays with the schema (services.forms), the HTML attributes only let
the browser catch the same mistakes earlier."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from flask_babel import gettext as _
from flask_babel import ngettext

from app.services.workflow.errors import InvalidInput
from app.services.workflow.forms import Failure, FormInvalid
from app.web import problem_text

# JSON Schema keywords that map one to one onto HTML5 validation attributes.
STRING_ATTRIBUTES = {"minLength": "minlength", "maxLength": "maxlength"}
NUMBER_ATTRIBUTES = {"minimum": "min", "maximum": "max"}
TEXT_WIDGETS = {"textarea"}


class PostedForm(Protocol):
    """What a werkzeug MultiDict offers; a test can pass one built by hand."""

    def get(self, key: str, default=None): ...

    def getlist(self, key: str) -> list[str]: ...


@dataclass
class FormField:
    name: str
    label: str
    widget: str  # text, textarea, number, date, select, radio, checkbox, checkboxes
    required: bool = False
    help: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)  # (value, caption)
    attributes: dict[str, object] = field(default_factory=dict)  # HTML validation attributes


def fields(schema: dict | None, ui: dict | None = None,
           enum_sources: dict[str, list[tuple[str, str]]] | None = None) -> list[FormField]:
    """The form's fields in UI order. `enum_sources` fills a `ui:options.enumFrom` list
    (the case's materials, say) that the schema itself cannot know."""
    if not schema:
        return []
    ui, properties = ui or {}, schema.get("properties", {})
    required = set(schema.get("required", []))
    return [_field(name, properties[name], ui.get(name, {}), name in required, enum_sources or {})
            for name in _ordered(properties, ui.get("ui:order", []))]


@dataclass
class FormSection:
    """A titled group of fields (`ui:sections`); `shown_when` = (field, value) keeps a group
    such as 不予受理 out of the way until that choice is made (the page still works, all
    groups shown, without scripts)."""
    title: str
    fields: list[FormField]
    shown_when: tuple[str, str] | None = None


def sections(schema: dict | None, ui: dict | None,
             form_fields: list[FormField]) -> list[FormSection]:
    """The fields grouped as the UI schema's `ui:sections` list them; fields no section
    names follow in an untitled group, and a form without sections is one untitled group."""
    by_name = {f.name: f for f in form_fields}
    grouped: list[FormSection] = []
    for spec in (ui or {}).get("ui:sections", []):
        members = [by_name.pop(name) for name in spec.get("fields", []) if name in by_name]
        when = spec.get("shownWhen")
        shown_when = (when["field"], str(when["value"]).lower()) if when else None
        if members:
            grouped.append(FormSection(spec.get("title", ""), members, shown_when))
    rest = [f for f in form_fields if f.name in by_name]
    return grouped + ([FormSection("", rest)] if rest else [])


def _ordered(properties: dict, order: list[str]) -> list[str]:
    listed = [name for name in order if name in properties]
    return listed + [name for name in properties if name not in listed]


def _field(name: str, prop: dict, ui: dict, required: bool,
           enum_sources: dict[str, list[tuple[str, str]]]) -> FormField:
    widget = ui.get("ui:widget")
    result = FormField(name=name, label=prop.get("title", name), widget="text",
                       required=required,
                       help=ui.get("ui:help") or prop.get("description", ""))
    kind = prop.get("type")
    if kind == "boolean" and widget == "radio":
        # A decision (予以受理 / 不予受理) is chosen explicitly: nothing is preselected, and
        # a required one left unchosen is reported as missing, never read as "no".
        labels = ui.get("ui:options", {}).get("labels", {})
        result.widget = "radio"
        result.options = [(value, labels.get(value, value)) for value in ("true", "false")]
    elif kind == "boolean":
        # An unticked box is a plain "no", so `required` would wrongly force a tick.
        result.widget, result.required = "checkbox", False
    elif kind == "array":
        source = ui.get("ui:options", {}).get("enumFrom")
        result.widget = "checkboxes"
        result.options = enum_sources.get(source) if source else _options(prop.get("items", {}))
        result.options = result.options or []
        result.required = False  # an empty selection is a valid (empty) list
    elif _options(prop):
        result.widget, result.options = ("radio" if widget == "radio" else "select"), _options(prop)
    elif kind in ("number", "integer"):
        result.widget = "number"
        result.attributes = _attributes(prop, NUMBER_ATTRIBUTES)
        result.attributes["step"] = 1 if kind == "integer" else "any"
    else:
        result.widget = "date" if prop.get("format") == "date" else (
            widget if widget in TEXT_WIDGETS else "text")
        result.attributes = _attributes(prop, STRING_ATTRIBUTES)
    return result


def _options(prop: dict) -> list[tuple[str, str]]:
    """Choices with captions from `oneOf: [{const, title}]`, else the bare `enum` values."""
    captions = {str(o["const"]): o.get("title", str(o["const"]))
                for o in prop.get("oneOf", []) if "const" in o}
    return [(str(value), captions.get(str(value), str(value))) for value in prop.get("enum", [])]


def _attributes(prop: dict, names: dict[str, str]) -> dict[str, object]:
    return {html: prop[keyword] for keyword, html in names.items() if keyword in prop}


def to_json(schema: dict | None, posted: PostedForm, ui: dict | None = None) -> dict:
    """The posted form as the JSON object the schema describes. An empty text box or an
    unchosen yes/no radio is left out, so a required field is reported as missing rather
    than as too short or as "no"; a number that does not parse is passed on as typed, for
    the schema to refuse with its own message."""
    data: dict = {}
    ui = ui or {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        kind = prop.get("type")
        if kind == "boolean" and (ui.get(name) or {}).get("ui:widget") == "radio":
            if (raw := posted.get(name)) in ("true", "false"):
                data[name] = raw == "true"
        elif kind == "boolean":
            data[name] = posted.get(name) in ("true", "on", "1")
        elif kind == "array":
            data[name] = [v for v in posted.getlist(name) if v != ""]
        elif (raw := (posted.get(name) or "").strip()) != "":
            data[name] = _number(raw, kind) if kind in ("number", "integer") else raw
    return data


def _number(raw: str, kind: str) -> int | float | str:
    try:
        number = float(raw)
    except ValueError:
        return raw
    if kind == "integer" and number.is_integer():
        return int(number)
    return number if kind == "number" else raw


def values_of(posted: PostedForm | None) -> dict[str, list[str]]:
    """What was typed, by field, to fill a refused form in again."""
    if posted is None:
        return {}
    return {name: posted.getlist(name) for name in posted.keys()}  # type: ignore[attr-defined]


def messages_by_field(errors: list[dict]) -> dict[str, list[str]]:
    """Schema problems by top-level field ("materials_received/0" belongs to
    "materials_received"); problems of the whole form are under ""."""
    found: dict[str, list[str]] = {}
    for problem in errors:
        name = str(problem.get("field", "")).split("/")[0]
        found.setdefault(name, []).append(problem.get("message", ""))
    return found


def problems(schema: dict | None, err: InvalidInput) -> dict[str, list[str]]:
    """A refusal's problems by top-level field: schema failures worded in the page's language
    with the field's title (the API keeps jsonschema's English), any other refusal as the
    service gave it."""
    if not isinstance(err, FormInvalid):
        return messages_by_field(err.errors) or {"": [problem_text.for_people(err)]}
    properties = (schema or {}).get("properties") or {}
    found: dict[str, list[str]] = {}
    for failure in err.failures:
        name = failure.field.split("/")[0]
        title = (properties.get(name) or {}).get("title", name) if name else _("表单")
        message = explain(failure, title)
        if message not in found.setdefault(name, []):  # enum and oneOf fail together
            found[name].append(message)
    return found


def explain(failure: Failure, title: str) -> str:
    """One failed JSON Schema keyword as a sentence naming the field."""
    wording = WORDINGS.get(failure.keyword)
    return wording(failure.expected, title) if wording else _("%(field)s填写有误", field=title)


def _min_length(limit, title: str) -> str:
    if not isinstance(limit, int) or limit <= 1:
        return _("请填写%(field)s", field=title)
    return ngettext("%(field)s至少需要%(num)s个字符", "%(field)s至少需要%(num)s个字符", limit,
                    field=title)


def _format(kind, title: str) -> str:
    if kind == "date":
        return _("%(field)s应为有效日期（年-月-日）", field=title)
    if kind == "email":
        return _("%(field)s应为有效的电子邮箱地址", field=title)
    return _("%(field)s格式不正确", field=title)


def _type(kind, title: str) -> str:
    if kind == "integer":
        return _("%(field)s应为整数", field=title)
    if kind == "number":
        return _("%(field)s应为数字", field=title)
    return _("%(field)s的类型不正确", field=title)


def _choice(_expected, title: str) -> str:
    return _("请从所列选项中选择%(field)s", field=title)


# JSON Schema keyword -> (the keyword's value in the schema, the field's title) -> message.
WORDINGS: dict[str, Callable[[object, str], str]] = {
    "required": lambda _expected, title: _("请填写%(field)s", field=title),
    "minLength": _min_length,
    "maxLength": lambda limit, title: ngettext(
        "%(field)s最多%(num)s个字符", "%(field)s最多%(num)s个字符", limit, field=title),
    "pattern": lambda _expected, title: _("%(field)s格式不正确", field=title),
    "format": _format,
    "type": _type,
    "enum": _choice, "const": _choice, "oneOf": _choice, "anyOf": _choice,
    "minimum": lambda limit, title: _("%(field)s不能小于%(limit)s", field=title, limit=limit),
    "maximum": lambda limit, title: _("%(field)s不能大于%(limit)s", field=title, limit=limit),
    "exclusiveMinimum": lambda limit, title: _("%(field)s必须大于%(limit)s", field=title,
                                               limit=limit),
    "exclusiveMaximum": lambda limit, title: _("%(field)s必须小于%(limit)s", field=title,
                                               limit=limit),
    "minItems": lambda limit, title: ngettext(
        "请至少选择%(num)s项%(field)s", "请至少选择%(num)s项%(field)s", limit, field=title),
    "maxItems": lambda limit, title: ngettext(
        "%(field)s最多选择%(num)s项", "%(field)s最多选择%(num)s项", limit, field=title),
    "uniqueItems": lambda _expected, title: _("%(field)s有重复项", field=title),
}
