"""负责人值班 (seed 004 三(一)): the unit heads (分管领导 / 首席代表) take turns at the window,
and the center registers and reports it each month.

A supervisor or administrator schedules a unit head's duty, and so may the unit's own
approving leader for their unit: a working day of the center's calendar (today or later),
the morning, the afternoon or the whole day. On that day, and only then, the scheduled
person checks in (the time is recorded). After the day the sweep marks a duty without
check-in as missed. The monthly report lists, per unit and person, the days on duty, the
check-ins and the misses."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NoReturn

import sqlalchemy as sa

from app.models import Department, User, db, utcnow
from app.models.identity import APPROVING_LEADER
from app.models.inspection import DUTY_PARTS, DutyShift
from app.services import calendar, supervision
from app.services.evaluation.figures import month_bounds
from app.services.supervision import sweep
from app.services.supervision.inspection_checklist import unit_heads
from app.services.supervision.inspections import parse_month
from app.services.workflow import audit
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound


def may_schedule(viewer: User, department_id: int | None) -> bool:
    return viewer.is_supervisor or (department_id is not None
                                    and viewer.has_role(APPROVING_LEADER, department_id))


def schedulable_units(viewer: User) -> list[Department]:
    query = sa.select(Department).where(Department.active.is_(True)).order_by(Department.name)
    if not viewer.is_supervisor:
        led = [m.department_id for m in viewer.memberships if m.role == APPROVING_LEADER]
        query = query.where(Department.id.in_(led))
    return list(db.session.scalars(query))


def schedule(viewer: User, form, actor: Actor) -> DutyShift:
    """A duty from the form's department_id, user_id, day (YYYY-MM-DD) and part."""
    department_id = _int(form.get("department_id"), "department_id")
    if not may_schedule(viewer, department_id):
        raise Forbidden("only a supervisor or the unit's approving leader schedules its duty",
                        code="not_duty_scheduler")
    person_id = _int(form.get("user_id"), "user_id")
    if person_id not in {u.id for u in unit_heads(department_id)}:
        _refuse("user_id", "the person must be the unit's chief representative or leader",
                "duty_person_invalid")
    day = _day(form.get("day"))
    part = (form.get("part") or "").strip()
    if part not in DUTY_PARTS:
        _refuse("part", "part must be morning, afternoon or full_day", "duty_part_invalid")
    if db.session.scalar(sa.select(DutyShift.id).where(DutyShift.user_id == person_id,
                                                       DutyShift.day == day)):
        raise Conflict("the person is on duty that day already", code="duty_exists",
                       errors=[{"field": "day", "message": "taken"}])
    row = DutyShift(department_id=department_id, user_id=person_id, day=day, part=part,
                    scheduled_by=viewer.id, scheduled_at=utcnow())
    db.session.add(row)
    try:  # the check above can race another scheduler: the unique row decides
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict("the person is on duty that day already", code="duty_exists") from None
    _record(actor, "duty.scheduled", row)
    return row


def _day(value) -> date:
    try:
        day = date.fromisoformat((value or "").strip())
    except ValueError:
        _refuse("day", "day must be YYYY-MM-DD", "duty_day_invalid")
    if day < calendar.today():
        _refuse("day", "the day is past", "duty_day_past")
    if not calendar.is_workday(day):
        _refuse("day", f"{day} is not a working day", "duty_not_workday")
    return day


