"""Administrators seat each department's decision committee (审批决策委员会): its chair,
executive vice chair, vice chairs and members. Plain forms over committee_org."""
from __future__ import annotations

import sqlalchemy as sa
from flask import redirect, render_template, request, url_for

from app.http_inputs import db_int
from app.models import User, db
from app.models.committee import POSITION_LABELS, POSITIONS
from app.security import current_actor
from app.services import organization
from app.services.committee import organization as committee_org
from app.services.workflow import permissions
from app.services.workflow.errors import InvalidInput
from app.web import problem_text
from app.web.blueprint import bp

BLANK_ROWS = 2  # room to seat new members in one go


def _page(failed: dict | None = None, status: int = 200):
    permissions.require_admin(current_actor())
    departments = organization.list_departments(active=True)
    staff = list(db.session.scalars(sa.select(User).where(User.active.is_(True))
                                    .order_by(User.username)))
    return render_template(
        "committee/admin.html", departments=departments, staff=staff, positions=POSITIONS,
        position_labels=POSITION_LABELS, blank_rows=BLANK_ROWS, failed=failed or {},
        seats={d.id: committee_org.seats(d.id) for d in departments},
        has_committee={d.id: committee_org.has_committee(d.id) for d in departments},
        saved=request.args.get("saved", type=db_int)), status


@bp.get("/admin/committees")
def committees_page():
    return _page()


@bp.post("/admin/committees/<int:department_id>")
def seat_committee_form(department_id: int):
    members, positions = request.form.getlist("member"), request.form.getlist("position")
    entries = [{"userId": int(m), "position": p} for m, p in zip(members, positions)
               if m.isdecimal()]
    try:
        committee_org.set_seats(department_id, entries, current_actor())
    except InvalidInput as err:
        db.session.rollback()
        return _page({"department_id": department_id,
                      "messages": [problem_text.field_message(e["message"]) for e in err.errors]
                      or [problem_text.for_people(err)]},
                     err.status)
    return redirect(url_for("web.committees_page", saved=department_id,
                            _anchor=f"d{department_id}"), code=303)
