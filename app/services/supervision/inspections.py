"""案卷抽查 (seed 001 第十七条: 随机抽取 … 随机选派监督管理人员): each local month, a sample of
every unit's cases concluded in that month, each assigned to a supervisor at random.

Reproducible: the round records its seed, its rule (size, percent) and the population (the
ids of each unit's concluded cases, sorted). `draw_sample(seed, department_id, ids, k)` draws
with random.Random(f"{seed}:{department_id}") over the sorted ids, so anyone can draw again
from the record and get the same cases; a case concluded later (or reopened) changes
nothing, the round keeps what it drew from.

The checker is chosen at random among the active supervisors who hold no role in the
checked unit (a supervisor does not check their own unit's files); any supervisor may
reassign a check still to do. The checklist and the findings are in inspection_checklist.
"""
from __future__ import annotations

import math
import random
import re
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.models import Case, Item, Membership, User, db, utcnow
from app.models.identity import SUPERVISOR
from app.models.inspection import ASSIGNED, CONCLUDED, CaseCheck, CheckFinding, CheckRound
from app.services import calendar, supervision
from app.services.evaluation.figures import current_month, month_bounds
from app.services.supervision import sweep
from app.services.workflow import audit, instances
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound

MONTH = re.compile(r"(19|20|21)\d\d-(0[1-9]|1[0-2])")


def parse_month(value: str | None, field: str = "month") -> str:
    month = (value or "").strip()
    if not MONTH.fullmatch(month):
        raise InvalidInput("month must be YYYY-MM", code="month_invalid",
                           errors=[{"field": field, "message": "invalid"}])
    return month


def month_or_current(value: str | None) -> str:
    """A page's ?month=: the one asked for when well formed, else the current local month."""
    month = (value or "").strip()
    return month if MONTH.fullmatch(month) else current_month()


def previous_month(now: datetime) -> str:
    first = calendar.to_local(now).date().replace(day=1)
    return (first - timedelta(days=1)).strftime("%Y-%m")


def last_month() -> str:
    """The month a supervisor would draw now: the one just over."""
    return previous_month(utcnow())


def sample_size(population: int, size: int, percent: int) -> int:
    """The larger of `size` and `percent` % of the population (rounded up), at most all."""
    return min(population, max(size, math.ceil(population * percent / 100)))


def draw_sample(seed: str, department_id: int, case_ids: list[int], k: int) -> list[int]:
    """The k cases drawn for a unit: the same seed and ids give the same cases, whatever
    order the ids come in."""
    chooser = random.Random(f"{seed}:{department_id}")
    return sorted(chooser.sample(sorted(case_ids), k))


def concluded_by_unit(month: str) -> dict[int, list[int]]:
    """Each unit's cases concluded (办结) in the local month, ids sorted."""
    start, end = month_bounds(month)
    rows = db.session.execute(
        sa.select(Item.department_id, Case.id).join(Item, Case.item_id == Item.id)
        .where(Case.concluded_at >= start, Case.concluded_at < end,
               Item.department_id.isnot(None))
        .order_by(Case.id))
    found: dict[int, list[int]] = {}
    for department_id, case_id in rows:
        found.setdefault(department_id, []).append(case_id)
    return found


def round_of(month: str) -> CheckRound | None:
    return db.session.scalar(sa.select(CheckRound).where(CheckRound.month == month))


def draw(month: str, actor: Actor, now: datetime | None = None) -> CheckRound:
    """The month's round, drawn once the month is over; a second draw is refused."""
    if actor.user is not None:  # the sweep draws as the system
        supervision.require_supervisor(actor.user)
    now = now or utcnow()
    month = parse_month(month)
    if month >= calendar.to_local(now).strftime("%Y-%m"):
        raise InvalidInput("only a month that is over can be sampled", code="check_month_open",
                           errors=[{"field": "month", "message": "not over"}])
    if round_of(month) is not None:
        raise Conflict(f"{month} was drawn already", code="check_round_exists")
    config = current_app.config
    population = concluded_by_unit(month)
    row = CheckRound(month=month, seed=secrets.token_hex(16), drawn_at=now,
                     drawn_by=actor.user_id,
                     population={str(d): ids for d, ids in population.items()},
                     sample_size=config["CASE_CHECK_SAMPLE_SIZE"],
                     sample_percent=config["CASE_CHECK_SAMPLE_PERCENT"])
    checkers = random.Random(f"{row.seed}:checkers")
    for department_id, ids in sorted(population.items()):
        k = sample_size(len(ids), row.sample_size, row.sample_percent)
        for case_id in draw_sample(row.seed, department_id, ids, k):
            row.checks.append(CaseCheck(case_id=case_id, department_id=department_id,
                                        checker_id=_pick_checker(checkers, department_id)))
    _insert_once(row, month)
    audit.record(actor, "case_check.round_drawn", round_id=row.id, month=month, seed=row.seed,
                 checks=len(row.checks),
                 population={d: len(ids) for d, ids in row.population.items()})
    db.session.commit()
    return row


