"""Denial reporting (否定报备制, seed 004): what the service-item process asks and records.

A window that refuses an application (不予受理) or delivers a denial (不予许可) the
applicant disputes files a denial report (否定报备登记表) for the unit leader (单位领导);
so does a window whose department's letter (授权书) grants it no power to decide on
acceptance (受理决定权) of the item: it cannot finish a refusal without the leader. The
leader reviews within DENIAL_REVIEW_DAYS working days: confirms (签字认可; the applicant
then receives the written refusal with reasons, legal basis and remedy rights) or corrects
it (the refusal is withdrawn, the case goes back to handling and the handler is told).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.models import Case, DenialReport, User, db, utcnow
from app.models.denial import CONFIRMED, CORRECTED, KIND_LABELS, KINDS, PENDING, TRIGGERS
from app.services import authorization, calendar, cases
from app.services.workflow import audit, notifications
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput

OUTCOME_OF = {"confirm": CONFIRMED, "correct": CORRECTED}  # the review form's values


# --- script functions ------------------------------------------------------------------------

def window_may_refuse(department_id: int, item_code: str) -> bool:
    """The department's letter in force today grants 受理决定权 over the item."""
    return authorization.acceptance_letter(department_id, item_code, calendar.today()) is not None


def denial_review_deadline(start: str) -> str:
    """DENIAL_REVIEW_DAYS working days after `start`."""
    days = current_app.config.get("DENIAL_REVIEW_DAYS", 2)
    return calendar.add_working_days(start, days).isoformat()


def with_legal_basis(reasons: str, legal_basis: str) -> str:
    """The reasons as the refusal states them, followed by their legal basis if given."""
    reasons, legal_basis = (reasons or "").strip(), (legal_basis or "").strip()
    if not legal_basis:
        return reasons
    return f"{reasons.rstrip('。；;.')}；法律依据：{legal_basis.rstrip('。')}"


def applicant_name_of(instance_id: int) -> str:
    """Who applied, for the leader's review to name (the case keeps it, not the process)."""
    case = cases.case_of(instance_id)
    return case.applicant_name if case is not None else ""


FUNCTIONS = {f.__name__: f for f in (window_may_refuse, denial_review_deadline,
                                     with_legal_basis, applicant_name_of)}


# --- effects ---------------------------------------------------------------------------------

def reported(case: Case, actor: Actor, report: dict, review_due_at: str) -> None:
    """The 否定报备登记表, filed by the window (the handler): one copy for the leader, one
    kept; both are this row."""
    if report.get("kind") not in KINDS or report.get("trigger") not in TRIGGERS:
        raise InvalidInput("a denial report needs a known kind and trigger", code="denial_kind")
    row = DenialReport(
        instance_id=case.instance_id, department_id=case.item.department_id,
        item_code=case.item.code, item_name=case.item.name, case_no=case.case_no,
        kind=report["kind"], trigger=report["trigger"], applicant_name=case.applicant_name,
        applicant_contact={k: v for k, v in case.applicant_contact.items() if k != "user_id"},
        refused=f"「{case.item.name}」的申请：{KIND_LABELS[report['kind']]}",
        reasons=report.get("reasons") or "", legal_basis=report.get("legal_basis") or "",
        objection=report.get("objection") or "", handler_id=actor.user_id,
        review_due_at=datetime.fromisoformat(review_due_at))
    db.session.add(row)
    db.session.flush()
    year = calendar.to_local(row.filed_at).year
    row.number = f"{case.item.department.code}否报〔{year}〕{row.id:05d}号"
    audit.record(actor, "denial.reported", instance_id=case.instance_id, report_id=row.id,
                 kind=row.kind, trigger=row.trigger)


def reviewed(case: Case, actor: Actor, decision: str, opinion: str) -> None:
    row = pending_report(case.instance_id)
    if decision not in OUTCOME_OF:
        raise InvalidInput(f"unknown review outcome {decision!r}", code="denial_outcome")
    row.state, row.review_opinion = OUTCOME_OF[decision], opinion or ""
    row.reviewed_by, row.reviewed_at = actor.user_id, utcnow()
    audit.record(actor, "denial.reviewed", instance_id=case.instance_id, report_id=row.id,
                 outcome=row.state)
    if row.state == CORRECTED and row.handler_id is not None:
        handler = db.session.get(User, row.handler_id)
        notifications.tell_user(
            handler, "denial_corrected", "否定报备：领导已纠正",
            f"办件「{row.item_name}」（申请人 {row.applicant_name}）的{KIND_LABELS[row.kind]}经单位"
            f"领导审查予以纠正，已撤回，请继续办理。领导意见：{row.review_opinion}", case.instance_id)


def review_overdue(case: Case, actor: Actor) -> None:
    """The leader has not reviewed in time: the center supervises (督办)."""
    row = pending_report(case.instance_id)
    row.overdue = True
    audit.record(actor, "denial.review_overdue", instance_id=case.instance_id, report_id=row.id)
    cases.tell_staff(case, "denial_review_overdue", "督办：否定报备待审查",
                     f"否定报备 {row.number}（「{row.item_name}」，申请人 {row.applicant_name}）已超过"
                     f"审查时限（{cases.local_text(row.review_due_at)}），请单位领导及时审查。",
                     admins=True)


def pending_report(instance_id: int) -> DenialReport:
    row = db.session.scalar(sa.select(DenialReport).where(
        DenialReport.instance_id == instance_id, DenialReport.state == PENDING)
        .order_by(DenialReport.id.desc()).limit(1))
    if row is None:
        raise InvalidInput(f"instance {instance_id} has no pending denial report",
                           code="no_denial_report")
    return row


EFFECTS = {
    "denial_reported": reported,
    "denial_reviewed": reviewed,
    "denial_review_overdue": review_overdue,
}


def reports_of(instance_id: int) -> list[DenialReport]:
    return list(db.session.scalars(sa.select(DenialReport).where(
        DenialReport.instance_id == instance_id).order_by(DenialReport.id)))


