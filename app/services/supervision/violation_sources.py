"""The violations the sweep finds in the records (govflow.supervise, step
"violations_from_records"): a refusal a window had no power to make alone that went out
without its 否定报备, a 差评整改 or a 案卷抽查 finding past its due time, and a post left with nobody at it (its
holder away and no stand-in present). Each is recorded once (violations.record_automatic
keys it by its source), so the step may run any number of times."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.models import (Absence, AuditEvent, Case, CaseCheck, CheckFinding, DenialReport, Post,
                        Rectification, User, Violation, db)
from app.models.authorization import ACCEPTANCE
from app.models.accountability import (ABSENCE_UNCOVERED, DENIAL_REPORT, LATE_RECTIFICATION,
                                       UNAPPROVED_ABSENCE)
from app.models.evaluation import OPEN
from app.models.inspection import OPEN as FINDING_OPEN
from app.models.identity import CHIEF_REPRESENTATIVE
from app.services import authorization, calendar
from app.services.organization import absences, routing
from app.services.supervision import sweep, violations

NOT_ACCEPTED_STATUS = 5  # 不予受理
# How far back the sweep looks for refusals: it runs every few minutes, so a month is ample
# and the refusals that were in order are not read again and again for ever.
REFUSAL_LOOKBACK = timedelta(days=31)


@sweep.step("violations_from_records")
def from_records(now: datetime) -> int:
    day = calendar.to_local(now).date()
    return refusals_without_report(now) + late_rectifications(now) + \
        late_check_findings(now) + uncovered_absences(day) + unapproved_absences(day)


def _recorded(kind: str, *where):
    return sa.exists().where(Violation.kind == kind, *where)


def refusals_without_report(now: datetime) -> int:
    """不予受理 by a window whose letter (授权书) gave it no 受理决定权 on the day, with no
    否定报备登记表 on the case: the refusal should have gone to the unit leader first."""
    refused = db.session.scalars(
        sa.select(Case).where(Case.decision == "not_accepted",
                              Case.concluded_at >= now - REFUSAL_LOOKBACK,
                              ~sa.exists().where(DenialReport.instance_id == Case.instance_id),
                              ~_recorded(DENIAL_REPORT, Violation.case_id == Case.id)))
    made = 0
    for case in refused:
        day = calendar.to_local(case.concluded_at).date()
        if _window_could_refuse(case, day):
            continue
        made += bool(violations.record_automatic(
            DENIAL_REPORT, case.item.department_id, staff_id=_refused_by(case), case=case,
            occurred_at=case.concluded_at, source_ref=f"case:{case.id}:denial_report",
            description=f"办件「{case.item.name}」（申请人 {case.applicant_name}）不予受理，"
                        "经办窗口无受理决定权，未填报否定报备登记表报单位领导审查"))
    return made


def _window_could_refuse(case: Case, day: date) -> bool:
    letter = authorization.valid_letter(case.item.department_id, day)
    return letter is not None and ACCEPTANCE in letter.powers_for(case.item.code)


def _refused_by(case: Case) -> int | None:
    """Who set the case to 不予受理 (the audit trail keeps the actor of each status)."""
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == case.instance_id, AuditEvent.action == "case.status")
        .order_by(AuditEvent.id.desc()))
    return next((e.actor_id for e in events if e.detail.get("code") == NOT_ACCEPTED_STATUS),
                None)


def late_rectifications(now: datetime) -> int:
    """整改 still open past its due time: the unit's lateness (an appeal pending is not)."""
    late = db.session.scalars(sa.select(Rectification).where(
        Rectification.state == OPEN, Rectification.due_at < now,
        Rectification.department_id.is_not(None),
        ~_recorded(LATE_RECTIFICATION, Violation.source_ref == sa.literal("rectification:")
                   + sa.cast(Rectification.id, sa.String) + sa.literal(":late"))))
    made = 0
    for row in late:
        case = db.session.get(Case, row.evaluation.case_id) if row.evaluation.case_id else None
        made += bool(violations.record_automatic(
            LATE_RECTIFICATION, row.department_id, case=case, occurred_at=row.due_at,
            source_ref=f"rectification:{row.id}:late",
            description=f"差评整改（第 {row.id} 号）超过整改期限未报送整改情况"))
    return made


