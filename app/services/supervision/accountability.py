"""问责 (seed 004 section 四): within a calendar year, a unit's first violation in force brings
a 通报批评 reported to the county 整治优化发展环境领导组, its second and later 一票否决 in the
annual target assessment; a window staff member's first a 通报批评 by the center, the second
the recommendation to return them to their own unit (退回原单位).

A violation naming a staff member counts for that person, one naming none for the unit: the
seed's two rules, each once. Each consequence is a document proposed when the count is
reached; a supervisor issues it (it is numbered then) or withdraws it with a reason. A
violation found 不成立 withdraws the proposal resting on it and the later ones move up."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.models import CenterCounter, Department, User, db, utcnow
from app.models.accountability import (CONSEQUENCE_LABELS, DISMISSED, ISSUED, KIND_LABELS,
                                       PROPOSED, STAFF_CRITICISM, STAFF_RETURN, UNIT_CRITICISM,
                                       UNIT_VETO, WITHDRAWN, Consequence, Violation)
from app.services import calendar, sequences
from app.services.supervision import require_supervisor, unit_list, units_of
from app.services.workflow import audit, time_text
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound
from app.services.workflow.transactions import begin_write

REASON_MAX = 2000
SERIES = "效能通报"  # the center's numbering series (CenterCounter) of these documents
SEED_RULE = {  # the words of seed 004 section 四 each consequence rests on
    UNIT_CRITICISM: "对违反效能建设规定的单位，第一次予以通报批评，并报县整治优化发展环境领导组处理",
    UNIT_VETO: "对违反效能建设规定的单位，第二次在年度目标考核中进行“一票否决”",
    STAFF_CRITICISM: "对窗口工作人员违反首问负责制、一次性告知制、否定报备制或“四条禁令”的，"
                     "第一次由“中心”通报批评",
    STAFF_RETURN: "对窗口工作人员违反首问负责制、一次性告知制、否定报备制或“四条禁令”的，"
                  "第二次退回原单位",
}


def kind_for(ordinal: int, staff_id: int | None) -> str:
    if staff_id:
        return STAFF_CRITICISM if ordinal == 1 else STAFF_RETURN
    return UNIT_CRITICISM if ordinal == 1 else UNIT_VETO


def reconcile(year: int, department_id: int, staff_id: int | None, actor: Actor) -> int:
    """Bring the year's proposals of one unit (staff_id None) or staff member in line with
    the violations in force; idempotent. Returns how many proposals it made or changed."""
    target = _target(year, department_id, staff_id)
    counted = list(db.session.scalars(target.where(Violation.state != DISMISSED)
                                      .order_by(Violation.occurred_at, Violation.id)))
    existing = {c.violation_id: c for c in db.session.scalars(
        sa.select(Consequence).where(Consequence.violation_id.in_(
            target.with_only_columns(Violation.id).scalar_subquery())))}
    changed = _withdraw_dismissed(existing, {v.id for v in counted}, actor)
    for ordinal, violation in enumerate(counted, 1):
        consequence = existing.get(violation.id)
        if consequence is None:
            _propose(violation, ordinal, actor)
            changed += 1
        elif consequence.state == PROPOSED and consequence.ordinal != ordinal:
            _restate(consequence, violation, ordinal)  # an earlier one was found 不成立
            changed += 1
    return changed


def _target(year: int, department_id: int, staff_id: int | None):
    query = sa.select(Violation).where(Violation.year == year,
                                       Violation.department_id == department_id)
    return query.where(Violation.staff_id == staff_id if staff_id else Violation.staff_id.is_(None))


def _withdraw_dismissed(existing: dict[int, Consequence], counted: set[int], actor: Actor) -> int:
    withdrawn = 0
    for violation_id, consequence in existing.items():
        if violation_id not in counted and consequence.state == PROPOSED:
            _decide(consequence, WITHDRAWN, "所依据的违规经审核不成立", actor)
            withdrawn += 1
    return withdrawn


def _propose(violation: Violation, ordinal: int, actor: Actor) -> Consequence:
    consequence = Consequence(violation_id=violation.id, year=violation.year,
                              department_id=violation.department_id,
                              staff_id=violation.staff_id, state=PROPOSED, proposed_at=utcnow())
    _restate(consequence, violation, ordinal)
    db.session.add(consequence)
    db.session.flush()
    audit.record(actor, "consequence.proposed", consequence_id=consequence.id,
                 violation_id=violation.id, kind=consequence.kind, ordinal=ordinal)
    return consequence


def _restate(consequence: Consequence, violation: Violation, ordinal: int) -> None:
    consequence.ordinal, consequence.kind = ordinal, kind_for(ordinal, violation.staff_id)
    consequence.text = document_text(consequence, violation)


def document_text(consequence: Consequence, violation: Violation) -> str:
    """The body of the document: who, which violation, the rule, the consequence."""
    department = db.session.get(Department, violation.department_id)
    who = department.name
    if violation.staff_id:
        who = f"{department.name}窗口工作人员{db.session.get(User, violation.staff_id).display_name}"
    return (f"经查，{who}于{time_text.document_date(violation.occurred_at)}"
            f"{KIND_LABELS[violation.kind]}：{violation.description}。"
            f"此为其 {violation.year} 年度第 {consequence.ordinal} 次违反效能建设规定。"
            f"根据《效能监察平台》规定（{SEED_RULE[consequence.kind]}），"
            f"决定：{CONSEQUENCE_LABELS[consequence.kind]}。")


def fetch(model, row_id: int, code: str):
    """The row of `model` by id, or NotFound with `code` (the register's and the documents')."""
    row = db.session.get(model, row_id)
    if row is None:
        raise NotFound(f"no such {model.__tablename__}", code=code)
    return row


def get(consequence_id: int) -> Consequence:
    return fetch(Consequence, consequence_id, "consequence_not_found")


def decide(consequence_id: int, decision: str, reason: str, actor: Actor) -> Consequence:
    """A supervisor issues a proposed document (numbered then) or withdraws it with a reason."""
    require_supervisor(actor.user)
    get(consequence_id)  # 404 before any lock
    begin_write()
    # Locked: two supervisors deciding the same document at once decide it once.
    row = db.session.scalar(sa.select(Consequence).where(Consequence.id == consequence_id)
                            .with_for_update().execution_options(populate_existing=True))
    reason = (reason or "").strip()
    if decision not in ("issue", "withdraw"):
        raise InvalidInput("issue or withdraw", code="consequence_decision_invalid",
                           errors=[{"field": "decision", "message": "choose issue or withdraw"}])
    if (decision == "withdraw" and not reason) or len(reason) > REASON_MAX:
        raise InvalidInput("a withdrawal needs its reason", code="consequence_reason_required",
                           errors=[{"field": "reason", "message": "required"}])
    if row.state != PROPOSED:
        raise Conflict("this document was decided already", code="consequence_decided")
    _decide(row, ISSUED if decision == "issue" else WITHDRAWN, reason, actor)
    db.session.commit()
    return row


def _decide(row: Consequence, state: str, reason: str, actor: Actor) -> None:
    row.state, row.decision_reason = state, reason
    row.decided_at, row.decided_by = utcnow(), actor.user_id
    if state == ISSUED:
        row.number = _next_number(row.year)
    try:
        db.session.flush()
    except IntegrityError:  # another document of the year took the number meanwhile
        db.session.rollback()
        raise Conflict("another document took this number; decide again",
                       code="consequence_number_taken") from None
    audit.record(actor, f"consequence.{state}", consequence_id=row.id, number=row.number,
                 reason=reason)


def _next_number(year: int) -> str:
    """效能通报〔2026〕3号: issued documents are numbered in order within their year, from the
    center's own sequence (a withdrawn proposal never took a number)."""
    return f"效能通报〔{year}〕{sequences.next_value(CenterCounter, series=SERIES, year=year)}号"


