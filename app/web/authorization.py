"""Administrators' pages for authorization letters (授权书) and the authorization rate (授权率).

Plain HTML forms, no script: pick a department first, then tick powers per item.
"""
from __future__ import annotations

import re

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.http_inputs import db_int
from app.models import AuthorizationLetter
from app.models.authorization import ACTIVE, ITEM_POWERS, MANAGEMENT_POWERS, REVOKED
from app.models.identity import CHIEF_REPRESENTATIVE
from app.security import current_actor
from app.services import calendar, catalog, organization
from app.services.authorization import expiry as letter_expiry
from app.services.authorization import group_consent, letters
from app.services.authorization import rate as authorization_rate
from app.services.authorization import renewal as letter_renewal
from app.services.organization import routing
from app.services.workflow import permissions
from app.services.workflow.errors import Conflict, InvalidInput, ServiceError
from app.web import problem_text
from app.web.blueprint import bp

POWER_PREFIX = "powers-"  # form field of one item's powers: powers-<item code>
SIMPLE_FIELDS = ("number", "department_id", "grantee_id", "issuer", "issued_on", "filed_on",
                 "valid_from", "valid_until", "responsibilities", "reason")


def _require_admin() -> None:
    permissions.require_admin(current_actor())


def state_label(letter: AuthorizationLetter, today) -> str:
    """What a reader needs: in force today, not yet, expired, or ended and how."""
    if letter.status != ACTIVE:
        return _("已撤销") if letter.status == REVOKED else _("已更换")
    if letter.valid_on(today):
        return _("生效中")
    return _("未生效") if letter.valid_from > today else _("已到期")


def _render(template: str, status: int = 200, **context):
    return render_template(template, power_names=letters.POWER_NAMES,
                           management_names=letters.MANAGEMENT_POWER_NAMES,
                           item_powers=ITEM_POWERS, management_powers=MANAGEMENT_POWERS,
                           today=calendar.today(), state_label=state_label, **context), status


@bp.get("/admin/letters")
def letters_index():
    _require_admin()
    rows = letters.listing()
    departments, users = letters.parties(rows)
    by_department = {d.id: [] for d in organization.list_departments(active=True)}
    for letter in rows:
        by_department.setdefault(letter.department_id, []).append(letter)
    departments.update({d.id: d for d in organization.list_departments(active=True)})
    return _render("authorization/list.html", by_department=by_department, departments=departments,
                   users=users, days_left=letter_expiry.days_left())


def _posted_fields() -> dict:
    form = request.form
    fields = {name: form.get(name, "") for name in SIMPLE_FIELDS}
    fields["management_powers"] = form.getlist("management_powers")
    fields["items"] = [{"item_code": key[len(POWER_PREFIX):], "powers": form.getlist(key)}
                       for key in form if key.startswith(POWER_PREFIX) and form.getlist(key)]
    return fields


def _prefilled(letter: AuthorizationLetter | None) -> dict:
    """Form values: a fresh one-year letter, or the replaced letter's terms from today."""
    today = calendar.today().isoformat()
    values = {"issued_on": today, "filed_on": today, "valid_from": today,
              "management_powers": list(MANAGEMENT_POWERS), "items": []}
    if letter is not None:
        values.update(grantee_id=str(letter.grantee_id), issuer=letter.issuer,
                      valid_until=letter.valid_until.isoformat(),
                      responsibilities=letter.responsibilities,
                      management_powers=letter.management_powers,
                      items=[{"item_code": i.item_code, "powers": i.powers}
                             for i in letter.items])
    return values


def _field_labels() -> dict:
    return {"number": _("文号"), "department_id": _("授权部门"),
            "grantee_id": _("被授权人（首席代表）"), "issuer": _("授权机关法定代表人"),
            "issued_on": _("签发日期"), "filed_on": _("备案日期"), "valid_from": _("授权期限自"),
            "valid_until": _("授权期限至"), "management_powers": _("管理职权"),
            "items": _("授权事项"), "reason": _("原因"), "responsibilities": _("责任")}


def _problems(error: ServiceError | None, values: dict) -> list[tuple[str, str]]:
    """(label, message) per problem; items[i].x names the item the form row showed."""
    labels, rows = _field_labels(), values.get("items", [])
    found = []
    for problem in error.errors if error else []:
        row = re.match(r"items\[(\d+)\]", problem["field"])
        if row and int(row.group(1)) < len(rows):
            label = f"{_('事项')} {rows[int(row.group(1))]['item_code']}"
        else:
            label = labels.get(problem["field"], problem["field"])
        found.append((label, problem_text.field_message(problem["message"])))
    return found


def _letter_form(department_id: int | None, values: dict, error: ServiceError | None = None,
                 replacing: AuthorizationLetter | None = None):
    department = next((d for d in organization.list_departments(active=True) if d.id == department_id), None)
    if department is None:
        return _render("authorization/pick_department.html", departments=organization.list_departments(active=True))
    granted = {row["item_code"]: row["powers"] for row in values.get("items", [])}
    return _render("authorization/form.html", 400 if error else 200, department=department,
                   chiefs=sorted(routing.holders(CHIEF_REPRESENTATIVE, department.id),
                                 key=lambda u: u.username),
                   items=catalog.listing(department_id=department.id), values=values,
                   granted=granted, error=error, problems=_problems(error, values),
                   replacing=replacing)


