"""一次一评 at the window: the rating device beside a clerk's counter, signed in as that clerk.

A visit is rated with or without a case: given the number of a concluded case not yet rated,
the rating is that case's (一事一评, by the window); otherwise it rates the visit, attributed
to the clerk at the device, their window and department."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import Case, User, db
from app.models.evaluation import Evaluation
from app.services.evaluation import rating
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden, InvalidInput

CHANNEL = "window"


def may_use(user: User) -> bool:
    """A device is signed in as a window's staff (a department's member) or an administrator."""
    return user.is_admin or any(m.department_id for m in user.memberships)


def rate_visit(user: User, form: dict, actor: Actor) -> Evaluation:
    if not may_use(user):
        raise Forbidden("a window device is signed in as a window's staff", code="not_window_staff")
    case_no = str(form.get("caseNo") or "").strip().upper()
    if case_no:
        case = db.session.scalar(sa.select(Case).where(Case.case_no == case_no))
        if case is None:
            raise InvalidInput(f"no case numbered {case_no}", code="case_no_unknown",
                               errors=[{"field": "caseNo", "message": "unknown case number"}])
        return rating.rate(case, form.get("level"), form.get("reasons"),
                           form.get("comment", ""), CHANNEL, actor)
    level, reasons, comment = rating.validated(form.get("level"), form.get("reasons"),
                                               form.get("comment", ""), CHANNEL)
    department_id = next((m.department_id for m in user.memberships if m.department_id), None)
    return rating.save(Evaluation(level=level, reasons=reasons, comment=comment,
                                  channel=CHANNEL, department_id=department_id,
                                  window_id=rating.window_of(user.id), staff_id=user.id,
                                  counted=True), None, actor)
