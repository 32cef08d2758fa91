"""The register of violations (/supervision/violations) and the consequences they bring
(/supervision/accountability): read by the center and, for their own, by the units; the
recording, the reviews and the decisions are the center's supervisors' (the services check)."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Case, Department, User, db
from app.models.accountability import (CONSEQUENCE_LABELS, DECISION_LABELS, KIND_LABELS,
                                       SOURCE_LABELS, STATE_LABELS)
from app.security import current_actor
from app.services import calendar, organization
from app.services.supervision import accountability, unit_list, violations
from app.web.blueprint import bp
from app.web.form_support import FailedForm, posted, submit
from app.web.supervision import nav_entry

nav_entry("web.supervision_violations_page", _l("违规登记"), units_too=True)
nav_entry("web.supervision_accountability_page", _l("效能问责"), units_too=True)

LABELS = {"kinds": KIND_LABELS, "sources": SOURCE_LABELS, "states": STATE_LABELS,
          "consequences": CONSEQUENCE_LABELS, "decisions": DECISION_LABELS}


def _labels() -> dict[str, dict[str, str]]:
    """The label tables in the page's language, worded once a request rather than once a
    row (a year's register may hold hundreds)."""
    return {name: {key: _(label) for key, label in table.items()} for name, table in LABELS.items()}


def _people(rows) -> dict[int, User]:
    wanted = {getattr(r, name) for r in rows for name in ("staff_id", "recorded_by", "decided_by")
              if getattr(r, name, None)}
    return {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(wanted)))}


def _violations_page(failed: FailedForm | None = None) -> str:
    viewer = current_actor().user
    year = accountability.checked_year(request.args.get("year"))
    chosen = violations.filters(request.args)
    rows = violations.register(viewer, year=year, **chosen)
    units = unit_list.visible(viewer)
    return render_template(
        "supervision/violations.html", failed=failed, rows=rows, year=year, chosen=chosen,
        units=units, unit_names={d.id: d.name for d in db.session.scalars(db.select(Department))},
        people=_people(rows), is_supervisor=viewer.is_supervisor, today=calendar.today(),
        cases={c.id: c for c in db.session.scalars(db.select(Case).where(
            Case.id.in_({r.case_id for r in rows if r.case_id})))},
        staff=violations.unit_staff(units) if viewer.is_supervisor else [], **_labels())


@bp.get("/supervision/violations")
def supervision_violations_page():
    return _violations_page()


@bp.post("/supervision/violations")
def supervision_violation_form():
    actor = current_actor()
    return submit("record", lambda: violations.record(posted(), actor), _violations_page,
                  "web.supervision_violations_page")


@bp.post("/supervision/violations/<int:violation_id>/review")
def supervision_violation_review_form(violation_id: int):
    actor = current_actor()
    return submit(f"v{violation_id}", lambda: violations.review(
        violation_id, request.form.get("outcome", ""), request.form.get("reason", ""), actor),
        _violations_page, "web.supervision_violations_page")


def _accountability_page(failed: FailedForm | None = None) -> str:
    viewer = current_actor().user
    year = accountability.checked_year(request.args.get("year"))
    rows = accountability.documents(viewer, year)
    return render_template(
        "supervision/accountability.html", failed=failed, rows=rows, year=year,
        standings=accountability.standings(viewer, year), people=_people(rows),
        unit_names={d.id: d.name for d in db.session.scalars(db.select(Department))},
        is_supervisor=viewer.is_supervisor, **_labels())


@bp.get("/supervision/accountability")
def supervision_accountability_page():
    return _accountability_page()


@bp.post("/supervision/accountability/<int:consequence_id>/decision")
def supervision_consequence_form(consequence_id: int):
    actor = current_actor()
    return submit(f"c{consequence_id}", lambda: accountability.decide(
        consequence_id, request.form.get("decision", ""), request.form.get("reason", ""), actor),
        _accountability_page, "web.supervision_accountability_page")


@bp.get("/supervision/accountability/<int:consequence_id>")
def supervision_consequence_page(consequence_id: int):
    """The document, printable (the browser's print leaves the header out)."""
    row = accountability.readable(current_actor().user, consequence_id)
    return render_template("supervision/consequence.html", row=row,
                           center=organization.home_center(),
                           unit=db.session.get(Department, row.department_id),
                           people=_people([row]), **_labels())
