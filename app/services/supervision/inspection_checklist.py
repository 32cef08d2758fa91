"""A sampled case file checked against the checklist (材料齐全, 时限合规, 文书合法, 签章完整),
and the 整改 each 不符合 opens for the unit.

The assigned supervisor concludes the check in one go: every criterion 符合 or 不符合, a note
required for 不符合. Each 不符合 becomes a finding due in CASE_CHECK_RECTIFICATION_WORKING_DAYS
working days; the unit's chief representatives and approving leaders are told, answer with
what they changed, and a supervisor accepts (closes) it or returns it to be done again.
States: open → answered → closed, or answered → open (returned)."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from app.models import Case, User, db, utcnow
from app.models.identity import APPROVING_LEADER, CHIEF_REPRESENTATIVE
from app.models.inspection import (ANSWERED, ASSIGNED, CLOSED, CONCLUDED, CRITERIA, OPEN,
                                   CaseCheck, CheckFinding)
from app.services import calendar, supervision
from app.services.organization import routing
from app.services.workflow import audit, notifications
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

TEXT_MAX = 2000
UNIT_HEADS = (CHIEF_REPRESENTATIVE, APPROVING_LEADER)  # who answer a finding for the unit


def read_checklist(form) -> dict[str, dict]:
    """{criterion: {"ok": bool, "note": str}} from the form's `<criterion>` (pass / fail)
    and `<criterion>_note`; every problem named by its field."""
    answers, problems = {}, []
    for criterion in CRITERIA:
        verdict = (form.get(criterion) or "").strip()
        note = (form.get(f"{criterion}_note") or "").strip()
        if verdict not in ("pass", "fail"):
            problems.append({"field": criterion, "message": "required"})
        elif verdict == "fail" and not note:
            problems.append({"field": f"{criterion}_note", "message": "required"})
        elif len(note) > TEXT_MAX:
            problems.append({"field": f"{criterion}_note", "message": "too long"})
        answers[criterion] = {"ok": verdict == "pass", "note": note}
    if problems:
        raise InvalidInput("every criterion needs pass or fail, and a fail a note",
                           code="checklist_incomplete", errors=problems)
    return answers


def conclude(check: CaseCheck, viewer: User, form, actor: Actor) -> list[CheckFinding]:
    """The checker's verdict; each 不符合 opens a finding for the unit, which is told."""
    if check.state != ASSIGNED:
        raise Conflict("the check is concluded already", code="case_check_concluded")
    if check.checker_id != viewer.id:
        raise Forbidden("only the assigned checker concludes the check",
                        code="not_assigned_checker")
    answers = read_checklist(form)
    now = utcnow()
    check.answers, check.state, check.concluded_at = answers, CONCLUDED, now
    days = current_app.config["CASE_CHECK_RECTIFICATION_WORKING_DAYS"]
    findings = [CheckFinding(check_id=check.id, check=check, department_id=check.department_id,
                             criterion=criterion, note=answer["note"], state=OPEN,
                             opened_at=now, due_at=calendar.add_working_days(now, days))
                for criterion, answer in answers.items() if not answer["ok"]]
    db.session.add_all(findings)
    db.session.flush()
    case = db.session.get(Case, check.case_id)
    audit.record(actor, "case_check.concluded", instance_id=case.instance_id,
                 check_id=check.id, answers=answers, findings=[f.id for f in findings])
    if findings:
        _tell_unit(check, case, findings)
    db.session.commit()
    return findings


def _tell_unit(check: CaseCheck, case: Case, findings: list[CheckFinding]) -> None:
    wanted = "、".join(CRITERIA[f.criterion] for f in findings)
    due = calendar.to_local(findings[0].due_at).strftime("%Y-%m-%d")
    body = (f"案卷抽查发现办件 {case.case_no or case.id} {wanted}不符合要求，"
            f"请于 {due} 前整改并报送整改情况。")
    for user in unit_heads(check.department_id):
        notifications.tell_user(user, "case_check.finding", "案卷抽查整改通知", body,
                                case.instance_id)


def _tell_returned(finding: CheckFinding) -> None:
    case = db.session.get(Case, finding.check.case_id)
    body = (f"办件 {case.case_no or case.id} 的案卷抽查整改（{CRITERIA[finding.criterion]}）"
            f"被退回：{finding.review}")
    for user in unit_heads(finding.department_id):
        notifications.tell_user(user, "case_check.finding_returned", "案卷抽查整改被退回", body,
                                case.instance_id)


def unit_heads(department_id: int) -> list[User]:
    found = {u.id: u for role in UNIT_HEADS for u in routing.holders(role, department_id)}
    return [u for u in found.values() if u.active]


def get_finding(viewer: User, finding_id: int) -> CheckFinding:
    """A finding its unit's staff and the center may see; to anyone else there is none."""
    row = db.session.get(CheckFinding, finding_id)
    if row is None or not supervision.may_see_unit(viewer, row.department_id):
        raise NotFound("no such finding", code="finding_not_found")
    return row


def may_answer(viewer: User, finding: CheckFinding) -> bool:
    return any(viewer.has_role(role, finding.department_id) for role in UNIT_HEADS)


def answer(finding: CheckFinding, viewer: User, text: str, actor: Actor) -> None:
    """The unit's 整改 report: what it changed."""
    if not may_answer(viewer, finding):
        raise Forbidden("only the unit's chief representative or approving leader",
                        code="not_unit_head")
    _expect(finding, OPEN)
    finding.answer, finding.answered_at = _text(text, "text"), utcnow()
    finding.answered_by, finding.state = viewer.id, ANSWERED
    _record(actor, "case_check.finding_answered", finding, on_time=not overdue(finding))


def review(finding: CheckFinding, viewer: User, accepted: bool, text: str, actor: Actor) -> None:
    """A supervisor accepts the 整改 (closed) or returns it (open again, a note required)."""
    supervision.require_supervisor(viewer)
    _expect(finding, ANSWERED)
    # Accepting may say nothing more; returning must say what is still wrong.
    finding.review = _text(text, "text", required=not accepted)
    if accepted:
        finding.state, finding.closed_at = CLOSED, utcnow()
    else:  # counted late again from its due time: the returned 整改 is not done
        finding.state, finding.answered_at = OPEN, None
        _tell_returned(finding)
    _record(actor, "case_check.finding_reviewed", finding, accepted=accepted)


def overdue(finding: CheckFinding, now: datetime | None = None) -> bool:
    """Not answered by its due time (a closed one keeps whether it was late)."""
    return (finding.answered_at or finding.closed_at or now or utcnow()) > finding.due_at


def _expect(finding: CheckFinding, state: str) -> None:
    if finding.state != state:
        raise Conflict(f"the finding is {finding.state}, not {state}", code="finding_state")


def _text(value, field: str, required: bool = True) -> str:
    text = (value or "").strip()
    if (required and not text) or len(text) > TEXT_MAX:
        raise InvalidInput(f"{field} is required (at most {TEXT_MAX} characters)",
                           code="finding_text_required",
                           errors=[{"field": field, "message": "required"}])
    return text


def _record(actor: Actor, action: str, finding: CheckFinding, **detail) -> None:
    case = db.session.get(Case, finding.check.case_id)
    audit.record(actor, action, instance_id=case.instance_id, finding_id=finding.id,
                 check_id=finding.check_id, state=finding.state, **detail)
    db.session.commit()