def _int(value, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        _refuse(name, f"{name} is required", "duty_field_required")


def _refuse(name: str, detail: str, code: str) -> NoReturn:
    raise InvalidInput(detail, code=code, errors=[{"field": name, "message": "invalid"}])


def get(duty_id: int) -> DutyShift:
    row = db.session.get(DutyShift, duty_id)
    if row is None:
        raise NotFound("no such duty", code="duty_not_found")
    return row


def may_check_in(viewer: User, row: DutyShift, today: date | None = None) -> bool:
    return (row.user_id == viewer.id and row.day == (today or calendar.today())
            and row.checked_in_at is None and row.missed_at is None)


def check_in(row: DutyShift, viewer: User, actor: Actor) -> None:
    """The scheduled person, on the day itself, once."""
    if row.user_id != viewer.id:
        raise Forbidden("only the person on duty checks in", code="not_on_duty")
    if row.checked_in_at is not None:
        raise Conflict("checked in already", code="duty_checked_in")
    if row.day != calendar.today():
        raise Conflict(f"the duty is on {row.day}, not today", code="duty_not_today")
    row.checked_in_at = utcnow()
    _record(actor, "duty.checked_in", row)


def may_cancel(viewer: User, row: DutyShift, today: date | None = None) -> bool:
    return may_schedule(viewer, row.department_id) and row.day > (today or calendar.today())


def cancel(row: DutyShift, viewer: User, actor: Actor) -> None:
    """A duty taken off the schedule before its day (the audit trail keeps it); on the day
    or after, it is checked in or missed, and stays in the report."""
    if not may_schedule(viewer, row.department_id):
        raise Forbidden("only a supervisor or the unit's approving leader schedules its duty",
                        code="not_duty_scheduler")
    if row.day <= calendar.today():
        raise Conflict("a duty is cancelled before its day only", code="duty_not_cancellable")
    _record(actor, "duty.cancelled", row, commit=False)
    db.session.delete(row)
    db.session.commit()


@sweep.step("mark_missed_duty")
def mark_missed(now: datetime) -> int:
    """Duties of a day gone by without check-in: missed (once each)."""
    today = calendar.to_local(now).date()
    late = list(db.session.scalars(sa.select(DutyShift).where(
        DutyShift.day < today, DutyShift.checked_in_at.is_(None),
        DutyShift.missed_at.is_(None))))
    for row in late:
        row.missed_at = now
        _record(Actor.system("duty-watch"), "duty.missed", row, commit=False)
    return len(late)


def upcoming(viewer: User) -> list[DutyShift]:
    """The duties from today on that the viewer schedules (their units', or all)."""
    query = sa.select(DutyShift).where(DutyShift.day >= calendar.today())
    if not viewer.is_supervisor:
        led = [m.department_id for m in viewer.memberships if m.role == APPROVING_LEADER]
        query = query.where(DutyShift.department_id.in_(led))
    return list(db.session.scalars(query.order_by(DutyShift.day, DutyShift.id)))


def my_duties(viewer: User) -> list[DutyShift]:
    """The viewer's own duties from today on."""
    return list(db.session.scalars(sa.select(DutyShift).where(
        DutyShift.user_id == viewer.id, DutyShift.day >= calendar.today())
        .order_by(DutyShift.day)))


@dataclass
class ReportRow:
    """One person's duty in a month: each shift, how many checked in, how many missed."""
    department_id: int
    unit: str
    user_id: int
    person: str
    shifts: list[DutyShift] = field(default_factory=list)

    @property
    def scheduled(self) -> int:
        return len(self.shifts)

    @property
    def checked_in(self) -> int:
        return sum(s.checked_in_at is not None for s in self.shifts)

    @property
    def missed(self) -> int:
        return sum(s.missed_at is not None for s in self.shifts)


def monthly_report(month: str, units: set[int] | None = None) -> list[ReportRow]:
    """The month's duty per unit and person (by unit, then name); `units` None: all."""
    start, end = (moment.date() for moment in month_bounds(parse_month(month)))
    query = (sa.select(DutyShift, Department.name, User.display_name)
             .join(Department, DutyShift.department_id == Department.id)
             .join(User, DutyShift.user_id == User.id)
             .where(DutyShift.day >= start, DutyShift.day < end)
             .order_by(Department.name, User.display_name, DutyShift.day))
    if units is not None:
        query = query.where(DutyShift.department_id.in_(units))
    rows: dict[tuple[int, int], ReportRow] = {}
    for shift, unit, person in db.session.execute(query):
        key = (shift.department_id, shift.user_id)
        rows.setdefault(key, ReportRow(shift.department_id, unit, shift.user_id, person))
        rows[key].shifts.append(shift)
    return list(rows.values())


def report_for(viewer: User, month: str) -> list[ReportRow]:
    return monthly_report(month, supervision.units_of(viewer))


def _record(actor: Actor, action: str, row: DutyShift, commit: bool = True) -> None:
    audit.record(actor, action, duty_id=row.id, department_id=row.department_id,
                 user_id=row.user_id, day=row.day.isoformat(), part=row.part)
    if commit:  # the sweep commits its step itself
        db.session.commit()