@bp.route("/admin/letters/new", methods=["GET", "POST"])
def new_letter():
    _require_admin()
    department_id = request.values.get("department_id", type=db_int)
    if request.method == "GET":
        return _letter_form(department_id, _prefilled(None))
    fields = _posted_fields()
    try:
        letter = letters.issue(fields, current_actor())
    except (InvalidInput, Conflict) as err:
        return _letter_form(department_id, fields, err)
    return redirect(url_for("web.letter_page", letter_id=letter.id))


@bp.route("/admin/letters/<int:letter_id>/replace", methods=["GET", "POST"])
def replace_letter_page(letter_id: int):
    _require_admin()
    old = letters.get(letter_id)
    if request.method == "GET":
        return _letter_form(old.department_id, _prefilled(old), replacing=old)
    fields = _posted_fields()
    try:
        new = letters.replace(letter_id, fields, current_actor())
    except (InvalidInput, Conflict) as err:
        return _letter_form(old.department_id, fields, err, replacing=old)
    return redirect(url_for("web.letter_page", letter_id=new.id))


def _document(letter: AuthorizationLetter, error: ServiceError | None = None):
    renews, renewed_by = letter_renewal.links(letter)
    return _render("authorization/detail.html", error.status if error else 200, letter=letter,
                   context=letters.context(letter), error=error, renews=renews,
                   renewed_by=renewed_by, days_left=letter_expiry.days_left().get(letter.id),
                   one_stop_items=group_consent.one_stop_items(letter))


@bp.get("/admin/letters/<int:letter_id>")
def letter_page(letter_id: int):
    _require_admin()
    return _document(letters.get(letter_id))


@bp.post("/admin/letters/<int:letter_id>/revoke")
def revoke_letter_page(letter_id: int):
    _require_admin()
    try:
        reason = request.form.get("reason", "")
        if not reason.strip():  # said first: the box alone does not revoke
            raise InvalidInput(_("请填写撤销原因。"), errors=[{"field": "reason",
                                                            "message": "required"}])
        if request.form.get("confirm") != "yes":  # the grantee loses the powers today
            raise InvalidInput(_("请勾选确认：撤销后被授权人即日起不再享有授权，此操作不可撤销。"),
                               errors=[{"field": "confirm", "message": "not confirmed"}])
        letters.revoke(letter_id, reason, current_actor())
    except (InvalidInput, Conflict) as err:
        return _document(letters.get(letter_id), err)
    return redirect(url_for("web.letter_page", letter_id=letter_id))


@bp.post("/admin/letters/<int:letter_id>/group-consent")
def group_consent_page(letter_id: int):
    _require_admin()
    fields = {"consent_on": request.form.get("consent_on", ""),
              "minutes": request.form.get("minutes", "")}
    try:
        group_consent.record(letter_id, fields, current_actor())
    except InvalidInput as err:
        err.detail = _("请填写领导小组同意日期（不晚于今天）和会议纪要文号（不超过 80 字）。")
        return _document(letters.get(letter_id), err)
    except Conflict as err:
        return _document(letters.get(letter_id), err)
    return redirect(url_for("web.letter_page", letter_id=letter_id))


def _renewal_page(letter_id: int, posted: dict | None = None,
                  error: ServiceError | None = None):
    """The successor a renewal issues, to confirm (number and term editable)."""
    proposal = letter_renewal.propose(letter_id, current_actor())
    values = {**proposal.fields, **(posted or {})}
    department, grantee = letters.parties([proposal.letter])
    return _render("authorization/renew.html", error.status if error else 200, proposal=proposal,
                   values=values, department=department[proposal.letter.department_id],
                   grantee=grantee.get(proposal.letter.grantee_id), error=error,
                   problems=_problems(error, values),
                   items={i.code: i for i in catalog.listing(
                       department_id=proposal.letter.department_id)})


@bp.route("/admin/letters/<int:letter_id>/renew", methods=["GET", "POST"])
def renew_letter_page(letter_id: int):
    _require_admin()
    if request.method == "GET":
        try:
            return _renewal_page(letter_id)
        except Conflict as err:  # already renewed, revoked or replaced: say so on the letter
            return _document(letters.get(letter_id), err)
    posted = {name: request.form.get(name, "") for name in letter_renewal.OVERRIDES}
    try:
        new = letter_renewal.renew(letter_id, posted, current_actor())
    except InvalidInput as err:
        return _renewal_page(letter_id, posted, err)
    except Conflict as err:
        if err.code == "letter_overlaps":
            return _renewal_page(letter_id, posted, err)
        return _document(letters.get(letter_id), err)
    return redirect(url_for("web.letter_page", letter_id=new.id))


@bp.get("/admin/reports/authorization-rate")
def authorization_rate_page():
    _require_admin()
    on = request.args.get("on")
    report = authorization_rate.report(letters.parse_day(on, "on") if on else None)
    return _render("authorization/rate.html", report=report, powers=authorization_rate.RATED_POWERS)
