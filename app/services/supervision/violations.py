"""The register of violations (违规登记, seed 004 section 四): what the system finds itself
(a second 一次性告知 asking for new materials, an overdue case, a refusal without its 否定报备,
a late 差评整改, an absence nobody covers) and what the center's supervisors record. Each one
is reported at once to the center (一事一报制) and counts toward its year's consequences
(accountability) until a supervisor's review finds it 不成立."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time

import sqlalchemy as sa

from app.models import Case, Department, User, db, utcnow
from app.models.accountability import (DISMISSED, KIND_LABELS, KINDS, RECORDED, REGISTERED,
                                       STATE_LABELS, UPHELD, Violation)
from app.models.identity import CENTER_ADMIN, DEPARTMENT_ROLES, SUPERVISOR
from app.services import calendar
from app.services.organization import routing
from app.services.supervision import accountability, require_supervisor, units_of
from app.services.workflow import audit, notifications, time_text
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput

DESCRIPTION_MAX = 2000
MAX_ID = 2**31 - 1  # ids are PostgreSQL integers (app.http_inputs)
REVIEW_OUTCOMES = {"upheld": UPHELD, "dismissed": DISMISSED}  # the review form's values


def record_automatic(kind: str, department_id: int, staff_id: int | None = None,
                     case: Case | None = None, *, description: str, source_ref: str,
                     occurred_at: datetime | None = None) -> Violation | None:
    """What the system found, once per `source_ref` (the finding's own key, e.g.
    "case:12:overdue"): None when it is already in the register. Other parts call this."""
    if kind not in KINDS:
        raise InvalidInput(f"no violation kind {kind!r}", code="violation_kind")
    if db.session.scalar(sa.select(Violation.id).where(Violation.source_ref == source_ref)):
        return None
    occurred_at = occurred_at or utcnow()
    row = Violation(kind=kind, department_id=department_id, staff_id=staff_id,
                    case_id=case.id if case else None, occurred_at=occurred_at,
                    year=calendar.to_local(occurred_at).year, description=description,
                    source_ref=source_ref, state=REGISTERED)
    return _register(row, Actor.system("supervision"))


def record(data: Mapping, actor: Actor) -> Violation:
    """A violation a supervisor found (unit, optional staff member, kind, date, description)."""
    require_supervisor(actor.user)
    department, staff, kind, day, description = _checked(data)
    occurred_at = datetime.combine(day, time(12), tzinfo=calendar.local_zone())
    row = Violation(kind=kind, department_id=department.id, staff_id=staff.id if staff else None,
                    occurred_at=occurred_at, year=day.year, description=description,
                    source=RECORDED, recorded_by=actor.user_id, state=REGISTERED)
    _register(row, actor)
    db.session.commit()
    return row


def _register(row: Violation, actor: Actor) -> Violation:
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "violation.recorded", violation_id=row.id, kind=row.kind,
                 department_id=row.department_id, staff_id=row.staff_id, case_id=row.case_id,
                 source=row.source)
    _report_to_center(row)  # 一事一报制
    accountability.reconcile(row.year, row.department_id, row.staff_id, actor)
    return row


def _report_to_center(row: Violation) -> None:
    """Reported at once to the center's administrators and supervisors, who carry it to the
    county 整治优化发展环境领导组."""
    department = db.session.get(Department, row.department_id)
    staff = db.session.get(User, row.staff_id) if row.staff_id else None
    body = (f"{department.name}{('（' + staff.display_name + '）') if staff else ''}"
            f"{time_text.document_datetime(row.occurred_at)}{KIND_LABELS[row.kind]}：{row.description}")
    case = db.session.get(Case, row.case_id) if row.case_id else None
    people = {u.id: u for role in (SUPERVISOR, CENTER_ADMIN) for u in routing.holders(role, None)}
    for user in people.values():
        notifications.tell_user(user, "violation.recorded", f"效能监察一事一报：{KIND_LABELS[row.kind]}",
                                body, case.instance_id if case else None)


def _checked(data: Mapping) -> tuple[Department, User | None, str, date, str]:
    problems: list[dict] = []
    department = _department(data.get("department_id"), problems)
    staff = _staff(data.get("staff_id"), department, problems)
    kind = str(data.get("kind") or "")
    if kind not in KINDS:
        problems.append({"field": "kind", "message": "choose one of the listed kinds"})
    day = _day(data.get("occurred_on"), problems)
    description = str(data.get("description") or "").strip()
    if not description:
        problems.append({"field": "description", "message": "required"})
    elif len(description) > DESCRIPTION_MAX:
        problems.append({"field": "description", "message": f"at most {DESCRIPTION_MAX} characters"})
    if problems:
        raise InvalidInput("the violation is not complete", code="violation_invalid",
                           errors=problems)
    return department, staff, kind, day, description


def _department(value, problems: list[dict]) -> Department | None:
    department = db.session.get(Department, _int(value)) if _int(value) else None
    if department is None:
        problems.append({"field": "department_id", "message": "choose a unit"})
    return department


def _staff(value, department: Department | None, problems: list[dict]) -> User | None:
    if not str(value or "").strip():
        return None
    staff = db.session.get(User, _int(value)) if _int(value) else None
    if staff is None or (department and department.id not in routing.unit_departments(staff)):
        problems.append({"field": "staff_id", "message": "not a staff member of that unit"})
        return None
    return staff


def _day(value, problems: list[dict]) -> date | None:
    try:
        day = date.fromisoformat(str(value or ""))
    except ValueError:
        problems.append({"field": "occurred_on", "message": "a date, e.g. 2026-03-02"})
        return None
    if day > calendar.today():
        problems.append({"field": "occurred_on", "message": "not in the future"})
    return day


def _int(value) -> int | None:
    """An id typed in a form or a query string; one the database cannot hold is no id."""
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and len(text) < 12 and int(text) <= MAX_ID else None


def get(violation_id: int) -> Violation:
    return accountability.fetch(Violation, violation_id, "violation_not_found")


def review(violation_id: int, outcome: str, reason: str, actor: Actor) -> Violation:
    """A supervisor's finding: 成立 or 不成立, with the reason; a dismissed one stops counting
    and the proposals that rested on it are withdrawn."""
    require_supervisor(actor.user)
    row = get(violation_id)
    reason = (reason or "").strip()
    problems = []
    if outcome not in REVIEW_OUTCOMES:
        problems.append({"field": "outcome", "message": "choose 成立 or 不成立"})
    if not reason or len(reason) > DESCRIPTION_MAX:
        problems.append({"field": "reason", "message": "required"})
    if problems:
        raise InvalidInput("the review is not complete", code="violation_review_invalid",
                           errors=problems)
    if row.state != REGISTERED:
        raise Conflict("this violation was reviewed already", code="violation_reviewed")
    row.state, row.review_reason = REVIEW_OUTCOMES[outcome], reason
    row.reviewed_by, row.reviewed_at = actor.user_id, utcnow()
    audit.record(actor, "violation.reviewed", violation_id=row.id, state=row.state, reason=reason)
    accountability.reconcile(row.year, row.department_id, row.staff_id, actor)
    db.session.commit()
    return row


def filters(args: Mapping) -> dict:
    """The register's filters from a query string (unit, kind, state; all optional)."""
    chosen = {"department_id": _int(args.get("department_id")),
              "kind": str(args.get("kind") or ""), "state": str(args.get("state") or "")}
    problems = [{"field": name, "message": "not one of the listed choices"}
                for name, allowed in (("kind", KINDS), ("state", STATE_LABELS))
                if chosen[name] and chosen[name] not in allowed]
    if str(args.get("department_id") or "").strip() and chosen["department_id"] is None:
        problems.append({"field": "department_id", "message": "not one of the listed choices"})
    if problems:
        raise InvalidInput("unknown filter", code="invalid_filter", errors=problems)
    return chosen


