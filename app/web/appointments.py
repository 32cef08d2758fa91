"""Administrators' page for 首席事务代表任命书 (appointments of the chief representatives):
each department's appointments, a form to issue one (it ends the one in force) and a button
to end one. Thin: a service called, the page again with the problem on a refusal."""
from __future__ import annotations

from flask import render_template

from app.security import current_actor
from app.services import calendar, organization
from app.services.authorization import appointments
from app.services.workflow import permissions
from app.web.blueprint import bp
from app.web.form_support import FailedForm, posted, submit


@bp.get("/admin/appointments")
def appointments_page(failed: FailedForm | None = None):
    actor = current_actor()
    permissions.require_admin(actor)
    rows = appointments.listing(actor)
    departments, users = appointments.parties(rows)
    by_department = {d.id: [] for d in organization.list_departments(active=True)}
    for row in rows:
        by_department.setdefault(row.department_id, []).append(row)
    departments.update({d.id: d for d in organization.list_departments(active=True)})
    return render_template("authorization/appointments.html", by_department=by_department,
                           departments=departments, users=users, failed=failed,
                           candidates=appointments.candidates(), today=calendar.today())


@bp.post("/admin/appointments")
def issue_appointment_form():
    data = posted()
    return _submit(lambda: appointments.issue(data, current_actor()))


@bp.post("/admin/appointments/<int:appointment_id>/end")
def end_appointment_form(appointment_id: int):
    reason = posted().get("reason")
    return _submit(lambda: appointments.end(appointment_id, reason, current_actor()))


def _submit(save):
    return submit("appointment", save, lambda failed: appointments_page(failed),
                  "web.appointments_page")
