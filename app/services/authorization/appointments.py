"""首席事务代表任命书 (appointment of the chief representative, seed 000 二、三、四).

The department appoints its chief representative (委派制) with a 任命书 stating the range of
their duties (职责权限范围), filed (备案) with the county's 政务服务股; the authorization
letter (授权书, letters.py) then names only a person appointed in force on its first day.

Rules:
- the appointee is formally established staff of section rank or above (正式在编的业务骨干,
  股级以上: qualifications.shortfalls for the chief's role), unless the center records its
  reason (`exceptionReason`), as for the window staff's other rules;
- issuing grants the appointee the chief representative's role in the department when they
  lack it, through the staff service so its rules run;
- at most one appointment of a department is in force on any day: a new one ends the one in
  force (另行委派, 人事调动) on the new one's issue day, with the reason given, in the same
  transaction;
- an appointment is never edited; ending it (`end`) keeps every role, and tells the
  department's approving leaders and liaison officers to appoint a new chief.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa

from app.models import AppointmentLetter, Department, Membership, User, db
from app.models.appointment import APPOINTED, ENDED
from app.models.identity import APPROVING_LEADER, CHIEF_REPRESENTATIVE
from app.services import calendar
from app.services.organization import qualifications, routing, staff
from app.services.organization.checks import (Problems, Text, clean_texts, commit, get_or_404,
                                              past_day, refuse_taken, required_text, row_by_id)
from app.services.workflow import audit, execution, notifications, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden

TEXTS = {"number": Text("number", 64, required=True),  # 文号
         "issuer": Text("issuer", 120, required=True),  # the department's head who signs
         "duties": Text("duties", 2000, required=True)}  # 职责权限范围
READING_ROLES = (APPROVING_LEADER, CHIEF_REPRESENTATIVE)  # of the department, besides the center


# --- reading -------------------------------------------------------------------------------

def get(appointment_id: int) -> AppointmentLetter:
    return get_or_404(AppointmentLetter, appointment_id, "appointment")


def readable(appointment_id: int, actor: Actor) -> AppointmentLetter:
    """One appointment, if the actor may read its department's (may_read)."""
    appointment = get(appointment_id)
    _require_reader(actor.user, appointment.department_id)
    return appointment


def in_force(department_id: int, day: date) -> AppointmentLetter | None:
    """The department's appointment in force on `day` (at most one, by `issue`)."""
    row = AppointmentLetter
    return db.session.scalar(
        sa.select(row).where(row.department_id == department_id, row.issued_on <= day,
                             sa.or_(row.ended_on.is_(None), row.ended_on > day))
        .order_by(row.issued_on.desc(), row.id.desc()).limit(1))


def may_read(viewer: User | None, department_id: int) -> bool:
    """Center administrators, supervisors, and the department's own leaders and chief."""
    return viewer is None or viewer.is_supervisor or any(
        viewer.has_role(role, department_id) for role in READING_ROLES)


def _require_reader(viewer: User | None, department_id: int) -> None:
    if not may_read(viewer, department_id):
        raise Forbidden("only the center, supervisors and the department's leaders and "
                        "chief representative read its appointments",
                        code="not_appointment_reader")


def listing(actor: Actor, department_id: int | None = None) -> list[AppointmentLetter]:
    """The appointments the actor may read, newest first; of one department if given."""
    viewer = actor.user
    query = sa.select(AppointmentLetter)
    if department_id is not None:
        _require_reader(viewer, department_id)
        query = query.where(AppointmentLetter.department_id == department_id)
    elif viewer is not None and not viewer.is_supervisor:
        own = {m.department_id for m in viewer.memberships if m.role in READING_ROLES}
        query = query.where(AppointmentLetter.department_id.in_(own))
    return list(db.session.scalars(query.order_by(
        AppointmentLetter.department_id, AppointmentLetter.issued_on.desc(),
        AppointmentLetter.id.desc())))


def parties(rows: list[AppointmentLetter]) -> tuple[dict, dict]:
    """The departments and appointees the appointments name, by id (for display)."""
    department_ids = {r.department_id for r in rows}
    user_ids = {r.appointee_id for r in rows}
    if not rows:
        return {}, {}
    return ({d.id: d for d in db.session.scalars(
                sa.select(Department).where(Department.id.in_(department_ids)))},
            {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))})


def candidates() -> list[tuple[User, Department]]:
    """Whom a department may appoint: its active staff (any role held in it), by department."""
    rows = db.session.execute(
        sa.select(User, Department).join(Membership, Membership.user_id == User.id)
        .join(Department, Department.id == Membership.department_id)
        .where(User.active.is_(True), Department.active.is_(True))
        .order_by(Department.code, User.display_name)).all()
    return list(dict.fromkeys((user, department) for user, department in rows))


def grantee_problem(department_id: int, grantee_id: int, valid_from) -> str | None:
    """Why a letter may not name the grantee on `valid_from` (letters._check_grantee), or
    None; a date that is not one is left to the letter's own date check."""
    try:
        day = valid_from if isinstance(valid_from, date) else date.fromisoformat(valid_from)
    except (TypeError, ValueError):
        return None
    appointment = in_force(department_id, day)
    if appointment is not None and appointment.appointee_id == grantee_id:
        return None
    return (f"the grantee has no 任命书 in force in this department on {day.isoformat()}: "
            "appoint them chief representative (首席事务代表任命书) first")


# --- issuing -------------------------------------------------------------------------------