def register(viewer: User, *, year: int, department_id: int | None = None,
             kind: str | None = None, state: str | None = None) -> list[Violation]:
    """The register as `viewer` may read it (a unit its own), newest first."""
    units = units_of(viewer)
    query = sa.select(Violation).where(Violation.year == year)
    if units is not None:
        query = query.where(Violation.department_id.in_(units))
    if department_id:
        query = query.where(Violation.department_id == department_id)
    if kind in KINDS:
        query = query.where(Violation.kind == kind)
    if state in STATE_LABELS:
        query = query.where(Violation.state == state)
    return list(db.session.scalars(query.order_by(Violation.occurred_at.desc(),
                                                  Violation.id.desc())))


def monthly_counts(start: datetime, end: datetime) -> dict[int, int]:
    """{department_id: n} of the violations in force that occurred in [start, end)."""
    return dict(db.session.execute(
        sa.select(Violation.department_id, sa.func.count())
        .where(Violation.occurred_at >= start, Violation.occurred_at < end,
               Violation.state != DISMISSED)
        .group_by(Violation.department_id)).all())


def unit_staff(departments: list[Department]) -> list[tuple[User, Department]]:
    """Who a supervisor may name in a violation: each unit's windows, chiefs and leaders."""
    found = []
    for department in departments:
        people = {u.id: u for role in DEPARTMENT_ROLES for u in routing.holders(role, department.id)}
        found += [(u, department) for u in sorted(people.values(), key=lambda u: u.username)]
    return found
