"""日对账: one local day of the settlement window, per department — what was assessed, what
was paid (by method), what was refunded and what the day nets — so the cashier's takings,
the departments' notices and the finance bureau's receipts agree to the cent.

A movement counts on the local date it happened (config TIMEZONE): a payment at 23:30 on
day D is D's, whatever UTC says. The center's cashiers and supervisors see every
department; a department's staff see their own.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from app.models import Department, FeeAssessment, FeePayment, FeeRefund, User, db
from app.models.fee import METHOD_LABELS
from app.services import calendar, money
from app.services.organization import routing
from app.services.workflow.errors import Forbidden


@dataclass
class DepartmentDay:
    name: str
    assessed_count: int = 0
    assessed_fen: int = 0
    paid_count: int = 0
    paid_fen: int = 0
    by_method: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METHOD_LABELS, 0))
    refund_count: int = 0
    refund_fen: int = 0

    @property
    def net_fen(self) -> int:  # what the day leaves in the till for the department
        return self.paid_fen - self.refund_fen

    def add(self, other: DepartmentDay) -> None:
        for name in ("assessed_count", "assessed_fen", "paid_count", "paid_fen",
                     "refund_count", "refund_fen"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for method, fen in other.by_method.items():
            self.by_method[method] += fen


@dataclass
class Reconciliation:
    day: date
    rows: list[DepartmentDay]
    total: DepartmentDay
    payments: list[FeePayment]
    refunds: list[FeeRefund]


def departments_for(viewer: User) -> set[int] | None:
    """The departments the viewer reconciles; None for all of them."""
    if viewer.is_cashier or viewer.is_supervisor:
        return None
    units = routing.unit_departments(viewer)
    if not units:
        raise Forbidden("the reconciliation is for the settlement window, the center and "
                        "the departments' staff", code="not_fee_viewer")
    return units


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time.min, tzinfo=calendar.local_zone())
    return start, datetime.combine(day + timedelta(days=1), time.min,
                                   tzinfo=calendar.local_zone())


def of_day(viewer: User, day: date) -> Reconciliation:
    only = departments_for(viewer)
    start, end = day_bounds(day)
    rows: dict[int, DepartmentDay] = {}

    def row(department_id: int) -> DepartmentDay:
        if department_id not in rows:
            rows[department_id] = DepartmentDay(db.session.get(Department, department_id).name)
        return rows[department_id]

    for assessed in _in(FeeAssessment, FeeAssessment.assessed_at, start, end, only):
        row(assessed.department_id).assessed_count += 1
        row(assessed.department_id).assessed_fen += assessed.amount_fen
    payments = _in(FeePayment, FeePayment.paid_at, start, end, only)
    for paid in payments:
        target = row(paid.assessment.department_id)
        target.paid_count += 1
        target.paid_fen += paid.amount_fen
        target.by_method[paid.method] += paid.amount_fen
    refunds = _in(FeeRefund, FeeRefund.refunded_at, start, end, only)
    for returned in refunds:
        target = row(_refund_department(returned))
        target.refund_count += 1
        target.refund_fen += returned.amount_fen
    ordered = [rows[k] for k in sorted(rows, key=lambda k: rows[k].name)]
    total = DepartmentDay(_("合计"))
    for each in ordered:
        total.add(each)
    return Reconciliation(day, ordered, total, payments, refunds)


def _in(model, moment, start: datetime, end: datetime, only: set[int] | None) -> list:
    query = sa.select(model).where(moment >= start, moment < end).order_by(moment, model.id)
    if model is FeeRefund:
        query = query.join(FeePayment, FeePayment.id == FeeRefund.payment_id)
    if model is not FeeAssessment:
        query = query.join(FeeAssessment, FeePayment.assessment_id == FeeAssessment.id)
    if only is not None:
        query = query.where(FeeAssessment.department_id.in_(only))
    return list(db.session.scalars(query))


def _refund_department(refund: FeeRefund) -> int:
    return db.session.get(FeePayment, refund.payment_id).assessment.department_id


def xlsx(found: Reconciliation) -> bytes:
    """The day's sheet (per department, amounts in 元 as exact decimals) and its movements."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("日对账")
    methods = list(METHOD_LABELS)
    sheet.append([_("部门"), _("核定笔数"), _("核定金额"), _("缴费笔数"), _("缴费金额"),
                  *(_(METHOD_LABELS[m]) for m in methods), _("退费笔数"), _("退费金额"),
                  _("净收")])
    for each in [*found.rows, found.total]:
        sheet.append([each.name, each.assessed_count, money.to_yuan(each.assessed_fen),
                      each.paid_count, money.to_yuan(each.paid_fen),
                      *(money.to_yuan(each.by_method[m]) for m in methods), each.refund_count,
                      money.to_yuan(each.refund_fen), money.to_yuan(each.net_fen)])
    _money_format(sheet)
    detail = book.create_sheet(_("明细"))
    detail.append([_("类别"), _("时间"), _("缴费通知书"), _("部门"), _("票据号"),
                   _("缴款方式"), _("金额")])
    for paid in found.payments:
        detail.append([_("缴费"), calendar.to_local(paid.paid_at).strftime("%Y-%m-%d %H:%M"),
                       paid.assessment.notice_number, paid.assessment.department.name,
                       paid.receipt_no, _(METHOD_LABELS[paid.method]),
                       money.to_yuan(paid.amount_fen)])
    for returned in found.refunds:
        paid = db.session.get(FeePayment, returned.payment_id)
        detail.append([_("退费"), calendar.to_local(returned.refunded_at).strftime("%Y-%m-%d %H:%M"),
                       paid.assessment.notice_number, paid.assessment.department.name,
                       paid.receipt_no, returned.reason, -money.to_yuan(returned.amount_fen)])
    _money_format(detail)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _money_format(sheet) -> None:
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if cell.data_type == "n" and not isinstance(cell.value, int):
                cell.number_format = "#,##0.00"
