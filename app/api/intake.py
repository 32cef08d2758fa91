"""Starting a case (办件) by its item: `POST /api/cases` takes the item code, the applicant
and what the item declares for a start, validated against the JSON Schema
`GET /api/items/{code}/start-schema` publishes; the process comes from the item.

The schema is the API's spelling (camelCase) of what intake_rules lets a window start a case
with, and nothing more: the item's facts (time limits, departments, materials) are copied by
the engine, never sent. The same schema validates the request, so what is published is what
is enforced. `POST /api/process-definitions/key/{key}/start` stays for processes without an
item.
"""
from __future__ import annotations

from flask import jsonify, url_for
from jsonschema import Draft202012Validator

from app.api.blueprint import bp, json_object
from app.api.workflow.starts import started
from app.models import Item
from app.security import current_actor
from app.services import catalog
from app.services.cases import intake_rules
from app.services.workflow import deployment, instances
from app.services.workflow.errors import Conflict, NotFound

_TEXT = {"type": "string", "minLength": 1}
# The applicant as a window records them (the intake page asks for the same fields).
APPLICANT = {
    "type": "object", "required": ["name", "phone"], "additionalProperties": False,
    "properties": {
        "name": {**_TEXT, "maxLength": 200, "description": "申请人姓名或名称"},
        "phone": {**_TEXT, "maxLength": 40, "description": "联系电话"},
        "email": {"type": "string", "maxLength": 200, "description": "电子邮箱"},
        "idNumber": {"type": "string", "maxLength": 40,
                     "description": "身份证件号码或统一社会信用代码"},
    },
}


def start_schema(item: Item, schema_url: str) -> dict:
    """The JSON Schema (2020-12) of a start of `item`, with what the item will ask for next."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_url,
        "title": f"{item.name}（{item.code}）", "type": "object",
        "required": ["itemCode", "applicant"], "additionalProperties": False,
        "properties": {
            "itemCode": {"const": item.code},
            "applicant": APPLICANT,
            "businessKey": {"type": "string", "maxLength": 100,
                            "description": "the caller's own reference for the case"},
        },
        "x-item": {"code": item.code, "version": item.version, "name": item.name,
                   "kind": item.kind, "department": item.department.code,
                   "processKey": item.process_key, "promisedDays": float(item.promised_days),
                   "legalDays": float(item.legal_days),
                   "materials": [{"code": m["code"], "name": m.get("name", ""),
                                  "required": bool(m.get("required")),
                                  "deferrable": bool(m.get("deferrable"))}
                                 for m in item.materials]},
    }


def _schema_url(code: str) -> str:
    return url_for("api.item_start_schema", code=code, _external=True)


@bp.get("/items/<code>/start-schema")
def item_start_schema(code: str):
    return jsonify(start_schema(catalog.current(code), _schema_url(code)))


@bp.post("/cases")
def start_case():
    body = json_object()
    code = body.get("itemCode")
    if not isinstance(code, str) or not code:
        raise _refused_item("itemCode names the item the case is for", "item_code_required")
    item = _named_item(code)
    _validate(start_schema(item, _schema_url(code)), body)
    if deployment.latest(item.process_key, required=False) is None:  # joint/report items
        raise Conflict(f"{item.code}'s process {item.process_key} is not deployed yet",
                       code="item_process_not_deployed")
    applicant = body["applicant"]
    variables = {"item_code": item.code,
                 "applicant": {key: applicant[key] for key in ("name", "phone", "email")
                               if key in applicant}}
    if applicant.get("idNumber"):
        variables["applicant_id_number"] = applicant["idNumber"]
    return started("start case", body, lambda created: instances.start(
        item.process_key, current_actor(), business_key=body.get("businessKey"),
        variables=variables, on_created=created))


def _named_item(code: str) -> Item:
    """The item a start names: not there is the body's fault (422), as for the other start."""
    try:
        return catalog.current(code)
    except NotFound as err:
        raise _refused_item(err.detail, "item_not_found") from None


def _refused_item(detail: str, code: str) -> intake_rules.StartInvalid:
    return intake_rules.StartInvalid(detail, code=code, field="itemCode",
                                     errors=[{"field": "itemCode", "message": detail}])


def _validate(schema: dict, body: dict) -> None:
    errors = [{"field": intake_rules.error_field(e), "message": e.message}
              for e in Draft202012Validator(schema).iter_errors(body)]
    if errors:
        raise intake_rules.StartInvalid(f"the start does not match {schema['$id']}",
                                        errors=sorted(errors, key=lambda e: e["field"]))