def documents(viewer: User, year: int) -> list[Consequence]:
    """The year's documents `viewer` may read, newest first (a unit its own)."""
    units = units_of(viewer)
    query = sa.select(Consequence).where(Consequence.year == year)
    if units is not None:
        query = query.where(Consequence.department_id.in_(units))
    return list(db.session.scalars(query.order_by(Consequence.proposed_at.desc(),
                                                  Consequence.id.desc())))


def readable(viewer: User, consequence_id: int) -> Consequence:
    row = get(consequence_id)
    units = units_of(viewer)
    if units is not None and row.department_id not in units:
        raise NotFound("no such consequence", code="consequence_not_found")
    return row


@dataclass
class Standing:
    """A unit's year: its violations in force and the strongest consequence so far."""
    department: Department
    count: int
    consequence: Consequence | None  # the latest not withdrawn


def standings(viewer: User, year: int) -> list[Standing]:
    counts = dict(db.session.execute(
        sa.select(Violation.department_id, sa.func.count())
        .where(Violation.year == year, Violation.staff_id.is_(None), Violation.state != DISMISSED)
        .group_by(Violation.department_id)).all())
    latest = _latest_unit_consequences(year)
    return [Standing(d, counts.get(d.id, 0), latest.get(d.id)) for d in unit_list.visible(viewer)]


def _latest_unit_consequences(year: int) -> dict[int, Consequence]:
    rows: Iterable[Consequence] = db.session.scalars(
        sa.select(Consequence).where(Consequence.year == year, Consequence.staff_id.is_(None),
                                     Consequence.state != WITHDRAWN)
        .order_by(Consequence.ordinal))
    return {row.department_id: row for row in rows}


def checked_year(text: str | None) -> int:
    """A year chooser's value; the current local year when none is given."""
    text = (text or "").strip()
    if not text:
        return calendar.today().year
    if not (text.isdecimal() and 2000 <= int(text) <= 2100):
        raise InvalidInput("year is YYYY", code="invalid_filter",
                           errors=[{"field": "year", "message": "a year, e.g. 2026"}])
    return int(text)
