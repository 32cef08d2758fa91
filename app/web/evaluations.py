"""好差评 for staff (/evaluations): the 差评 and their 整改, 回访 and 申诉复核, and the
month's figures. The service decides who may do what: a unit's staff report and appeal,
the center's administrators follow up and decide appeals."""
from __future__ import annotations

import re

from flask import abort, render_template, request

from app.models import Case, Department, db
from app.models.evaluation import LEVEL_LABELS, REASON_LABELS, RECTIFICATION_STATES
from app.security import current_actor
from app.services.evaluation import figures, rectification
from app.web.blueprint import bp
from app.web.form_support import FailedForm, submit

DIMENSION_LABELS = {"department": "部门", "window": "窗口", "staff": "工作人员", "item": "事项"}


def _month() -> str:
    month = request.args.get("month", "")
    return month if re.fullmatch(r"(19|20|21)\d\d-(0[1-9]|1[0-2])", month) else figures.current_month()


def _page(failed: FailedForm | None = None) -> str:
    user = current_actor().user
    rows = rectification.listing(user)
    cases = {c.id: c for c in db.session.scalars(db.select(Case).where(
        Case.id.in_({r.evaluation.case_id for r in rows})))}
    units = dict(db.session.execute(db.select(Department.id, Department.name)).all())
    dimension = request.args.get("by", "department")
    dimension = dimension if dimension in figures.DIMENSIONS else "department"
    month = _month()
    return render_template(
        "evaluations/index.html", failed=failed, rows=rows, cases=cases, units=units,
        overdue={r.id for r in rows if rectification.overdue(r)},
        follow_up_late={r.id for r in rows if rectification.follow_up_late(r)},
        may_act_as_unit={r.id for r in rows if rectification.may_act_as_unit(user, r)},
        is_admin=user.is_admin, level_labels=LEVEL_LABELS, reason_labels=REASON_LABELS,
        state_labels=RECTIFICATION_STATES, month=month, dimension=dimension,
        dimensions=DIMENSION_LABELS, figures=figures.monthly(month, dimension))


# Each step of the loop: the text the form gives, and for a decision its 成立 / 不成立.
STEPS = {
    "report": rectification.report, "follow-up": rectification.follow_up,
    "appeal": rectification.appeal,
    "appeal-decision": lambda row, user, text, actor: rectification.decide_appeal(
        row, user, request.form.get("upheld") == "yes", text, actor),
}


@bp.get("/evaluations")
def evaluations_page():
    return _page()


@bp.post("/evaluations/<int:rectification_id>/<step>")
def rectification_step_form(rectification_id: int, step: str):
    if step not in STEPS:
        abort(404)
    actor = current_actor()
    return submit(f"r{rectification_id}", lambda: STEPS[step](
        rectification.get(rectification_id), actor.user, request.form.get("text", ""), actor),
        _page, "web.evaluations_page")
