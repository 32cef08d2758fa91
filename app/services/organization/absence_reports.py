"""Reporting absences and moving work while people are away (AB岗, 临时代行).

A leave needs the center's consent (seed 004: 否则一律不准请假; seed 002 arts. 22, 30): one the
center files is approved with the filing, one a person or their chief files waits for an
administrator's approval. Work follows the person either way (the window must stay
staffed); days away before the consent are recorded as 擅自离岗 by supervision.

When an absence starts, the absent person's open tasks go to their substitute and carry
`delegated_from`; when it ends (or is ended early) they go back. New tasks meanwhile are
routed to the substitute directly (routing.route). A daily-or-more sweep applies absences
that start or end without anyone touching them.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.models import Absence, HumanTask, Membership, Post, User, db, utcnow
from app.models.identity import (CHIEF_REPRESENTATIVE, COMMITTEE_CHAIR_LANE, COMMITTEE_VOTE_LANE,
                                 DEPARTMENT_ROLES)
from app.models.organization import ABSENCE_REASONS
from app.services import calendar
from app.services.organization import absences
from app.services.organization.checks import as_id, ticked
from app.services.workflow import audit, execution, notifications, reassign
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound


def may_read_note(viewer: User, absence: Absence) -> bool:
    """Who is away, when and who stands in is for everyone who works beside them; why (a
    sick note) only for the person, whoever filed it and the center."""
    return viewer.is_admin or viewer.id in (absence.user_id, absence.filed_by)


def report(fields: dict, actor: Actor) -> Absence:
    """File an absence (报备); takes effect at once when it covers today."""
    execution.begin_write()  # SQLite: a writer from the start, queued behind the others
    absence = _validated(fields)
    _require_may_file(actor, absence.user_id)
    _refuse_overlap(absence)
    consented = _refuse_unstaffed_post(absence, actor, fields)
    absence.filed_by = actor.user_id
    if _by_the_center(actor):  # filed by the center: its consent goes with the filing
        absence.approved_at, absence.approved_by = utcnow(), actor.user_id
    db.session.add(absence)
    db.session.flush()
    audit.record(actor, "absence.reported", absence_id=absence.id, user_id=absence.user_id,
                 starts_on=absence.starts_on.isoformat(), ends_on=absence.ends_on.isoformat(),
                 deputy_id=absence.deputy_id, reason=absence.reason,
                 **({"center_consent_both_away": consented} if consented else {}))
    apply(absence, calendar.today(), actor)
    db.session.commit()
    return absence


def approve(absence_id: int, actor: Actor) -> Absence:
    """The center consents to a leave a person or their chief filed (请假经中心同意)."""
    if not _by_the_center(actor):
        raise Forbidden("only the center approves a leave", code="not_admin")
    execution.begin_write()
    absence = get(absence_id)
    if absence.approved:
        raise Conflict(f"absence {absence_id} is already approved", code="absence_approved")
    if absence.ended_early_at is not None:
        raise Conflict(f"absence {absence_id} has already ended", code="absence_ended")
    absence.approved_at, absence.approved_by = utcnow(), actor.user_id
    audit.record(actor, "absence.approved", absence_id=absence.id, user_id=absence.user_id)
    person = db.session.get(User, absence.user_id)
    notifications.tell_user(person, "absence_approved", "请假已获中心同意",
                            f"您 {absence.starts_on.isoformat()} 至 {absence.ends_on.isoformat()} "
                            "的请假已获中心同意。", None)
    db.session.commit()
    return absence


def _by_the_center(actor: Actor) -> bool:
    return actor.user is None or actor.user.is_admin


def end_early(absence_id: int, actor: Actor) -> Absence:
    """The person is back before the planned end: their tasks return now."""
    execution.begin_write()
    absence = get(absence_id)
    _require_may_file(actor, absence.user_id)
    if absence.ended_early_at is not None or absence.ends_on < calendar.today():
        raise Conflict(f"absence {absence_id} has already ended", code="absence_ended")
    absence.ended_early_at = utcnow()
    audit.record(actor, "absence.ended_early", absence_id=absence.id, user_id=absence.user_id)
    apply(absence, calendar.today(), actor)
    db.session.commit()
    return absence


def sweep(day: date | None = None, actor: Actor | None = None) -> dict:
    """Hand over for absences in force, give back for those over; idempotent."""
    day, actor = day or calendar.today(), actor or Actor.system("absences")
    execution.begin_write()
    pending = db.session.scalars(sa.select(Absence).where(
        Absence.returned_at.is_(None), Absence.starts_on <= day).order_by(Absence.id))
    counts = {"handed_over": 0, "returned": 0}
    for absence in list(pending):
        moved = apply(absence, day, actor)
        for key in counts:
            counts[key] += moved[key]
    db.session.commit()
    return counts


def apply(absence: Absence, day: date, actor: Actor) -> dict:
    moved = {"handed_over": 0, "returned": 0}
    if absence.covers(day) and absence.handed_over_at is None:
        moved["handed_over"] = _hand_over(absence, day, actor)
        absence.handed_over_at = utcnow()
    elif not absence.covers(day) and absence.starts_on <= day and absence.returned_at is None:
        moved["returned"] = _give_back(absence, day, actor)
        absence.returned_at = utcnow()
    return moved


def _hand_over(absence: Absence, day: date, actor: Actor) -> int:
    tasks = reassign.open_tasks_where(HumanTask.assignee_id == absence.user_id,
                                           _not_committee_vote)
    stand_ins: dict[int | None, tuple] = {}  # the substitute depends on the department only
    for task in tasks:
        if task.lane == COMMITTEE_CHAIR_LANE:  # the executive vice chair presides meanwhile
            reassign.reroute(task, actor, "审批决策委员会主任缺席")
            continue
        department_id = task.department_id or task.candidate_department_id
        if department_id not in stand_ins:
            stand_ins[department_id] = absences.substitute(absence.user_id, department_id, day)
        acting, absent = stand_ins[department_id]
        reassign.move_to(task, acting, absent, actor, "task.handed_over",
                              absence_id=absence.id)
    return len(tasks)


# A committee member's vote is personal: it waits for the member, or for its deadline.
_not_committee_vote = sa.or_(HumanTask.lane.is_(None), HumanTask.lane != COMMITTEE_VOTE_LANE)


def _give_back(absence: Absence, day: date, actor: Actor) -> int:
    if absences.covering(absence.user_id, day) is not None:
        return 0  # another absence follows on; its own return will bring the tasks back
    tasks = reassign.open_tasks_where(HumanTask.delegated_from_id == absence.user_id)
    for task in tasks:
        reassign.move_to(task, absence.user_id, None, actor, "task.returned",
                              absence_id=absence.id)
    return len(tasks) + _to_the_returning_stand_in(absence, day, actor)


def _to_the_returning_stand_in(absence: Absence, day: date, actor: Actor) -> int:
    """Work waiting in the pool for someone still away (nobody present could stand in)
    goes to the returning person where they are that someone's stand-in (the chief's
    deputy, the B of the post)."""
    waiting = reassign.open_tasks_where(HumanTask.assignee_id.is_(None),
                                        HumanTask.delegated_from_id.is_not(None),
                                        _not_committee_vote)
    moved = 0
    for task in waiting:
        department_id = task.department_id or task.candidate_department_id
        acting, absent = absences.substitute(task.delegated_from_id, department_id, day)
        if acting == absence.user_id:
            reassign.move_to(task, acting, absent, actor, "task.handed_over",
                             absence_id=absence.id)
            moved += 1
    return moved


def get(absence_id: int) -> Absence:
    absence = db.session.get(Absence, absence_id)
    if absence is None:
        raise NotFound(f"absence {absence_id} does not exist", code="absence_not_found")
    return absence


def listing(*, user_id: int | None = None, on: date | None = None) -> list[Absence]:
    query = sa.select(Absence).order_by(Absence.starts_on.desc(), Absence.id.desc())
    if user_id is not None:
        query = query.where(Absence.user_id == user_id)
    if on is not None:
        query = query.where(Absence.starts_on <= on, Absence.ends_on >= on,
                            Absence.ended_early_at.is_(None))
    return list(db.session.scalars(query))


def people_filed_for_by(user: User) -> list[User]:
    """Whose absences `user` may file: everyone (administrators), else themselves and, for a
    chief representative, the staff of their departments (deputies come from these too)."""
    query = sa.select(User).where(User.active.is_(True)).order_by(User.username)
    if not user.is_admin:
        departments = [m.department_id for m in user.memberships
                       if m.role == CHIEF_REPRESENTATIVE]
        query = query.where(sa.or_(User.id == user.id, User.memberships.any(
            Membership.department_id.in_(departments))))
    return list(db.session.scalars(query))


def _validated(fields: dict) -> Absence:
    errors = []
    person = _user(as_id(fields.get("userId")), "userId", errors)
    starts, ends = (_day(fields.get(k), k, errors) for k in ("startsOn", "endsOn"))
    if starts and ends and ends < starts:
        errors.append({"field": "endsOn", "message": "must not be before startsOn"})
    reason = fields.get("reason")
    if reason not in ABSENCE_REASONS:
        errors.append({"field": "reason", "message": f"one of {', '.join(ABSENCE_REASONS)}"})
    deputy = _deputy(person, fields.get("deputyId"), errors)
    if errors:
        raise InvalidInput("the absence is not valid", code="invalid_absence", errors=errors)
    return Absence(user_id=person.id, starts_on=starts, ends_on=ends, reason=reason,
                   note=str(fields.get("note") or ""), deputy_id=deputy.id if deputy else None)


def _user(value, field: str, errors: list) -> User | None:
    person = db.session.get(User, value) if isinstance(value, int) else None
    if person is None or not person.active:
        errors.append({"field": field, "message": "no active staff member with this id"})
        return None
    return person


def _day(value, field: str, errors: list) -> date | None:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        errors.append({"field": field, "message": "expected a date YYYY-MM-DD"})
        return None


def _deputy(person: User | None, value, errors: list) -> User | None:
    """A chief representative away must name a deputy from the staff of their department."""
    if person is None:
        return None
    chief_of = {m.department_id for m in person.memberships if m.role == CHIEF_REPRESENTATIVE}
    if value in (None, ""):
        if chief_of:
            errors.append({"field": "deputyId", "message": "a chief representative who is "
                           "away must name a temporary deputy (临时代行)"})
        return None
    deputy = _user(as_id(value), "deputyId", errors)
    if deputy is None:
        return None
    staff_of = {m.department_id for m in deputy.memberships if m.role in DEPARTMENT_ROLES}
    if deputy.id == person.id or not (chief_of & staff_of):
        errors.append({"field": "deputyId", "message": "the deputy must be another staff "
                       "member of the department the chief representative serves"})
    return deputy


def _require_may_file(actor: Actor, user_id: int) -> None:
    """The center (administrators), the person, or a chief representative of their department."""
    user = actor.user
    if user is None or user.is_admin or user.id == user_id:
        return
    absent = db.session.get(User, user_id)
    theirs = {m.department_id for m in absent.memberships if m.department_id is not None}
    if not any(user.has_role(CHIEF_REPRESENTATIVE, d) for d in theirs):
        raise Forbidden("you may not file absences for this person", code="not_allowed")


def _refuse_overlap(absence: Absence) -> None:
    clash = db.session.scalar(sa.select(Absence.id).where(
        Absence.user_id == absence.user_id, Absence.ended_early_at.is_(None),
        Absence.starts_on <= absence.ends_on, Absence.ends_on >= absence.starts_on).limit(1))
    if clash is not None:
        raise Conflict(f"absence {clash} already covers part of these days",
                       code="absence_overlaps")


def _refuse_unstaffed_post(absence: Absence, actor: Actor, fields: dict) -> list[int]:
    """Seed 004: every window is staffed at all times, so the A and the B of a post (AB岗)
    are never away on the same days. Only the center may record both away (a sudden
    illness), by its consent on the filing; returns the posts so left, for the audit."""
    consent = fields.get("centerConsent")
    if consent is not None and ticked(consent) is None:
        raise InvalidInput("centerConsent must be true or false",
                           errors=[{"field": "centerConsent", "message": "must be true or false"}])
    posts = db.session.scalars(sa.select(Post).where(sa.or_(
        Post.a_user_id == absence.user_id, Post.b_user_id == absence.user_id))).all()
    unstaffed = []
    for post in posts:
        partner = post.b_user_id if post.a_user_id == absence.user_id else post.a_user_id
        if db.session.scalar(sa.select(Absence.id).where(
                Absence.user_id == partner, Absence.ended_early_at.is_(None),
                Absence.starts_on <= absence.ends_on,
                Absence.ends_on >= absence.starts_on).limit(1)) is not None:
            unstaffed.append(post)
    if not unstaffed:
        return []
    if _by_the_center(actor) and ticked(consent):
        return [post.id for post in unstaffed]
    ids = ", ".join(str(post.id) for post in unstaffed)
    raise Conflict(f"the other holder of window post {ids} is away on some of these days: "
                   "A and B may not be away together", code="ab_post_unstaffed",
                   posts=[post.name for post in unstaffed])
