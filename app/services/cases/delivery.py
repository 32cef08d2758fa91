"""送达: how a case's decision reached the applicant, and its receipt (送达回证).

The delivery step's form (办结送达: window_deliver / service_item_deliver) says how the
decision went out — 当场领取 (the signer, or a proxy 代领 with name and ID number), 邮寄送达
(carrier and tracking number), 电子送达 (the address or channel) — the day and who received
it. Its values are stored here as a record of the case when the step completes (checked
where every completion passes, in the same transaction: a refused step records nothing);
they are data and route nothing. The mail's 回执 comes back later and is recorded then.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.models import Case, DeliveryRecord, HumanTask, User, db, utcnow
from app.models.delivery import DELIVERY_FORMS, ELECTRONIC, MAIL, WINDOW
from app.services import calendar, cases
from app.services.organization import routing
from app.services.organization.checks import Problems
from app.services.workflow import audit, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

# What each method needs beyond the method itself (the forms' if/then say the same).
REQUIRED_FOR = {MAIL: ("mail_carrier", "tracking_number"), ELECTRONIC: ("electronic_address",)}


def register() -> None:
    tasks.guard_completion(record_on_completion)


def of_case(instance_id: int) -> list[DeliveryRecord]:
    return list(db.session.scalars(sa.select(DeliveryRecord).where(
        DeliveryRecord.instance_id == instance_id).order_by(DeliveryRecord.id)))


def record_on_completion(task: HumanTask, actor: Actor, data: dict) -> None:
    """The delivery the completing 办结送达 form describes, recorded with the completion."""
    if task.form_schema not in DELIVERY_FORMS or "delivery_method" not in data:
        return
    case = cases.case_of(task.instance_id)
    if case is not None:
        record(case, data, actor)


def record(case: Case, data: dict, actor: Actor) -> DeliveryRecord:
    method = data.get("delivery_method")
    _check(method, data)
    by_proxy = method == WINDOW and bool(data.get("by_proxy"))
    row = DeliveryRecord(
        instance_id=case.instance_id, method=method,
        delivered_on=_day(data.get("delivered_on"), "delivered_on") or calendar.today(),
        recipient_name=_text(data, "recipient_name") or case.applicant_name,
        by_proxy=by_proxy, proxy_name=_text(data, "proxy_name") if by_proxy else "",
        proxy_id_number=_text(data, "proxy_id_number").upper() if by_proxy else "",
        carrier=_text(data, "mail_carrier") if method == MAIL else "",
        tracking_number=_text(data, "tracking_number") if method == MAIL else "",
        electronic_address=_text(data, "electronic_address") if method == ELECTRONIC else "",
        sent_at=utcnow() if method == ELECTRONIC else None, recorded_by=actor.user_id)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "delivery.recorded", instance_id=case.instance_id, delivery_id=row.id,
                 method=method, tracking_number=row.tracking_number or None)
    return row


def _check(method: str | None, data: dict) -> None:
    """The forms check the same; a definition deployed with older forms is checked here."""
    problems = Problems()
    if method not in (WINDOW, MAIL, ELECTRONIC):
        problems.add("delivery_method", "window, mail or electronic")
    for field in REQUIRED_FOR.get(method, ()):
        if not _text(data, field):
            problems.add(field, "required")
    if method == WINDOW and data.get("by_proxy"):
        problems.errors += [{"field": f, "message": "required"}
                            for f in ("proxy_name", "proxy_id_number") if not _text(data, f)]
    problems.raise_if_any("delivery_invalid", "delivery")
    day = _day(data.get("delivered_on"), "delivered_on")
    if day is not None and day > calendar.today():
        raise InvalidInput("the delivery date is in the future", code="delivery_date_in_future",
                           errors=[{"field": "delivered_on", "message": "in the future"}])


def _text(data: dict, field: str) -> str:
    value = data.get(field)
    return value.strip() if isinstance(value, str) else ""


def _day(value, field: str) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(f"{field} is not a date (YYYY-MM-DD)", code="delivery_date_invalid",
                           errors=[{"field": field, "message": "YYYY-MM-DD"}]) from None


def record_receipt(delivery_id: int, received_on: str | None, actor: Actor) -> DeliveryRecord:
    """邮寄送达's 回执 come back: its date, once, by the department's staff."""
    row = db.session.get(DeliveryRecord, delivery_id)
    if row is None:
        raise NotFound(f"delivery {delivery_id} does not exist", code="delivery_not_found")
    _require_staff(actor.user, cases.case_of(row.instance_id))
    if row.method != MAIL:
        raise Conflict("only a delivery by mail has a receipt to record",
                       code="delivery_not_by_mail")
    if row.receipt_on is not None:
        raise Conflict("the receipt was recorded already", code="delivery_receipt_recorded")
    day = _day(received_on, "receipt_on")
    if day is None or not row.delivered_on <= day <= calendar.today():
        raise InvalidInput("the receipt date is required, between the posting day and today",
                           code="delivery_receipt_date_invalid",
                           errors=[{"field": "receipt_on", "message": "required"}])
    row.receipt_on, row.receipt_recorded_by = day, actor.user_id
    audit.record(actor, "delivery.receipt_recorded", instance_id=row.instance_id,
                 delivery_id=row.id, receipt_on=day.isoformat())
    db.session.commit()
    return row


def _require_staff(user: User, case: Case) -> None:
    if not (user.is_admin or case.item.department_id in routing.unit_departments(user)):
        raise Forbidden("only the department's staff record a delivery's receipt",
                        code="not_delivery_staff")
