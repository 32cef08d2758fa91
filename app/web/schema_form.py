"""A task's JSON Schema (and UI schema) as HTML form fields, and a posted form back as
typed JSON. Pure functions: the validation itself stays with the schema (services.forms),
the HTML attributes only let the browser catch the same mistakes earlier."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

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
    if kind == "boolean":
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


def to_json(schema: dict | None, posted: PostedForm) -> dict:
    """The posted form as the JSON object the schema describes. An empty text box is left
    out, so a required field is reported as missing rather than as too short; a number that
    does not parse is passed on as typed, for the schema to refuse with its own message."""
    data: dict = {}
    for name, prop in ((schema or {}).get("properties") or {}).items():
        kind = prop.get("type")
        if kind == "boolean":
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
