"""送达 and 电子证照 of a case: how and when the result reached the applicant, the mail's
回执, and the licence a concluded approval produced (with its number and validity)."""
from flask import jsonify

from app.api import pages
from app.api.blueprint import bp, camel_case_errors, json_object
from app.models import DeliveryRecord, Licence
from app.security import current_actor
from app.services.cases import certificates, delivery, licences
from app.services.workflow import instances
from app.services.workflow.errors import NotFound


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _delivery(row: DeliveryRecord) -> dict:
    return {"id": row.id, "processInstanceId": row.instance_id, "document": row.document_kind,
            "method": row.method, "deliveredOn": _day(row.delivered_on),
            "recipientName": row.recipient_name, "byProxy": row.by_proxy,
            "proxyName": row.proxy_name, "carrier": row.carrier,
            "trackingNumber": row.tracking_number, "electronicAddress": row.electronic_address,
            "sentAt": _day(row.sent_at), "receiptOn": _day(row.receipt_on),
            "recordedAt": _day(row.recorded_at)}


def _licence(row: Licence) -> dict:
    return {"id": row.id, "processInstanceId": row.instance_id, "number": row.number,
            "itemCode": row.item.code, "department": row.department.code, "holder": row.holder,
            "issuedAt": _day(row.issued_at), "validFrom": _day(row.valid_from),
            "validUntil": _day(row.valid_until), "status": row.status,
            "statusReason": row.status_reason, "madeBy": row.made_by,
            "madeUnder": row.made_under or None}


@bp.get("/cases/<int:instance_id>/deliveries")
def case_deliveries(instance_id: int):
    instances.viewable(instance_id, current_actor().user)
    return jsonify(pages.page(_delivery(row) for row in delivery.of_case(instance_id)))


@bp.post("/deliveries/<int:delivery_id>/receipt")
def record_delivery_receipt(delivery_id: int):
    """邮寄送达's 回执: `{"receiptOn": "YYYY-MM-DD"}`, once, by the department's staff."""
    body = json_object()
    with camel_case_errors():
        row = delivery.record_receipt(delivery_id, body.get("receiptOn"), current_actor())
    return jsonify(_delivery(row))


@bp.get("/cases/<int:instance_id>/licence")
def case_licence(instance_id: int):
    instances.viewable(instance_id, current_actor().user)
    licence = licences.of_case(instance_id)
    if licence is None:
        raise NotFound(f"process instance {instance_id} has no licence", code="licence_not_found")
    return jsonify(_licence(licence))


@bp.post("/cases/<int:instance_id>/licence")
def make_case_licence(instance_id: int):
    """制证: the department's approving leader, or its window under 制证权 (201)."""
    instances.viewable(instance_id, current_actor().user)
    return jsonify(_licence(certificates.make_now(instance_id, current_actor()))), 201
