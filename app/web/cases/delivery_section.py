"""What the case page shows of the case's deliveries (送达) and licence (电子证照), and which
of their forms the person looking may use."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_login import current_user

from app.models import Case, DeliveryRecord, Licence
from app.models.delivery import (CANCELLED, ELECTRONIC, MAIL, REVOKED, VALID, WINDOW)
from app.models.identity import APPROVING_LEADER
from app.services import calendar
from app.services.cases import certificates, delivery, licences
from app.services.organization import routing
from app.web.form_support import FailedForm


@dataclass
class DeliverySection:
    deliveries: list[DeliveryRecord]
    licence: Licence | None
    validity: str
    may_record_receipt: bool  # the department's staff
    may_end_licence: bool  # an administrator or the department's approving leader
    awaiting: bool  # 待制证: approved, the licence not yet made
    may_make_licence: bool  # the leader, or the window under 制证权
    failed: FailedForm | None
    methods: dict
    statuses: dict


def section(case: Case, failed: FailedForm | None) -> DeliverySection:
    user = current_user._get_current_object()
    licence = licences.of_case(case.instance_id)
    department_id = case.item.department_id
    leaders = {u.id for u in routing.holders(APPROVING_LEADER, department_id)}
    waiting = licence is None and certificates.awaiting(case)
    return DeliverySection(
        deliveries=delivery.of_case(case.instance_id), licence=licence,
        validity=licences.validity_text(licence) if licence else "",
        may_record_receipt=user.is_admin or department_id in routing.unit_departments(user),
        may_end_licence=bool(licence) and licence.status == VALID
        and (user.is_admin or user.id in leaders),
        awaiting=waiting,
        may_make_licence=waiting and certificates.refusal(user, case, calendar.today()) is None,
        failed=failed if failed and failed.form == "delivery" else None,
        methods={WINDOW: _("当场领取"), MAIL: _("邮寄送达"), ELECTRONIC: _("电子送达")},
        statuses={VALID: _("有效"), REVOKED: _("已撤销"), CANCELLED: _("已注销")})
