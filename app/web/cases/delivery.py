"""The case page's delivery section: the 送达回证 of each delivery, the mail's 回执 recorded
when it comes back, and the case's licence (电子证照) with its revocation or cancellation.
Thin: ids in, a service called, the case page again (400 with the problem on a refusal)."""
from __future__ import annotations

from flask import current_app, make_response, render_template, request, url_for

from app.models import DeliveryRecord, db
from app.security import current_actor
from app.services import cases
from app.services.cases import (certificates, delivery, delivery_documents, licences,
                                notice_pdf, public_lookup)
from app.services.workflow import instances
from app.services.workflow.errors import NotFound
from app.web.blueprint import bp
from app.web.cases.intake import case_view
from app.web.form_support import submit


def _case(instance_id: int):
    instances.viewable(instance_id, current_actor().user)
    case = cases.case_of(instance_id)
    if case is None:
        raise NotFound(f"process instance {instance_id} is not a case", code="case_not_found")
    return case


def _delivery(instance_id: int, delivery_id: int) -> DeliveryRecord:
    row = db.session.get(DeliveryRecord, delivery_id)
    if row is None or row.instance_id != instance_id:
        raise NotFound(f"case {instance_id} has no delivery {delivery_id}",
                       code="delivery_not_found")
    return row


def _licence(instance_id: int):
    licence = licences.of_case(instance_id)
    if licence is None:
        raise NotFound(f"case {instance_id} has no licence", code="licence_not_found")
    return licence


def _page(notice: dict, instance_id: int, pdf_url: str):
    return render_template("cases/notice.html", notice=notice, instance_id=instance_id,
                           pdf_url=pdf_url)


def _pdf(notice: dict, case, filename: str):
    url = public_lookup.lookup_url(current_app.config["PUBLIC_BASE_URL"], case)
    response = make_response(notice_pdf.render(notice, url))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@bp.get("/cases/<int:instance_id>/deliveries/<int:delivery_id>/receipt")
def delivery_receipt_page(instance_id: int, delivery_id: int):
    case = _case(instance_id)
    notice = delivery_documents.receipt_notice(case, _delivery(instance_id, delivery_id))
    return _page(notice, instance_id, url_for("web.delivery_receipt_pdf", instance_id=instance_id,
                                              delivery_id=delivery_id))


@bp.get("/cases/<int:instance_id>/deliveries/<int:delivery_id>/receipt.pdf")
def delivery_receipt_pdf(instance_id: int, delivery_id: int):
    case = _case(instance_id)
    notice = delivery_documents.receipt_notice(case, _delivery(instance_id, delivery_id))
    return _pdf(notice, case, f"case-{instance_id}-delivery-{delivery_id}.pdf")


@bp.post("/cases/<int:instance_id>/deliveries/<int:delivery_id>/receipt")
def delivery_receipt_form(instance_id: int, delivery_id: int):
    _case(instance_id)
    _delivery(instance_id, delivery_id)
    return _submit(instance_id, lambda: delivery.record_receipt(
        delivery_id, request.form.get("receipt_on"), current_actor()))


@bp.get("/cases/<int:instance_id>/licence")
def licence_page(instance_id: int):
    case = _case(instance_id)
    return _page(delivery_documents.licence_notice(case, _licence(instance_id)), instance_id,
                 url_for("web.licence_pdf", instance_id=instance_id))


@bp.get("/cases/<int:instance_id>/licence.pdf")
def licence_pdf(instance_id: int):
    case = _case(instance_id)
    notice = delivery_documents.licence_notice(case, _licence(instance_id))
    return _pdf(notice, case, f"case-{instance_id}-licence.pdf")


@bp.post("/cases/<int:instance_id>/licence/status")
def licence_status_form(instance_id: int):
    case = _case(instance_id)
    return _submit(instance_id, lambda: licences.end_from_page(
        case, current_actor(), request.form.get("reason", ""), request.form.get("status", "")))


@bp.post("/cases/<int:instance_id>/licence/make")
def make_licence_form(instance_id: int):
    _case(instance_id)  # who may see the case
    return _submit(instance_id, lambda: certificates.make_now(instance_id, current_actor()))


def _submit(instance_id: int, save):
    return submit("delivery", save, lambda failed: case_view(instance_id, failed),
                  "web.case_page", instance_id=instance_id)
