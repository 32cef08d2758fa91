"""Authorization letters (授权书) and the authorization-rate report (授权率).

Letters are never edited: there is no PUT, PATCH or DELETE; revoke or replace instead.
"""
from __future__ import annotations

import re

from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp, json_object
from app.http_inputs import db_int
from app.models import AuthorizationLetter
from app.security import current_actor
from app.services import calendar
from app.services.authorization import group_consent, letters
from app.services.authorization import rate as authorization_rate
from app.services.authorization import renewal as letter_renewal
from app.services.workflow.errors import InvalidInput, ServiceError

LETTER_FIELDS = {  # JSON key -> service field
    "number": "number", "departmentId": "department_id", "granteeId": "grantee_id",
    "issuer": "issuer", "issuedOn": "issued_on", "filedOn": "filed_on",
    "validFrom": "valid_from", "validUntil": "valid_until",
    "managementPowers": "management_powers", "responsibilities": "responsibilities",
    "reason": "reason",
}
SERVICE_TO_JSON = {**{service: key for key, service in LETTER_FIELDS.items()},
                   "item_code": "itemCode", "consent_on": "consentOn"}


class LetterNotEditable(ServiceError):
    status, code, title = 405, "letter_not_editable", "Method not allowed"


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def letter_json(letter: AuthorizationLetter, departments: dict, users: dict) -> dict:
    department, grantee = departments.get(letter.department_id), users.get(letter.grantee_id)
    return {
        "id": letter.id, "number": letter.number, "departmentId": letter.department_id,
        "departmentName": department.name if department else None,
        "granteeId": letter.grantee_id, "granteeName": grantee.display_name if grantee else None,
        "issuer": letter.issuer, "issuedOn": _iso(letter.issued_on),
        "filedOn": _iso(letter.filed_on), "validFrom": _iso(letter.valid_from),
        "validUntil": _iso(letter.valid_until), "managementPowers": letter.management_powers,
        "responsibilities": letter.responsibilities,
        "items": [{"itemCode": i.item_code, "powers": i.powers} for i in letter.items],
        "status": letter.status, "endedAt": _iso(letter.ended_at),
        "endedOn": _iso(letter.ended_on), "endedBy": letter.ended_by,
        "endReason": letter.end_reason, "replacedById": letter.replaced_by_id,
        "renewedById": letter.renewed_by_id,
        "groupConsent": {"on": _iso(letter.group_consent_on),
                         "minutes": letter.group_consent_ref} if letter.group_consent_on else None,
        "createdAt": _iso(letter.created_at), "createdBy": letter.created_by,
        "validToday": letter.valid_on(calendar.today()),
    }


def _one(letter: AuthorizationLetter) -> dict:
    return letter_json(letter, *letters.parties([letter]))


def _fields(body: dict) -> dict:
    fields = {LETTER_FIELDS[key]: value for key, value in body.items() if key in LETTER_FIELDS}
    items = body.get("items")
    fields["items"] = [{"item_code": row.get("itemCode"), "powers": row.get("powers")}
                       if isinstance(row, dict) else row for row in items] \
        if isinstance(items, list) else items
    return fields


def _json_field(name: str) -> str:
    """items[2].item_code -> items[2].itemCode: errors name the keys the client sent."""
    return re.sub(r"[a-z_]+", lambda m: SERVICE_TO_JSON.get(m.group(0), m.group(0)), name)


def _in_json_terms(call):
    try:
        return call()
    except InvalidInput as err:
        err.errors = [{**e, "field": _json_field(e["field"])} for e in err.errors]
        raise


def _day_arg(name: str):
    value = request.args.get(name)
    return letters.parse_day(value, name) if value else None


@bp.get("/authorization-letters")
def list_letters():
    rows = letters.listing(department_id=request.args.get("departmentId", type=db_int),
                           status=request.args.get("status") or None,
                           valid_on=_day_arg("validOn"))
    departments, users = letters.parties(rows)
    return jsonify(pages.page(letter_json(letter, departments, users) for letter in rows))


@bp.post("/authorization-letters")
def issue_letter():
    fields = _fields(json_object())
    return jsonify(_one(_in_json_terms(lambda: letters.issue(fields, current_actor())))), 201


@bp.get("/authorization-letters/<int:letter_id>")
def letter_detail(letter_id: int):
    return jsonify(_one(letters.get(letter_id)))


@bp.route("/authorization-letters/<int:letter_id>", methods=["PUT", "PATCH", "DELETE"])
def edit_letter(letter_id: int):
    raise LetterNotEditable("an authorization letter is never edited or deleted: revoke it "
                            "(POST .../revoke) or replace it (POST .../replace)",
                            allow=["GET"])


@bp.post("/authorization-letters/<int:letter_id>/revoke")
def revoke_letter(letter_id: int):
    reason = json_object().get("reason", "")
    return jsonify(_one(letters.revoke(letter_id, reason, current_actor())))


@bp.post("/authorization-letters/<int:letter_id>/replace")
def replace_letter(letter_id: int):
    fields = _fields(json_object())
    new = _in_json_terms(lambda: letters.replace(letter_id, fields, current_actor()))
    return jsonify(_one(new)), 201


@bp.post("/authorization-letters/<int:letter_id>/group-consent")
def record_group_consent(letter_id: int):
    """领导小组 consent to the letter's one-stop items (administrators)."""
    body = json_object()
    fields = {"consent_on": body.get("consentOn"), "minutes": body.get("minutes")}
    return jsonify(_one(_in_json_terms(
        lambda: group_consent.record(letter_id, fields, current_actor()))))


RENEWAL_FIELDS = {"number": "number", "validFrom": "valid_from", "validUntil": "valid_until",
                  "validTo": "valid_until"}  # validTo: the same as validUntil


@bp.post("/authorization-letters/<int:letter_id>/renew")
def renew_letter(letter_id: int):
    """续期: the successor for the next term (201); the old letter stays in force to its end."""
    overrides = {RENEWAL_FIELDS[key]: value for key, value in json_object().items()
                 if key in RENEWAL_FIELDS}
    new = _in_json_terms(lambda: letter_renewal.renew(letter_id, overrides, current_actor()))
    return jsonify(_one(new)), 201


def _cell_json(cell: authorization_rate.Cell) -> dict:
    return {"authorized": cell.authorized, "total": cell.total,
            "rate": float(cell.rate) if cell.rate is not None else None,
            "target": float(cell.target), "meetsTarget": cell.meets_target}


@bp.get("/reports/authorization-rate")
def authorization_rate_report():
    result = authorization_rate.report(_day_arg("on"))
    return jsonify({
        "on": result.day.isoformat(),
        "powers": [{"key": p.key, "name": p.name, "target": float(p.target)}
                   for p in authorization_rate.RATED_POWERS],
        "departments": [{
            "departmentId": row.department.id, "departmentCode": row.department.code,
            "departmentName": row.department.name,
            "letterId": row.letter.id if row.letter else None,
            "letterNumber": row.letter.number if row.letter else None,
            "cells": {key: _cell_json(cell) for key, cell in row.cells.items()},
            "belowTarget": row.below_target,
            "windowCompletion": _cell_json(row.completion)} for row in result.departments],
        "center": {key: _cell_json(cell) for key, cell in result.center.items()},
        "centerWindowCompletion": _cell_json(result.center_completion),
    })
