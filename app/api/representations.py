"""JSON shapes of API resources (camelCase, as Camunda-style clients expect)."""
from __future__ import annotations

from datetime import date, datetime

from app.models import Case, CaseClockEvent, HumanTask, ProcessDefinition, ProcessInstance
from app.services import calendar
from app.services.cases import clock as case_clock
from app.services.cases import commitments, lenient


def iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def provisional(deadline: datetime | None) -> bool:
    """Whether a deadline was counted through a year whose holidays are still 暂定."""
    return bool(deadline) and calendar.is_provisional(deadline)


_iso = iso


def camel(name: str) -> str:
    """snake_case field names as the API spells them: legal_days -> legalDays."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def definition(d: ProcessDefinition) -> dict:
    return {"id": d.id, "key": d.key, "version": d.version, "name": d.name,
            "sha256": d.sha256, "deployedAt": _iso(d.deployed_at), "deployedBy": d.deployed_by,
            "forms": sorted(d.forms), "decisions": sorted(d.decisions or {}),
            "changeNote": d.change_note, "restoredFrom": d.restored_from}


def task(t: HumanTask, *, form: dict | None = None, ui: dict | None = None) -> dict:
    body = {"id": t.id, "name": t.name, "title": t.title, "processInstanceId": t.instance_id,
            "assignee": t.assignee_id, "candidateGroups": [t.candidate_role],
            "candidateDepartment": t.candidate_department_id, "state": t.state,
            "dueAt": _iso(t.due_at),
            "dueProvisional": provisional(t.due_at),
            "createdAt": _iso(t.created_at),
            "completedAt": _iso(t.completed_at), "formKey": t.form_schema}
    if form is not None or ui is not None:
        body.update(formSchema=form, uiSchema=ui, instructions=t.instructions)
    return body


def case(c: Case | None) -> dict | None:
    if c is None:
        return None
    return {"caseNo": c.case_no, "item": c.item.code, "itemName": c.item.name,
            "applicant": c.applicant_name, "statusCode": c.status_code,
            "status": c.status_name, "acceptedAt": _iso(c.accepted_at),
            "deadlineAt": _iso(c.deadline_at),
            "deadlineProvisional": provisional(c.deadline_at),
            "concludedAt": _iso(c.concluded_at),
            "decision": c.decision, "overdue": c.overdue, "responsibleUnit": c.responsible_unit,
            "majorProject": c.major_project, "decisionLimitAt": _iso(c.decision_limit_at),
            "flags": c.flags,
            # stored with the service's snake_case keys (started_at, ...), shown camelCase
            "supplements": [{camel(k): v for k, v in r.items()} for r in c.supplements or []],
            "history": c.history,
            "lenient": lenient_acceptance(lenient.of(c)),
            "commitmentCheck": commitment_check(commitments.of(c))}


def lenient_acceptance(r) -> dict | None:  # 容缺受理
    if r is None:
        return None
    return {"deferred": r.deferred, "committedAt": _iso(r.committed_at),
            "supplementDays": r.supplement_days, "supplementDueAt": _iso(r.supplement_due_at),
            "remindAt": _iso(r.remind_at), "remindedAt": _iso(r.reminded_at),
            "receivedAt": _iso(r.received_at), "receivedBy": r.received_by,
            "terminatedAt": _iso(r.terminated_at), "pending": r.pending}


def commitment_check(k) -> dict | None:  # 告知承诺 核查
    if k is None:
        return None
    return {"dueAt": _iso(k.due_at), "openedAt": _iso(k.opened_at), "outcome": k.outcome,
            "findings": k.findings, "checkedBy": k.checked_by, "checkedAt": _iso(k.checked_at),
            "overdueToldAt": _iso(k.overdue_told_at)}


def clock_event(e: CaseClockEvent) -> dict:
    return {"id": e.id, "processInstanceId": e.instance_id, "kind": e.kind, "state": e.state,
            "days": e.days, "procedure": e.procedure or None, "reason": e.reason,
            "approverRole": e.approver_role or None, "requestedBy": e.requested_by,
            "requestedAt": _iso(e.requested_at), "decidedBy": e.decided_by,
            "decidedAt": _iso(e.decided_at), "note": e.note, "movedDays": e.moved_days,
            "noticeNo": e.notice_no}


def clock(c: Case | None) -> dict | None:
    """法定时限, the extension cap and what is left of it, every extension and pause."""
    if c is None:
        return None
    rule, limit = case_clock.rule_for(c), case_clock.statutory_deadline(c)
    found = case_clock.events(c.instance_id)
    used = case_clock.extended_days(c.instance_id, found)
    return {"deadlineAt": _iso(c.deadline_at), "statutoryDeadlineAt": _iso(limit),
            "statutoryDeadlineProvisional": provisional(limit),
            "extensionCap": rule.cap, "extendedDays": used, "extensionDaysLeft": rule.cap - used,
            "extensionApproverRole": rule.approver_role,
            "paused": case_clock.running_pause(c.instance_id, found) is not None,
            "events": [clock_event(e) for e in found]}


def instance(i: ProcessInstance, *, tasks: list[HumanTask] | None = None,
             variables: dict | None = None, case_row: Case | None = None) -> dict:
    body = {"id": i.id, "definitionId": i.definition_id, "key": i.definition.key,
            "version": i.definition.version, "businessKey": i.business_key, "state": i.state,
            "startedAt": _iso(i.started_at), "endedAt": _iso(i.ended_at),
            "nextTimerAt": _iso(i.next_timer_at), "incident": i.incident}
    if tasks is not None:
        body["activeTasks"] = [task(t) for t in tasks]
    if variables is not None:
        body["variables"] = variables
    if case_row is not None:
        body["case"] = case(case_row)
    return body
