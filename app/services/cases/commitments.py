"""告知承诺制: an item the catalog flags is decided on the applicant's written commitment
(告知承诺书, ticked at 接件审查 and required there); after an approval the department checks
the commitment (核查) within COMMITMENT_CHECK_WORKING_DAYS. 属实 changes nothing; 承诺不实
revokes the decision (status 15 撤销) with a 撤销决定书 in the department's name.

The check is a record on the case with its form on the case page, for the department's chief
representative or approving leaders (those who decide its items), not a BPMN task: the
process has ended at 办结 and the check must not hold the delivery back.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.models import Case, CommitmentCheck, HumanTask, User, db, utcnow
from app.models.identity import APPROVING_LEADER, CHIEF_REPRESENTATIVE
from app.models.lenient import CHECK_OUTCOME_LABELS, FALSE
from app.services import calendar, cases
from app.services.cases import documents
from app.services.organization import routing
from app.services.supervision import sweep
from app.services.workflow import audit, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

CHECKERS = (CHIEF_REPRESENTATIVE, APPROVING_LEADER)
REVOKED = "revoked"  # the document kind of the 撤销决定书 (the decision stays the approval)


def register() -> None:
    tasks.guard_completion(commitment_signed)
    cases.on_concluded(open_check)


def commitment_signed(task: HumanTask, actor: Actor, data: dict) -> None:
    """接件审查 of a 告知承诺制 item accepts only on the applicant's signed commitment."""
    if task.name != "intake" or data.get("within_remit") is not True:
        return
    case = cases.case_of(task.instance_id)
    signed = data.get("commitment_signed") is True
    if case is not None and case.item.commitment_system and not signed:
        raise InvalidInput("a 告知承诺制 item is accepted on the applicant's signed commitment",
                           code="commitment_not_signed",
                           errors=[{"field": "commitment_signed", "message": "required"}])


def of(case: Case) -> CommitmentCheck | None:
    return db.session.get(CommitmentCheck, case.id)


def open_check(case: Case, actor: Actor, approved: bool) -> None:
    """After the approval of a 告知承诺制 item: the post-check, due in working days."""
    if not approved or not case.item.commitment_system or of(case) is not None:
        return
    days = int(current_app.config["COMMITMENT_CHECK_WORKING_DAYS"])
    check = CommitmentCheck(case_id=case.id, instance_id=case.instance_id,
                            department_id=case.item.department_id,
                            due_at=calendar.add_working_days(case.concluded_at, days))
    db.session.add(check)
    audit.record(actor, "case.commitment_check_opened", instance_id=case.instance_id,
                 due_at=check.due_at.isoformat())
    cases.tell_staff(case, "commitment_check", "告知承诺核查",
                     f"办件 {case.case_no}「{case.item.name}」按告知承诺制准予许可，请于"
                     f"{cases.local_text(check.due_at)}前核查申请人的承诺是否属实。")


def may_check(user: User | None, case: Case) -> bool:
    if user is None:
        return False
    scopes = routing.scopes(user)
    return user.is_admin or any((role, case.item.department_id) in scopes for role in CHECKERS)


def record_outcome(instance_id: int, outcome: str, findings: str, actor: Actor) -> CommitmentCheck:
    case = cases.case_of(instance_id)
    check = of(case) if case is not None else None
    if check is None:
        raise NotFound(f"case {instance_id} has no commitment check",
                       code="commitment_check_not_found")
    if not may_check(actor.user, case):
        raise Forbidden("only the department's chief representative or leaders check it",
                        code="not_commitment_checker")
    if check.outcome is not None:
        raise Conflict("the commitment was checked already", code="commitment_check_done")
    if not isinstance(findings, (str, type(None))):
        raise InvalidInput("findings are text", code="commitment_check_invalid",
                           errors=[{"field": "findings", "message": "expected text"}])
    findings = (findings or "").strip()
    known = isinstance(outcome, str) and outcome in CHECK_OUTCOME_LABELS
    problems = ([] if known else [{"field": "outcome",
                                                             "message": "属实 or 承诺不实"}])
    if outcome == FALSE and not findings:
        problems.append({"field": "findings", "message": "required"})
    if problems or len(findings) > 4000:
        raise InvalidInput("the check needs an outcome, and findings for a false commitment",
                           code="commitment_check_invalid",
                           errors=problems or [{"field": "findings", "message": "too long"}])
    check.outcome, check.findings = outcome, findings
    check.checked_by, check.checked_at = actor.user_id, utcnow()
    audit.record(actor, "case.commitment_checked", instance_id=instance_id, outcome=outcome)
    if outcome == FALSE:
        revoke(case, check, actor)
    db.session.commit()
    return check


def revoke(case: Case, check: CommitmentCheck, actor: Actor) -> None:  # 撤销
    cases.set_status(case, 15, actor, f"告知承诺不实，撤销准予许可决定：{check.findings}")
    document = documents.issue(case, REVOKED, "revocation", check.checked_at)
    cases.tell(case, REVOKED, "撤销行政许可决定书",
               f"您申请的「{case.item.name}」（办件编号 {case.case_no}）按告知承诺制准予许可。经核查，"
               f"您的承诺与实际情况不符：{check.findings}。本机关决定撤销该准予许可决定，"
               f"撤销决定书文号 {document.number}。{cases.REMEDY_RIGHTS}")


@sweep.step("commitment_check_deadlines")
def watch(now: datetime) -> int:
    """A check not recorded by its deadline: the department and the center are told, once."""
    actor, done = Actor.system("commitment-watch"), 0
    for check in list(db.session.scalars(sa.select(CommitmentCheck).where(
            CommitmentCheck.outcome.is_(None), CommitmentCheck.overdue_told_at.is_(None),
            CommitmentCheck.due_at <= now))):
        case = db.session.get(Case, check.case_id)
        check.overdue_told_at = now
        audit.record(actor, "case.commitment_check_overdue", instance_id=case.instance_id)
        cases.tell_staff(case, "commitment_check_overdue", "告知承诺核查逾期",
                         f"办件 {case.case_no}「{case.item.name}」的告知承诺核查已超过期限"
                         f"（{cases.local_text(check.due_at)}），请立即核查。", admins=True)
        done += 1
    return done
