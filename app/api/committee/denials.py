"""Denial reports (否定报备): the ledger (台账) with its filters and export, one report, and
the reports of a case."""
from flask import Response, jsonify, request

from app.api import pages
from app.api.blueprint import bp
from app.api.representations import iso
from app.http_inputs import page_args
from app.models import DenialReport
from app.security import current_actor
from app.services.committee import denials
from app.services.committee import ledger as denial_ledger
from app.services.workflow import instances


def report_body(row: DenialReport) -> dict:
    return {"id": row.id, "number": row.number, "processInstanceId": row.instance_id,
            "departmentId": row.department_id, "department": row.department.name,
            "itemCode": row.item_code, "itemName": row.item_name, "caseNo": row.case_no,
            "kind": row.kind, "trigger": row.trigger, "applicant": row.applicant_name,
            "applicantContact": row.applicant_contact, "refused": row.refused,
            "reasons": row.reasons, "legalBasis": row.legal_basis, "objection": row.objection,
            "handlerId": row.handler_id,
            "handler": row.handler.display_name if row.handler else None,
            "filedAt": iso(row.filed_at), "reviewDueAt": iso(row.review_due_at),
            "outcome": row.state, "reviewedBy": row.reviewed_by,
            "reviewedAt": iso(row.reviewed_at), "reviewOpinion": row.review_opinion,
            "overdue": row.overdue}


@bp.get("/denial-reports")
def denial_reports():
    """The ledger: `from`, `to` (filing date), `department` (id), `outcome`; paged by `limit`
    and the cursor `after` (`offset` still skips)."""
    filters, order = denial_ledger.filters_from(request.args), denial_ledger.LATEST_FIRST
    rows, total, next_key = denial_ledger.page(current_actor().user, filters,
                                               after=pages.after_arg(order),
                                               **page_args(request.args))
    return jsonify(pages.page((report_body(r) for r in rows), total=total, capped=False,
                              next=pages.encode(order, next_key)))


@bp.get("/denial-reports/export")
def export_denial_reports():
    chosen = request.args.get("format", "csv")
    content = denial_ledger.export(current_actor().user, denial_ledger.filters_from(request.args),
                                   chosen)
    return Response(content, content_type=denial_ledger.EXPORT_TYPES[chosen], headers={
        "Content-Disposition": f'attachment; filename="denial-reports.{chosen}"'})


@bp.get("/denial-reports/<int:report_id>")
def denial_report(report_id: int):
    return jsonify(report_body(denial_ledger.get(report_id, current_actor().user)))


@bp.get("/cases/<int:instance_id>/denial-reports")
def case_denial_reports(instance_id: int):
    instances.viewable(instance_id, current_actor().user)
    return jsonify(pages.page(report_body(r) for r in denials.reports_of(instance_id)))
