"""Helpers that drive committee escalation (审批决策委员会) and denial reports (否定报备)
through the API, as the window, the chief service officer, members and leaders would."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.models import AuthorizationLetter, CommitteeReview, DenialReport, Department, HumanTask, db
from app.services import authorization
from app.services.authorization import group_consent, letters
from app.services.workflow import timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (assert_round_trip, complete, open_task,
                                            required_materials, start_case)
from tests.conftest import headers_for, user

MEMBERS = ("committee1", "committee2", "committee3")  # chair, executive vice chair, member


def department(code: str) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.code == code))


def reissue_letter(code: str, grants: dict[str, list[str]], grantee: str) -> AuthorizationLetter:
    """Revoke the department's demo letter and issue one granting `grants` (item -> powers)."""
    admin = Actor.of(user("admin"))
    current = authorization.valid_letter(department(code).id, date(2026, 3, 2))
    if current is not None:
        letters.revoke(current.id, "重新授权", admin)
    return letters.issue({
        "number": f"{code}授〔2026〕9号", "department_id": department(code).id,
        "grantee_id": user(grantee).id, "issuer": "局长", "issued_on": "2026-03-02",
        "filed_on": "2026-03-02", "valid_from": "2026-03-02", "valid_until": "2026-12-31",
        "items": [{"item_code": item, "powers": powers} for item, powers in grants.items()],
    }, admin)


def grant_nrp_officer(*items: str, consent: bool = True) -> AuthorizationLetter:
    """nrp_chief (首席服务员) may decide acceptance of `items`, decide them directly (审核审批权),
    make the licence (制证权) and deliver the result (投递权), with the leading group's consent
    (领导小组) unless not."""
    letter = reissue_letter("NRP", {item: ["acceptance", "approval", "certificate", "delivery"]
                                    for item in items}, "nrp_chief")
    if consent:
        group_consent.record(letter.id, {"consent_on": "2026-02-26",
                                         "minutes": "首席服务员领导小组会议纪要〔2026〕1号"},
                             Actor.of(user("admin")))
    return letter


def accepted_case(client, item_code: str) -> int:
    case_id = start_case(client, item_code)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=required_materials(item_code))
    return case_id


def reviewed_case(client, item_code: str, **facts) -> int:
    case_id = accepted_case(client, item_code)
    complete(client, case_id, "window_review", "clerk", review_opinion="材料真实完整",
             recommendation="approve", **facts)
    return case_id


def vote_task(instance_id: int, username: str) -> HumanTask:
    task = db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.name == "member_vote",
        HumanTask.assignee_id == user(username).id, HumanTask.state == "open"))
    assert task is not None, f"{username} has no open vote in {instance_id}"
    return task


def vote(client, instance_id: int, username: str, choice: str, comment: str = "",
         expect: int = 200):
    variables = {"vote_choice": choice, **({"vote_comment": comment} if comment else {})}
    response = client.post(f"/api/tasks/{vote_task(instance_id, username).id}/complete",
                           json={"variables": variables}, headers=headers_for(username))
    assert response.status_code == expect, response.json
    assert_round_trip(instance_id)
    return response


def escalate(client, case_id: int, proposed: str = "approve"):
    return complete(client, case_id, "officer_decision", "nrp_chief", decision="escalate",
                    escalation_reason="申请用地涉及相邻权利人异议，需集体研究",
                    proposed_decision=proposed, proposal="经审查，建议准予临时用地")


def review_of(instance_id: int) -> CommitteeReview:
    review = db.session.scalar(sa.select(CommitteeReview).where(
        CommitteeReview.instance_id == instance_id).order_by(CommitteeReview.id.desc()))
    assert review is not None, f"no committee review for {instance_id}"
    db.session.refresh(review)
    for row in review.votes:
        db.session.refresh(row)
    return review


def vote_states(instance_id: int) -> dict[str, tuple]:
    return {v.member.username: (v.state, v.choice) for v in review_of(instance_id).votes}


def reports_of(instance_id: int) -> list[DenialReport]:
    rows = list(db.session.scalars(sa.select(DenialReport).where(
        DenialReport.instance_id == instance_id).order_by(DenialReport.id)))
    for row in rows:
        db.session.refresh(row)
    return rows


def fire_due(now) -> list[int]:
    due = timers.due_instance_ids(now=now)
    for instance_id in due:
        timers.fire(instance_id, Actor.system("timer"))
    return due


__all__ = ["MEMBERS", "accepted_case", "complete", "escalate", "fire_due", "grant_nrp_officer",
           "open_task", "reissue_letter", "reports_of", "review_of", "reviewed_case", "vote",
           "vote_states", "vote_task"]
