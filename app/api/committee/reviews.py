"""The decision committee (审批决策委员会): who sits on a department's committee, and the
committee's reviews of a case with every vote (part of the case record)."""
from flask import jsonify

from app.api import pages
from app.api.blueprint import bp, json_object
from app.api.representations import iso
from app.models import CommitteeReview, Department
from app.models.committee import POSITION_LABELS
from app.security import current_actor
from app.services import committee
from app.services.committee import organization as committee_org
from app.services.organization.checks import get_or_404
from app.services.workflow import instances


def seats_body(department_id: int) -> dict:
    seats = committee_org.seats(department_id)
    return {"departmentId": department_id,
            "hasCommittee": committee_org.has_committee(department_id),
            "members": [{"userId": s.user.id, "name": s.user.display_name,
                         "position": s.position, "positionLabel": POSITION_LABELS[s.position]}
                        for s in seats]}


@bp.get("/departments/<int:department_id>/committee")
def department_committee(department_id: int):
    get_or_404(Department, department_id, "department")
    return jsonify(seats_body(department_id))


@bp.put("/departments/<int:department_id>/committee")
def seat_department_committee(department_id: int):
    committee_org.set_seats(department_id, json_object().get("members"), current_actor())
    return jsonify(seats_body(department_id))


def review_body(review: CommitteeReview) -> dict:
    """A review and its votes; each member's choice shows once voting has closed."""
    visible = committee.choices_visible(review)
    return {
        "id": review.id, "processInstanceId": review.instance_id, "trigger": review.trigger,
        "reason": review.reason, "proposedDecision": review.proposed_decision,
        "proposal": review.proposal, "reviewOpinion": review.review_opinion,
        "materials": review.materials, "submittedBy": review.submitted_by,
        "submittedAt": iso(review.submitted_at), "voteDeadlineAt": iso(review.vote_deadline_at),
        "state": review.state, "decision": review.decision, "decidedHow": review.decided_how,
        "decidedAt": iso(review.decided_at), "chairId": review.chair_id,
        "chairReason": review.chair_reason, "tally": review.tally if visible else None,
        "votes": [{"memberId": v.member_id, "member": v.member.display_name,
                   "position": v.position, "state": v.state,
                   "choice": v.choice if visible else None,
                   "comment": v.comment if visible else None, "votedAt": iso(v.voted_at)}
                  for v in review.votes]}


@bp.get("/cases/<int:instance_id>/committee-reviews")
def case_committee_reviews(instance_id: int):
    instances.viewable(instance_id, current_actor().user)
    return jsonify(pages.page(review_body(r) for r in committee.reviews_of(instance_id)))
