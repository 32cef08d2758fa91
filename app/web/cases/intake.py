"""The window's pages: intake (接件), the case page (办件详情) and its written notices (文书),
printable as HTML or downloaded as PDF. Plain forms, no script.

Access to a case is the instance's (instances.viewable); the intake form offers the items of
the departments whose window the clerk staffs, and every item to administrators.
"""
from __future__ import annotations

from flask import current_app, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.models import Item, User, db
from app.models.case import CASE_FLAGS, STATUS_NAMES
from app.security import current_actor
from app.services import calendar, cases, catalog
from app.services.agency import items as agency_items
from app.services.agency import projects as agency_projects
from app.services.cases import intake_rules, notice_pdf, notices, public_lookup
from app.services.supervision import cards
from app.services.workflow import deployment, instances
from app.services.workflow.errors import (Conflict, Forbidden, InvalidInput, NotFound,
                                         ServiceError)
from app.web.blueprint import bp
from app.web.cases import (clock_section, delivery_section, fee_section, lenient_section,
                           remedy_section)
from app.web.cases import record as case_record
from app.web.form_support import FailedForm

FORM = "intake"
# The start variables' fields (intake_rules.START_SCHEMA) as the form names them
_START_FIELDS = {"applicant/name": "applicant_name", "applicant/phone": "phone",
                 "applicant/email": "email", "applicant_id_number": "id_number"}


def _intake_items() -> list[Item]:
    return intake_rules.items_for(current_user._get_current_object())


def _deployed_keys(items: list[Item]) -> set[str]:
    # joint and report items name processes that may not be deployed yet: offer them as
    # "not yet available" rather than letting a start fail.
    keys = {item.process_key for item in items}
    return {key for key in keys if deployment.latest(key, required=False) is not None}


def _intake_page(failed: FailedForm | None = None, status: int = 200):
    items = _intake_items()
    return render_template("cases/intake.html", items=items, deployed=_deployed_keys(items),
                           kind_labels=catalog.KIND_LABELS, days=catalog.format_days,
                           failed=failed, form=FORM), status


@bp.get("/intake")
def intake_page():
    return _intake_page()


def _chosen_item(code: str, problems: list[dict]) -> Item | None:
    item = next((i for i in _intake_items() if i.code == code), None)
    if item is None:
        problems.append({"field": "item", "message": _("请选择本窗口受理的事项")})
    elif deployment.latest(item.process_key, required=False) is None:
        problems.append({"field": "item", "message": _("该事项的办理流程尚未上线，暂不能接件")})
    return item


def _applicant(form, problems: list[dict]) -> dict:
    for field, message in (("applicant_name", _("请填写申请人姓名或名称")),
                           ("phone", _("请填写联系电话"))):
        if not form.get(field, "").strip():
            problems.append({"field": field, "message": message})
    return {"name": form.get("applicant_name", "").strip(),
            "phone": form.get("phone", "").strip(), "email": form.get("email", "").strip()}


@bp.post("/intake")
def intake_submit():
    problems: list[dict] = []
    item = _chosen_item(request.form.get("item", ""), problems)
    applicant = _applicant(request.form, problems)
    if problems:
        refusal = InvalidInput(_("接件信息不完整，请按提示修改"), errors=problems)
        return _intake_page(FailedForm(FORM, refusal), refusal.status)
    # The case keeps phone and e-mail; the ID number stays with the workflow's data.
    extra = {"applicant_id_number": request.form.get("id_number", "").strip()}
    try:
        instance = instances.start(item.process_key, current_actor(), variables={
            "item_code": item.code, "applicant": applicant, **extra})
    except (InvalidInput, Forbidden, Conflict) as err:  # back to the form, input kept
        db.session.rollback()
        return _intake_page(_refused_start(err), err.status)
    return redirect(url_for("web.case_page", instance_id=instance.id), code=303)


def _refused_start(err: ServiceError) -> FailedForm:
    """A start the services refused, its message beside the item (what it is about)."""
    failed = FailedForm(FORM, err)
    for started_as, field in _START_FIELDS.items():
        if started_as in failed.fields:
            failed.fields.setdefault(field, []).extend(failed.fields.pop(started_as))
    if err.code in ("may_not_take_in", "item_not_found", "item_process_mismatch",
                    "authorization_lapsed") or err.extra.get("field") == "item_code":
        failed.fields.setdefault("item", []).append(failed.detail)
    return failed


def _case_and_variables(instance_id: int):
    instance = instances.viewable(instance_id, current_user._get_current_object())
    case = cases.case_of(instance_id)
    if case is None:
        raise NotFound(f"process instance {instance_id} is not a case", code="case_not_found")
    return instance, case


def decision_names() -> dict[str, str]:
    """The outcomes cases.py records in Case.decision, as the case page words them."""
    return {"approve": _("准予"), "deny": _("不予批准"), "deemed_approved": _("超时默认准予"),
            "not_accepted": _("不予受理"),
            "lenient_terminated": _("终止办理（容缺材料逾期未补齐）")}


@bp.get("/cases/<int:instance_id>")
def case_page(instance_id: int):
    return case_view(instance_id)


def case_view(instance_id: int, failed: FailedForm | None = None,
              fee_failed: FailedForm | None = None):
    """The case page; `failed`: a refused clock form, `fee_failed` a refused fee form, shown
    with what was typed."""
    instance, case = _case_and_variables(instance_id)
    return render_template("cases/case.html", instance=instance, case=case,
                           clock=clock_section.section(case,
                                                       lenient_section.not_ours(failed)),
                           lenient=lenient_section.section(case, failed),
                           fees=fee_section.section(case, fee_failed),
                           fee_state=fee_section.state_word,
                           status_names=STATUS_NAMES, decision_names=decision_names(),
                           flag_names=CASE_FLAGS, case_cards=cards.of_case(case.id),
                           open_tasks=instances.open_tasks(instance_id),
                           notice_kinds=notices.applicable(case), notice_titles=notices.titles(case),
                           material_names={m["code"]: m["name"] for m in case.item.materials},
                           first_receiver=db.session.get(User, case.first_receiver_id)
                           if case.first_receiver_id else None,
                           delivery=delivery_section.section(case, failed),
                           remedy=remedy_section.section(case, failed),
                           local=calendar.to_local, **case_record.context(instance_id),
                           agency_project=agency_items.project_of_case(case.id),
                           may_read_project=lambda project: agency_projects.may_read(
                               current_user, project),
                           **case_record.history_context(case))


def _notice(instance_id: int, kind: str) -> dict:
    instance, case = _case_and_variables(instance_id)
    return notices.build(case, kind, instances.variables(instance))


@bp.get("/cases/<int:instance_id>/notices/<kind>")
def notice_page(instance_id: int, kind: str):
    return render_template("cases/notice.html", notice=_notice(instance_id, kind),
                           instance_id=instance_id)


@bp.get("/cases/<int:instance_id>/notices/<kind>.pdf")
def notice_pdf_download(instance_id: int, kind: str):
    notice = _notice(instance_id, kind)
    url = public_lookup.lookup_url(current_app.config["PUBLIC_BASE_URL"],
                                   cases.case_of(instance_id))
    response = make_response(notice_pdf.render(notice, url))
    response.mimetype = "application/pdf"
    filename = f"case-{instance_id}-{kind}.pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