def late_check_findings(now: datetime) -> int:
    """A 案卷抽查 finding the unit has not answered by its due time (returned ones count from
    their original due time, as the checklist does)."""
    late = db.session.scalars(sa.select(CheckFinding).where(
        CheckFinding.state == FINDING_OPEN, CheckFinding.due_at < now,
        ~_recorded(LATE_RECTIFICATION, Violation.source_ref == sa.literal("check_finding:")
                   + sa.cast(CheckFinding.id, sa.String) + sa.literal(":late"))))
    made = 0
    for finding in late:
        check = db.session.get(CaseCheck, finding.check_id)
        case = db.session.get(Case, check.case_id)
        made += bool(violations.record_automatic(
            LATE_RECTIFICATION, finding.department_id, case=case, occurred_at=finding.due_at,
            source_ref=f"check_finding:{finding.id}:late",
            description=f"案卷抽查发现的问题（第 {finding.id} 号，{finding.note}）超过整改期限未报送整改情况"))
    return made


def uncovered_absences(day: date) -> int:
    """A window post holder or a chief representative away on `day` with nobody present to
    stand in (the post's other holder away too, no deputy named, or the deputy away)."""
    away = db.session.scalars(sa.select(Absence).where(
        Absence.starts_on <= day, Absence.ends_on >= day, Absence.ended_early_at.is_(None)))
    made = 0
    for absence in away:
        for department_id in _posts_to_cover(absence.user_id):
            if absences.substitute(absence.user_id, department_id, day)[0] is not None:
                continue
            made += bool(violations.record_automatic(
                ABSENCE_UNCOVERED, department_id,
                occurred_at=datetime.combine(day, time(9), tzinfo=calendar.local_zone()),
                source_ref=f"absence:{_first_of_gap(absence, department_id, day)}:{department_id}",
                description=f"{absence.starts_on.isoformat()} 至 {absence.ends_on.isoformat()} "
                            "窗口岗位人员缺岗，无人顶岗"))
    return made


def unapproved_absences(day: date) -> int:
    """擅自离岗 (seed 004: 否则一律不准请假，擅自离岗的作旷工处理): someone away on `day` without
    the center's consent given by then; once per absence."""
    away = db.session.scalars(sa.select(Absence).where(
        Absence.starts_on <= day, Absence.ends_on >= day, Absence.ended_early_at.is_(None),
        ~_recorded(UNAPPROVED_ABSENCE, Violation.source_ref == sa.literal("absence:")
                   + sa.cast(Absence.id, sa.String) + sa.literal(":unapproved"))))
    made = 0
    for absence in away:
        if absence.approved and calendar.to_local(absence.approved_at).date() <= day:
            continue
        person = db.session.get(User, absence.user_id)
        units = sorted(routing.unit_departments(person))
        if not units:  # not window staff: the center's own people are not assessed here
            continue
        made += bool(violations.record_automatic(  # once, under the person's first unit
            UNAPPROVED_ABSENCE, units[0], staff_id=person.id,
            occurred_at=datetime.combine(day, time(9), tzinfo=calendar.local_zone()),
            source_ref=f"absence:{absence.id}:unapproved",
            description=f"{person.display_name} {day.isoformat()} 离岗，请假"
                        f"（{absence.starts_on.isoformat()} 至 {absence.ends_on.isoformat()}）"
                        "未经中心同意"))
    return made


def _first_of_gap(absence: Absence, department_id: int, day: date) -> int:
    """The gap's key: the first of the absences that leave the place empty, so that a post
    whose two holders are both away is one violation, not one for each of them."""
    stand_ins = (absence.deputy_id, absences.post_partner(absence.user_id, department_id))
    away = [absences.covering(person, day) for person in stand_ins if person is not None]
    return min([absence.id, *(other.id for other in away if other is not None)])


def _posts_to_cover(user_id: int) -> set[int]:
    """The departments where `user_id`'s absence leaves a place someone must fill."""
    served = {d.id for post in db.session.scalars(sa.select(Post).where(
        sa.or_(Post.a_user_id == user_id, Post.b_user_id == user_id)))
        for d in post.window.departments}
    chiefs = {d for role, d in routing.scopes(db.session.get(User, user_id))
              if role == CHIEF_REPRESENTATIVE and d}  # a deputy (临时代行) is named for them
    return served | chiefs
