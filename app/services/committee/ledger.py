"""The denial report ledger (否定报备台账): every report with its outcome, filtered by the
date it was filed, department and outcome, and exported as CSV or XLSX.

Administrators see every department; window staff, chief representatives and leaders see
the departments they serve; nobody else sees the ledger.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from openpyxl import Workbook

from app.models import DenialReport, User, db
from app.models.denial import KIND_LABELS, OUTCOME_LABELS, OUTCOMES, TRIGGER_LABELS
from app.services import calendar
from app.services.organization import routing
from app.services.organization.checks import as_id
from app.services.workflow import paging, time_text
from app.services.workflow.errors import Forbidden, InvalidInput, NotFound

FORMULA_START = ("=", "+", "-", "@")  # a spreadsheet would run such a cell as a formula
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8",
                "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None  # filed on or after (local date)
    date_to: date | None = None  # filed on or before
    department_id: int | None = None
    outcome: str | None = None  # pending / confirmed / corrected

    def as_args(self) -> dict:
        return {k: v for k, v in {
            "from": self.date_from.isoformat() if self.date_from else None,
            "to": self.date_to.isoformat() if self.date_to else None,
            "department": self.department_id, "outcome": self.outcome}.items() if v}


def filters_from(args: Mapping) -> Filters:
    """Query arguments `from`, `to` (YYYY-MM-DD), `department` (id), `outcome`."""
    errors = []
    days = {}
    for key in ("from", "to"):
        raw = (args.get(key) or "").strip()
        try:
            days[key] = date.fromisoformat(raw) if raw else None
        except ValueError:
            errors.append({"field": key, "message": "expected a date YYYY-MM-DD"})
            days[key] = None
    department = (str(args.get("department") or "")).strip()
    if department and as_id(department) is None:
        errors.append({"field": "department", "message": "expected a department id"})
    outcome = (args.get("outcome") or "").strip() or None
    if outcome and outcome not in OUTCOMES:
        errors.append({"field": "outcome", "message": f"one of {', '.join(OUTCOMES)}"})
    if errors:
        raise InvalidInput("the ledger filters are not valid", code="invalid_filter",
                           errors=errors)
    return Filters(days["from"], days["to"], as_id(department) if department else None, outcome)


def departments_of(viewer: User) -> set[int] | None:
    """The departments whose reports `viewer` may read; None means all of them."""
    if viewer.is_admin:
        return None
    found = routing.unit_departments(viewer)
    if not found:
        raise Forbidden("the denial report ledger is for department staff and administrators",
                        code="not_allowed")
    return found


def _select(viewer: User, filters: Filters):
    stmt = sa.select(DenialReport)
    allowed = departments_of(viewer)
    if allowed is not None:
        stmt = stmt.where(DenialReport.department_id.in_(allowed))
    if filters.department_id is not None:
        stmt = stmt.where(DenialReport.department_id == filters.department_id)
    if filters.outcome:
        stmt = stmt.where(DenialReport.state == filters.outcome)
    zone = calendar.local_zone()
    if filters.date_from:
        stmt = stmt.where(DenialReport.filed_at >= datetime.combine(filters.date_from, time(),
                                                                    zone))
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time(), zone)
        stmt = stmt.where(DenialReport.filed_at < end)
    return stmt


# The latest filed first; the id breaks ties of one moment.
LATEST_FIRST = paging.Keyset("denial-reports", (
    paging.Key(DenialReport.filed_at, lambda r: r.filed_at, datetime, descending=True),
    paging.Key(DenialReport.id, lambda r: r.id, int, descending=True)))


def query(viewer: User, filters: Filters, *, limit: int = 100,
          offset: int = 0) -> tuple[list[DenialReport], int]:
    rows, total, _ = page(viewer, filters, limit=limit, offset=offset)
    return rows, total


def page(viewer: User, filters: Filters, *, after: list | None = None, limit: int = 100,
         offset: int = 0) -> tuple[list[DenialReport], int, list | None]:
    """The reports after the key `after` (of LATEST_FIRST) and `offset` more; how many match
    (exactly: a ledger is read whole); the key to continue after when more follow."""
    stmt = _select(viewer, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery()))
    rows, next_key = paging.keyset_page(stmt, LATEST_FIRST, after=after,
                                        limit=min(max(limit, 1), 500), offset=max(offset, 0))
    return rows, total, next_key


def get(report_id: int, viewer: User) -> DenialReport:
    row = db.session.get(DenialReport, report_id)
    allowed = departments_of(viewer)
    if row is None or (allowed is not None and row.department_id not in allowed):
        raise NotFound(f"denial report {report_id} does not exist", code="denial_report_not_found")
    return row


# --- export ----------------------------------------------------------------------------------

HEADER = ["报备编号", "登记时间", "部门", "事项编码", "事项名称", "办件编号", "申请人", "联系电话",
          "否定类型", "报备原因", "否定内容", "否定理由", "法律依据", "申请人异议", "经办人",
          "审查期限", "审查结果", "审查意见", "审查人", "审查时间", "审查逾期"]


def _local(value: datetime | None) -> str:
    return time_text.local_datetime(value, empty="")


def row_values(row: DenialReport) -> list:
    return [row.number or "", _local(row.filed_at), row.department.name, row.item_code,
            row.item_name, row.case_no or "", row.applicant_name,
            row.applicant_contact.get("phone", ""), KIND_LABELS[row.kind],
            TRIGGER_LABELS[row.trigger], row.refused, row.reasons, row.legal_basis,
            row.objection, row.handler.display_name if row.handler else "",
            _local(row.review_due_at), OUTCOME_LABELS[row.state], row.review_opinion,
            row.reviewer.display_name if row.reviewer else "", _local(row.reviewed_at),
            "是" if row.overdue else "否"]


def export(viewer: User, filters: Filters, fmt: str) -> bytes:
    if fmt not in EXPORT_TYPES:
        raise InvalidInput("format must be csv or xlsx", code="unsupported_format")
    rows = list(db.session.scalars(_select(viewer, filters).order_by(DenialReport.filed_at,
                                                                      DenialReport.id)))
    table = [HEADER, *(row_values(r) for r in rows)]
    return _csv(table) if fmt == "csv" else _xlsx(table)


def _csv(table: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for values in table:
        writer.writerow(["'" + v if isinstance(v, str) and v.startswith(FORMULA_START) else v
                         for v in values])
    return out.getvalue().encode("utf-8-sig")  # Excel reads Chinese CSV with the BOM


def _xlsx(table: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "否定报备台账"
    for values in table:
        sheet.append(values)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