def _insert_once(row: CheckRound, month: str) -> None:
    """The month's unique row: a draw racing another (the sweep and a supervisor) loses."""
    db.session.add(row)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(f"{month} was drawn already", code="check_round_exists") from None


def _pick_checker(chooser: random.Random, department_id: int) -> int | None:
    candidates = checkers_for(department_id)
    return chooser.choice(candidates).id if candidates else None


def checkers_for(department_id: int) -> list[User]:
    """Active supervisors holding no role in the unit, by id (the draw's order)."""
    in_unit = sa.select(Membership.user_id).where(Membership.department_id == department_id)
    return list(db.session.scalars(
        sa.select(User).join(Membership).where(Membership.role == SUPERVISOR,
                                               User.active.is_(True), User.id.not_in(in_unit))
        .distinct().order_by(User.id)))


def supervisor_of_sampled_case(user: User, instance_id: int) -> bool:
    """A sampled case's record is open to the center's supervisors, who check it."""
    return user.is_supervisor and db.session.scalar(
        sa.select(sa.literal(1)).select_from(CaseCheck).join(Case, CaseCheck.case_id == Case.id)
        .where(Case.instance_id == instance_id).limit(1)) is not None


instances.also_viewable_by(supervisor_of_sampled_case)


@sweep.step("draw_case_checks")
def draw_last_month(now: datetime) -> int:
    """At the start of a month, last month's round (once: a drawn month is left alone)."""
    month = previous_month(now)
    if round_of(month) is not None:
        return 0
    return len(draw(month, Actor.system("case-checks"), now).checks)


def get_check(check_id: int) -> CaseCheck:
    row = db.session.get(CaseCheck, check_id)
    if row is None:
        raise NotFound("no such case check", code="case_check_not_found")
    return row


def visible_check(viewer: User, check_id: int) -> CaseCheck:
    """The center sees every check; a unit its own once concluded (its findings)."""
    row = get_check(check_id)
    if viewer.is_supervisor:
        return row
    if row.state != CONCLUDED or not supervision.may_see_unit(viewer, row.department_id):
        raise NotFound("no such case check", code="case_check_not_found")
    return row


def reassign(check: CaseCheck, viewer: User, checker_id, actor: Actor) -> None:
    supervision.require_supervisor(viewer)
    if check.state != ASSIGNED:
        raise Conflict("the check is concluded", code="case_check_concluded")
    allowed = {u.id: u for u in checkers_for(check.department_id)}
    chosen = _int_or_none(checker_id)
    if chosen not in allowed:
        raise InvalidInput("checker must be an active supervisor outside the unit",
                           code="checker_invalid",
                           errors=[{"field": "checker_id", "message": "invalid"}])
    previous, check.checker_id = check.checker_id, chosen
    _record_check(actor, "case_check.reassigned", check, previous=previous, checker=chosen)
    db.session.commit()


def _int_or_none(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def rounds(limit: int = 12) -> list[CheckRound]:
    return list(db.session.scalars(sa.select(CheckRound).order_by(CheckRound.month.desc())
                                   .limit(limit)))


def my_checks(viewer: User) -> list[CaseCheck]:
    """The checks still to do by `viewer`, and those nobody was assigned to (no supervisor
    was available at the draw) for any supervisor to take."""
    if not viewer.is_supervisor:
        return []
    return list(db.session.scalars(sa.select(CaseCheck).where(
        CaseCheck.state == ASSIGNED,
        sa.or_(CaseCheck.checker_id == viewer.id, CaseCheck.checker_id.is_(None)))
        .order_by(CaseCheck.id)))


def unit_findings(viewer: User) -> list[CheckFinding]:
    """Every finding for the center; a unit's own for its staff."""
    units = supervision.units_of(viewer)
    query = sa.select(CheckFinding).order_by(CheckFinding.opened_at.desc(), CheckFinding.id)
    if units is not None:
        query = query.where(CheckFinding.department_id.in_(units))
    return list(db.session.scalars(query))


def monthly_summary(month: str) -> dict[int, dict[str, int]]:
    """{department id: {"checked": checks concluded, "findings": 不符合 found}} for the
    round of `month` (the month the cases were concluded in)."""
    found: dict[int, dict[str, int]] = {}
    drawn = round_of(parse_month(month))
    for check in drawn.checks if drawn else []:
        figures = found.setdefault(check.department_id, {"checked": 0, "findings": 0})
        figures["checked"] += check.state == CONCLUDED
        figures["findings"] += len(check.findings)
    return found


def _record_check(actor: Actor, action: str, check: CaseCheck, **detail) -> None:
    case = db.session.get(Case, check.case_id)
    audit.record(actor, action, instance_id=case.instance_id, check_id=check.id,
                 round_id=check.round_id, **detail)
