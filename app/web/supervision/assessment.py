"""月度效能考评 pages: the month's figures (/supervision/assessment), its XLSX, its printable
通报, and the supervisor's publish and recompute buttons. The services decide who sees what."""
from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.models.assessment import STATE_LABELS
from app.security import current_actor
from app.services.organization import home_center
from app.services.supervision import (assessment, assessment_export, assessment_pdf,
                                      assessment_view)
from app.services.supervision.indicators import DIMENSIONS
from app.web.blueprint import bp
from app.web.form_support import FailedForm, submit
from app.web.supervision import nav_entry

nav_entry("web.assessment_page", _l("月度效能考评"), units_too=True)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHARTED = ("on_time_rate", "satisfaction")  # the rates drawn as bars per unit


def _viewer():
    return current_user._get_current_object()


def _page(failed: FailedForm | None = None, month: str | None = None) -> str:
    viewer = _viewer()
    found = assessment_view.view(viewer, month or request.args.get("month"))
    dimension = request.args.get("by", "department")
    dimension = dimension if dimension in DIMENSIONS else "department"
    return render_template(
        "supervision/assessment.html", found=found, dimension=dimension, failed=failed,
        months=assessment_view.months(viewer), dimensions=assessment_export.DIMENSION_LABELS,
        state_labels=STATE_LABELS, shown=assessment_export.shown,
        shown_parts=assessment_export.shown_parts,
        row_name=assessment_export.row_name, charted=CHARTED,
        is_supervisor=viewer.is_supervisor)


@bp.get("/supervision/assessment")
def assessment_page():
    return _page()


@bp.get("/supervision/assessment/<month>.xlsx")
def assessment_xlsx(month: str):
    content = assessment_export.xlsx(assessment_view.view(_viewer(), month))
    return Response(content, mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="assessment-{month}.xlsx"'})


@bp.get("/supervision/assessment/<month>/bulletin")
def assessment_bulletin(month: str):
    return render_template(
        "supervision/assessment_bulletin.html", found=assessment_view.view(_viewer(), month),
        center=home_center(), shown=assessment_export.shown, row_name=assessment_export.row_name,
        state_labels=STATE_LABELS)


@bp.get("/supervision/assessment/<month>/bulletin.pdf")
def assessment_bulletin_pdf(month: str):
    found = assessment_view.view(_viewer(), month)
    center = home_center()
    content = assessment_pdf.render(found, center.name if center else "",
                                    found.stored.bulletin_no if found.stored else None)
    return Response(content, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="assessment-{month}.pdf"'})


@bp.post("/supervision/assessment/<month>/publish")
def assessment_publish_form(month: str):
    return submit("publish", lambda: assessment.publish(month, _viewer(), current_actor()),
                  lambda failed: _page(failed, month), "web.assessment_page", month=month)


@bp.post("/supervision/assessment/<month>/recompute")
def assessment_recompute_form(month: str):
    return submit("recompute", lambda: assessment.recompute(month, _viewer(), current_actor()),
                  lambda failed: _page(failed, month), "web.assessment_page", month=month)
