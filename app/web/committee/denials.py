"""The denial report ledger (否定报备台账) for staff: filters by filing date, department and
outcome, and the same selection downloaded as CSV or XLSX."""
from __future__ import annotations

from flask import Response, render_template, request
from flask_login import current_user

from app.http_inputs import db_int
from app.models.denial import KIND_LABELS, OUTCOME_LABELS, OUTCOMES, TRIGGER_LABELS
from app.services import organization
from app.services.committee import ledger as denial_ledger
from app.services.workflow.errors import InvalidInput
from app.web.blueprint import bp

PER_PAGE = 50


@bp.get("/denials")
def denial_ledger_page():
    viewer = current_user._get_current_object()
    allowed = denial_ledger.departments_of(viewer)  # refuses people with no department
    departments = [d for d in organization.list_departments()
                   if allowed is None or d.id in allowed]
    page = max(request.args.get("page", 1, type=db_int), 1)
    problems, rows, total, filters = [], [], 0, denial_ledger.Filters()
    try:
        filters = denial_ledger.filters_from(request.args)
        rows, total = denial_ledger.query(viewer, filters, limit=PER_PAGE,
                                          offset=(page - 1) * PER_PAGE)
    except InvalidInput as err:
        problems = err.errors
    return render_template(
        "committee/denials.html", rows=rows, total=total, page=page, per_page=PER_PAGE,
        filters=filters, departments=departments, outcomes=OUTCOMES, problems=problems,
        outcome_labels=OUTCOME_LABELS, kind_labels=KIND_LABELS, trigger_labels=TRIGGER_LABELS,
        args=request.args), 400 if problems else 200


@bp.get("/denials/export.<fmt>")
def denial_ledger_export(fmt: str):
    viewer = current_user._get_current_object()
    content = denial_ledger.export(viewer, denial_ledger.filters_from(request.args), fmt)
    return Response(content, content_type=denial_ledger.EXPORT_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="denial-reports.{fmt}"'})
