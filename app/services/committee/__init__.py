"""Committee escalation (审批决策委员会, seed 001): what the service-item process asks of
the committee and what it records.

The chief service officer (首席服务员) decides the items his letter (授权书) lets him
approve; a case goes to the department's committee when he escalates it with a written
reason, when the escalation decision table (processes/committee_escalation.dmn) says so,
or when his letter does not cover the item. Every member votes (同意 / 不同意 / 弃权, with
comments) within a number of working days (COMMITTEE_VOTE_DAYS); the decision is reached
as soon as more than half of all members voted the same way, otherwise the chair rules (on
a tie or when the deadline passed). The decision goes back to the officer, who concludes
the case. The review and every vote are rows here, written in the step's transaction.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.models import Case, CommitteeReview, CommitteeVote, db, utcnow
from app.models.committee import (BY_AUTHORIZATION, BY_OFFICER, BY_RULE, CANCELLED, CHAIR_DECIDED,
                                  CHOICES, DECIDED, DECISIONS, MAJORITY, MISSED, PENDING, POSITIONS,
                                  VOTED, VOTING)
from app.models.identity import CHIEF_REPRESENTATIVE, COMMITTEE_VOTE_LANE
from app.services import authorization, calendar
from app.services.committee import organization as committee_org
from app.services.workflow import assignment, audit, notifications, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput

AWAITING_CHAIR = "awaiting_chair"  # voting closed without a majority: the chair rules
OVERTAKEN = "overtaken"  # the case's promised deadline passed first (超时默认 or 督办)
STATE_LABELS = {VOTING: "表决中", AWAITING_CHAIR: "待主任裁决", DECIDED: "已决定",
                OVERTAKEN: "承诺时限届满，未作决定"}


# --- script functions (plain JSON in and out) -----------------------------------------------

def register() -> None:
    """A member's vote is the member's own: it is never released or handed on."""
    tasks.keep_personal(COMMITTEE_VOTE_LANE,
                        "a committee member's vote cannot be released or reassigned")


def officer_may_decide(department_id: int, item_code: str) -> bool:
    """The department's letter in force today grants direct approval of the item."""
    return authorization.direct_approval_letter(department_id, item_code,
                                                calendar.today()) is not None


def department_has_committee(department_id: int) -> bool:
    return committee_org.has_committee(department_id)


def committee_seats(department_id: int) -> list[dict]:
    return [seat.as_data() for seat in committee_org.seats(department_id)]


def committee_vote_deadline(start: str) -> str:
    """COMMITTEE_VOTE_DAYS working days after `start`."""
    days = current_app.config.get("COMMITTEE_VOTE_DAYS", 3)
    return calendar.add_working_days(start, days).isoformat()


def committee_majority(votes: list, member_count: int) -> str | None:
    """approve or reject once more than half of all members chose it, else None."""
    for choice in DECISIONS:
        if sum(1 for v in votes or [] if v and v.get("choice") == choice) * 2 > member_count:
            return choice
    return None


FUNCTIONS = {f.__name__: f for f in (officer_may_decide, department_has_committee,
                                     committee_seats, committee_vote_deadline,
                                     committee_majority)}


# --- effects ---------------------------------------------------------------------------------

def opened(case: Case, actor: Actor, escalation: dict, seats: list, deadline: str) -> None:
    """The officer's submission: a review with a pending vote for every seat."""
    if escalation.get("trigger") not in (BY_OFFICER, BY_RULE, BY_AUTHORIZATION):
        raise InvalidInput(f"unknown escalation trigger {escalation.get('trigger')!r}",
                           code="committee_trigger")
    review = CommitteeReview(
        instance_id=case.instance_id, department_id=case.item.department_id,
        trigger=escalation["trigger"], reason=escalation.get("reason") or "",
        proposed_decision=escalation.get("proposed_decision") or "",
        proposal=escalation.get("proposal") or "",
        review_opinion=escalation.get("review_opinion") or "",
        materials=list(escalation.get("materials") or []), submitted_by=actor.user_id,
        vote_deadline_at=datetime.fromisoformat(deadline), tally={})
    review.votes = [CommitteeVote(member_id=seat["user_id"], position=seat["position"],
                                  seat=index, comment="")
                    for index, seat in enumerate(seats) if seat["position"] in POSITIONS]
    db.session.add(review)
    db.session.flush()
    audit.record(actor, "committee.opened", instance_id=case.instance_id, review_id=review.id,
                 trigger=review.trigger, members=[v.member_id for v in review.votes],
                 deadline=deadline)


def vote_cast(case: Case, actor: Actor, vote: dict) -> None:
    row = _vote(case, vote.get("member_id"))
    if vote.get("choice") not in CHOICES:
        raise InvalidInput(f"unknown vote {vote.get('choice')!r}", code="committee_vote")
    row.state, row.choice, row.voted_at = VOTED, vote["choice"], utcnow()
    row.comment = str(vote.get("comment") or "")
    audit.record(actor, "committee.voted", instance_id=case.instance_id,
                 review_id=row.review_id, member_id=row.member_id, choice=row.choice)


