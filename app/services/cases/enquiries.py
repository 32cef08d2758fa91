"""首问负责制 (seed 004): the window logs each enquiry it takes — answered on the spot, or the
applicant guided to the window that handles it — under the staff member first asked (首问
责任人) and the unit they answer for. A unit's staff log and read their own unit's
enquiries; the center (administrators, supervisors) reads every unit's."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.models import Enquiry, User, db
from app.models.enquiry import OUTCOME_LABELS, REFERRED
from app.services import calendar
from app.services.organization import routing
from app.services.organization.checks import Problems, Text, choice, clean_texts
from app.services.workflow import audit
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden

FIELDS = {"visitorName": Text("visitor_name", 100), "visitorPhone": Text("visitor_phone", 40),
          "question": Text("question", 1000, required=True), "answer": Text("answer", 1000),
          "referredTo": Text("referred_to", 200)}


def units_for(user: User) -> set[int]:
    """The units a staff member answers enquiries for: their window and unit roles."""
    return routing.unit_departments(user)


def record(user: User, data: Mapping, actor: Actor) -> Enquiry:
    units = units_for(user)
    if not units:
        raise Forbidden("only a unit's window staff log enquiries", code="not_enquiry_staff")
    problems = Problems()
    values = clean_texts(data, FIELDS, problems, partial=False)
    outcome = choice(data, "outcome", tuple(OUTCOME_LABELS), problems, required=True)
    department_id = _department(data.get("departmentId"), units, problems)
    if outcome == REFERRED and not values.get("referred_to"):
        problems.add("referredTo", "required when the applicant is referred elsewhere")
    problems.raise_if_any("invalid_enquiry", "enquiry")
    enquiry = Enquiry(first_receiver_id=user.id, department_id=department_id, outcome=outcome,
                      **values)
    db.session.add(enquiry)
    db.session.flush()
    audit.record(actor, "enquiry.recorded", enquiry_id=enquiry.id, outcome=outcome,
                 department_id=department_id)
    db.session.commit()
    return enquiry


def _department(value, units: set[int], problems: Problems) -> int | None:
    if value in (None, "") and len(units) == 1:
        return next(iter(units))
    try:
        department_id = int(value)
    except (TypeError, ValueError):
        problems.add("departmentId", "choose the unit you answered for")
        return None
    if department_id not in units:
        problems.add("departmentId", "not a unit you work for")
    return department_id


def listing(viewer: User, day: date) -> list[Enquiry]:
    """The enquiries of one local day the viewer may read, latest first."""
    zone = calendar.local_zone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    query = (sa.select(Enquiry).where(Enquiry.asked_at >= start,
                                      Enquiry.asked_at < start + timedelta(days=1))
             .order_by(Enquiry.asked_at.desc(), Enquiry.id.desc()))
    if not viewer.is_supervisor:
        units = units_for(viewer)
        if not units:
            raise Forbidden("the enquiry log is for window staff and the center",
                            code="not_enquiry_staff")
        query = query.where(Enquiry.department_id.in_(units))
    return list(db.session.scalars(query))