def issue(fields, actor: Actor) -> AppointmentLetter:
    """Issue an appointment; the one in force ends the same day (另行委派, `reason`)."""
    permissions.require_admin(actor)
    execution.begin_write()  # validate against what committed writers left (SQLite)
    data = fields if isinstance(fields, Mapping) else {}
    values, department, appointee, current = _validated(data)
    refuse_taken(AppointmentLetter, AppointmentLetter.number, values["number"], None,
                 code="appointment_number_taken", what="appointment number")
    approved = qualifications.check_role_change(
        appointee.username, qualifications.record_of(appointee.id), set(),
        {(CHIEF_REPRESENTATIVE, department.id)}, data.get("exceptionReason"))
    reason = values.pop("reason")
    if not appointee.has_role(CHIEF_REPRESENTATIVE, department.id):
        roles = [*staff.role_list(appointee),
                 {"role": CHIEF_REPRESENTATIVE, "department": department.code}]
        staff.set_roles(appointee.id, roles, actor, data.get("exceptionReason"))
    appointment = AppointmentLetter(**values, department_id=department.id,
                                    appointee_id=appointee.id, status=APPOINTED,
                                    end_reason="", created_by=actor.user_id)
    db.session.add(appointment)
    db.session.flush()
    if current is not None:
        _close(current, values["issued_on"], reason, actor)
        _audit(actor, "appointment.ended", current, reason=reason,
               replaced_by=appointment.id)
    _audit(actor, "appointment.issued", appointment, appointee_id=appointee.id,
           ends=current.id if current else None,
           **({"center_approval": approved} if approved else {}))
    commit("appointment_number_taken")  # a concurrent issue of the same number: a 409
    return appointment


def _validated(data: Mapping) -> tuple[dict, Department, User, AppointmentLetter | None]:
    """Column values (and the reason the one in force ends), department, appointee and the
    department's current appointment; every bad field named at once."""
    problems = Problems()
    values = clean_texts(data, TEXTS, problems, partial=False)
    department = row_by_id(Department, data, "departmentId", problems, what="department")
    if department is not None and not department.active:
        problems.add("departmentId", "the department is no longer active")
    appointee = row_by_id(User, data, "appointeeId", problems, what="user")
    if appointee is not None and not appointee.active:
        problems.add("appointeeId", "no such active user")
    issued = values["issued_on"] = past_day(data.get("issuedOn"), "issuedOn", problems,
                                           required=True)
    filed = values["filed_on"] = past_day(data.get("filedOn"), "filedOn", problems,
                                         required=True)
    if issued and filed and filed < issued:
        problems.add("filedOn", "an appointment is filed (备案) on or after the day it is "
                                "issued")
    current = None
    if department is not None:
        _lock(department.id)
        current = _current(department.id)
    values["reason"] = _checked_reason(data, current, issued, problems)
    problems.raise_if_any("invalid_appointment", "appointment")
    return values, department, appointee, current


def _current(department_id: int) -> AppointmentLetter | None:
    """The department's appointment not yet ended (in force, or issued for a later day)."""
    return db.session.scalar(sa.select(AppointmentLetter).where(
        AppointmentLetter.department_id == department_id,
        AppointmentLetter.status == APPOINTED).order_by(AppointmentLetter.id.desc()).limit(1))


def _checked_reason(data: Mapping, current: AppointmentLetter | None, issued_on: date | None,
                    problems: Problems) -> str:
    """另行委派: the reason the appointment in force ends, required when there is one."""
    if current is None:
        return ""
    if issued_on and issued_on < current.issued_on:
        problems.add("issuedOn", f"before {current.issued_on.isoformat()}, the first day of "
                                 f"appointment {current.number} in force")
    reason = data.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        problems.add("reason", f"required: appointment {current.number} is in force and "
                               "ends (另行委派)")
        return ""
    return reason.strip()


def _lock(department_id: int) -> None:
    """Serialize the appointments of one department (PostgreSQL locks its row)."""
    db.session.execute(sa.select(Department.id).where(Department.id == department_id)
                       .with_for_update())


def _close(appointment: AppointmentLetter, day: date, reason: str, actor: Actor) -> None:
    appointment.status, appointment.ended_on = ENDED, day
    appointment.ended_by, appointment.end_reason = actor.user_id, reason


def _audit(actor: Actor, action: str, appointment: AppointmentLetter, **detail) -> None:
    audit.record(actor, action, appointment_id=appointment.id, number=appointment.number,
                 department_id=appointment.department_id, **detail)


# --- ending --------------------------------------------------------------------------------

def end(appointment_id: int, reason, actor: Actor) -> AppointmentLetter:
    """End the appointment today (人事调动, 难以胜任): its roles stay as they are, and the
    department's leaders and liaison officers are told to appoint a new chief."""
    permissions.require_admin(actor)
    text = required_text(reason, "reason", "say why the appointment ends", "reason_required")
    execution.begin_write()
    appointment = get(appointment_id)
    _lock(appointment.department_id)
    db.session.refresh(appointment)  # the status another writer may just have changed
    if appointment.status != APPOINTED:
        raise Conflict(f"appointment {appointment.number} has already ended",
                       code="appointment_ended")
    _close(appointment, calendar.today(), text, actor)
    _audit(actor, "appointment.ended", appointment, reason=text)
    _ask_for_a_new_chief(appointment, text)
    db.session.commit()
    return appointment


def _ask_for_a_new_chief(appointment: AppointmentLetter, reason: str) -> None:
    department = db.session.get(Department, appointment.department_id)
    appointee = db.session.get(User, appointment.appointee_id)
    for person in routing.department_contacts(department.id):
        notifications.tell_user(
            person, "appointment_ended", f"首席代表任命书已终止：{department.name}",
            f"{department.name}首席代表 {appointee.display_name} 的任命书（{appointment.number}）"
            f"已于 {appointment.ended_on.isoformat()} 终止（{reason}）。请另行委派首席代表，"
            "制发新的任命书和授权书，并报县政务服务管理局备案。", None)