def vote_missed(case: Case, actor: Actor, member_id: int) -> None:
    """The voting deadline passed before this member voted: recorded as not voting."""
    row = _vote(case, member_id)
    if row.state == PENDING:
        row.state = MISSED
        audit.record(actor, "committee.vote_missed", instance_id=case.instance_id,
                     review_id=row.review_id, member_id=member_id)


def voting_closed(case: Case, actor: Actor, decision: str | None) -> None:
    """Every vote is in, a majority was reached (the rest were cancelled) or the deadline
    passed. With a majority the committee has decided; otherwise the chair rules."""
    review = current_review(case.instance_id)
    review.tally = _tally(review)
    for row in review.votes:
        if row.state == PENDING:
            row.state = CANCELLED if decision else MISSED
    if decision:
        _decide(review, decision, MAJORITY)
    else:
        review.state = AWAITING_CHAIR
    audit.record(actor, "committee.voting_closed", instance_id=case.instance_id,
                 review_id=review.id, tally=review.tally, decision=decision,
                 missed=[v.member_id for v in review.votes if v.state == MISSED])


def chair_ruled(case: Case, actor: Actor, decision: str, reason: str) -> None:
    review = current_review(case.instance_id)
    if decision not in DECISIONS:
        raise InvalidInput(f"unknown decision {decision!r}", code="committee_decision")
    review.chair_id, review.chair_reason = actor.user_id, reason
    _decide(review, decision, CHAIR_DECIDED)
    audit.record(actor, "committee.chair_ruled", instance_id=case.instance_id,
                 review_id=review.id, decision=decision)


def overtaken(case: Case, actor: Actor) -> None:
    """The case's promised deadline ended its handling while the committee was still
    deciding: the open review ends undecided and the votes still open are withdrawn."""
    review = db.session.scalar(sa.select(CommitteeReview).where(
        CommitteeReview.instance_id == case.instance_id,
        CommitteeReview.state.in_((VOTING, AWAITING_CHAIR))))
    if review is None:
        return
    review.tally = _tally(review)
    for row in review.votes:
        if row.state == PENDING:
            row.state = CANCELLED
    review.state = OVERTAKEN
    audit.record(actor, "committee.overtaken", instance_id=case.instance_id,
                 review_id=review.id)


def _decide(review: CommitteeReview, decision: str, how: str) -> None:
    review.state, review.decision, review.decided_how = DECIDED, decision, how
    review.decided_at = utcnow()
    for user in {u.id: u for u in _officers(review)}.values():
        notifications.tell_user(user, "committee_decided", "审批决策委员会已作出决定",
                                f"办件流程 #{review.instance_id} 已由审批决策委员会研究决定，"
                                "请据此办结。", review.instance_id)


def _officers(review: CommitteeReview) -> list:
    return assignment.holders(CHIEF_REPRESENTATIVE, review.department_id)


def _tally(review: CommitteeReview) -> dict:
    counts = {choice: 0 for choice in CHOICES}
    for row in review.votes:
        if row.state == VOTED and row.choice in counts:
            counts[row.choice] += 1
    counts["not_voted"] = sum(1 for row in review.votes if row.state != VOTED)
    return counts


def _vote(case: Case, member_id) -> CommitteeVote:
    review = current_review(case.instance_id)
    row = next((v for v in review.votes if v.member_id == member_id), None)
    if row is None:
        raise InvalidInput(f"user {member_id} has no seat in committee review {review.id}",
                           code="committee_seat")
    return row


def current_review(instance_id: int) -> CommitteeReview:
    review = db.session.scalar(sa.select(CommitteeReview).where(
        CommitteeReview.instance_id == instance_id,
        CommitteeReview.state.in_((VOTING, AWAITING_CHAIR)))
        .order_by(CommitteeReview.id.desc()).limit(1))
    if review is None:
        raise InvalidInput(f"instance {instance_id} has no open committee review",
                           code="no_committee_review")
    return review


EFFECTS = {
    "committee_opened": opened,
    "committee_vote_cast": vote_cast,
    "committee_vote_missed": vote_missed,
    "committee_voting_closed": voting_closed,
    "committee_chair_ruled": chair_ruled,
    "committee_overtaken": overtaken,
}


# --- the case record -------------------------------------------------------------------------

def reviews_of(instance_id: int) -> list[CommitteeReview]:
    return list(db.session.scalars(sa.select(CommitteeReview).where(
        CommitteeReview.instance_id == instance_id).order_by(CommitteeReview.id)))


def choices_visible(review: CommitteeReview) -> bool:
    """Members vote on their own: the choices show once voting has closed."""
    return review.state != VOTING
