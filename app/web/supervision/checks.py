"""案卷抽查 pages: /supervision/checks (the rounds, the sample per unit, my checks to do,
the units' findings) and /supervision/checks/<id> (the case's record beside its checklist).
The services decide who may see and do what."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from app.models import Case, Department, User, db
from app.models.case import CASE_FLAGS
from app.models.inspection import CHECK_STATES, CRITERIA, FINDING_STATES
from app.security import current_actor
from app.services import supervision
from app.services.supervision import inspection_checklist as checklist
from app.services.supervision import inspections
from app.web.blueprint import bp
from app.web.form_support import FailedForm, submit
from app.web.supervision import nav_entry

nav_entry("web.case_checks_page", _l("案卷抽查"), units_too=True)


def _names(model, ids) -> dict:
    ids = {i for i in ids if i is not None}
    column = User.display_name if model is User else Department.name
    return dict(db.session.execute(db.select(model.id, column).where(model.id.in_(ids))).all())


def _cases(ids) -> dict:
    return {c.id: c for c in db.session.scalars(db.select(Case).where(Case.id.in_(set(ids))))}


def _checks_page(failed: FailedForm | None = None) -> str:
    viewer = current_actor().user
    supervision.units_of(viewer)  # anyone else is refused here
    rounds = inspections.rounds() if viewer.is_supervisor else []
    checks = [c for r in rounds for c in r.checks]
    mine = inspections.my_checks(viewer)
    findings = inspections.unit_findings(viewer)
    people = {c.checker_id for c in checks + mine}
    units = {c.department_id for c in checks + mine} | {f.department_id for f in findings}
    units |= {int(d) for r in rounds for d in r.population}
    return render_template(
        "supervision/checks.html", failed=failed, rounds=rounds, mine=mine, findings=findings,
        cases=_cases([c.case_id for c in checks + mine] + [f.check.case_id for f in findings]),
        people=_names(User, people), units=_names(Department, units),
        overdue={f.id for f in findings if f.state == "open" and checklist.overdue(f)},
        criteria=CRITERIA, check_states=CHECK_STATES, finding_states=FINDING_STATES,
        is_supervisor=viewer.is_supervisor, default_month=inspections.last_month())


def _check_page(check_id: int, failed: FailedForm | None = None) -> str:
    viewer = current_actor().user
    check = inspections.visible_check(viewer, check_id)
    case = db.session.get(Case, check.case_id)
    return render_template(
        "supervision/check.html", failed=failed, check=check, case=case,
        unit=db.session.get(Department, check.department_id),
        checker=db.session.get(User, check.checker_id) if check.checker_id else None,
        checkers=inspections.checkers_for(check.department_id) if viewer.is_supervisor else [],
        may_conclude=check.state == "assigned" and check.checker_id == viewer.id,
        may_answer={f.id for f in check.findings if checklist.may_answer(viewer, f)},
        overdue={f.id for f in check.findings if f.state == "open" and checklist.overdue(f)},
        is_supervisor=viewer.is_supervisor, criteria=CRITERIA, check_states=CHECK_STATES,
        finding_states=FINDING_STATES, flag_names=CASE_FLAGS)


@bp.get("/supervision/checks")
def case_checks_page():
    return _checks_page()


@bp.post("/supervision/checks/draw")
def case_check_draw_form():
    actor = current_actor()
    return submit("draw", lambda: inspections.draw(request.form.get("month"), actor),
                  _checks_page, "web.case_checks_page")


@bp.get("/supervision/checks/<int:check_id>")
def case_check_page(check_id: int):
    return _check_page(check_id)


@bp.post("/supervision/checks/<int:check_id>/checklist")
def case_check_conclude_form(check_id: int):
    actor = current_actor()
    return submit("checklist", lambda: checklist.conclude(
        inspections.get_check(check_id), actor.user, request.form, actor),
        lambda failed: _check_page(check_id, failed), "web.case_check_page", check_id=check_id)


@bp.post("/supervision/checks/<int:check_id>/checker")
def case_check_reassign_form(check_id: int):
    actor = current_actor()
    return submit("checker", lambda: inspections.reassign(
        inspections.get_check(check_id), actor.user, request.form.get("checker_id"), actor),
        lambda failed: _check_page(check_id, failed), "web.case_check_page", check_id=check_id)


@bp.post("/supervision/findings/<int:finding_id>/<step>")
def check_finding_form(finding_id: int, step: str):
    actor = current_actor()
    finding = checklist.get_finding(actor.user, finding_id)
    text = request.form.get("text", "")
    steps = {"answer": lambda: checklist.answer(finding, actor.user, text, actor),
             "accept": lambda: checklist.review(finding, actor.user, True, text, actor),
             "return": lambda: checklist.review(finding, actor.user, False, text, actor)}
    if step not in steps:
        abort(404)
    check_id = finding.check_id
    return submit(f"f{finding_id}", steps[step],
                  lambda failed: _check_page(check_id, failed), "web.case_check_page",
                  check_id=check_id)

