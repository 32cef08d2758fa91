"""The decision committee (审批决策委员会) of a department: its reviews of cases the chief
service officer (首席服务员) submitted, and every member's vote.

Who sits on a committee is organization data: a committee_member membership in the
department, with its position (Membership.committee_position). One review is opened each
time a case goes to the committee; its votes are one row per member seated that day.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow
from app.models.identity import User

# Seats (seed 001 第十四条: 局长任主任, 副局长任常务副主任, 其他班子成员任副主任, 股室负责人为成员).
CHAIR = "chair"  # 主任: decides on a tie or when the voting deadline passes
EXECUTIVE_VICE_CHAIR = "executive_vice_chair"  # 常务副主任: presides while the chair is away
VICE_CHAIR = "vice_chair"  # 副主任
MEMBER = "member"  # 成员
POSITIONS = (CHAIR, EXECUTIVE_VICE_CHAIR, VICE_CHAIR, MEMBER)
POSITION_LABELS = {CHAIR: "主任", EXECUTIVE_VICE_CHAIR: "常务副主任", VICE_CHAIR: "副主任",
                   MEMBER: "成员"}

# Why a case went to the committee.
BY_OFFICER = "officer"  # the officer could not decide it directly and said why
BY_RULE = "rule"  # the escalation decision table (processes/committee_escalation.dmn)
BY_AUTHORIZATION = "authorization"  # the officer's 授权书 does not grant approval of the item
TRIGGERS = (BY_OFFICER, BY_RULE, BY_AUTHORIZATION)
TRIGGER_LABELS = {BY_OFFICER: "首席服务员提请", BY_RULE: "规则要求集体决策",
                  BY_AUTHORIZATION: "超出授权范围"}

APPROVE, REJECT, ABSTAIN = "approve", "reject", "abstain"
CHOICES = (APPROVE, REJECT, ABSTAIN)
DECISIONS = (APPROVE, REJECT)
CHOICE_LABELS = {APPROVE: "同意", REJECT: "不同意", ABSTAIN: "弃权"}

VOTING, DECIDED = "voting", "decided"
MAJORITY, CHAIR_DECIDED = "majority", "chair"  # how the decision was reached
DECIDED_BY_LABELS = {MAJORITY: "过半数成员表决一致", CHAIR_DECIDED: "主任裁决"}

PENDING, VOTED, MISSED, CANCELLED = "pending", "voted", "missed", "cancelled"
VOTE_STATE_LABELS = {PENDING: "待表决", VOTED: "已表决", MISSED: "逾期未表决",
                     CANCELLED: "已形成多数意见，未再表决"}


class CommitteeReview(db.Model):
    __tablename__ = "committee_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    trigger: Mapped[str] = mapped_column(sa.String(16))
    reason: Mapped[str] = mapped_column(sa.Text, default="")  # 提请理由 (written, or the rule's)
    proposed_decision: Mapped[str] = mapped_column(sa.String(16))  # the officer's proposal
    proposal: Mapped[str] = mapped_column(sa.Text, default="")  # 审批意见建议
    review_opinion: Mapped[str] = mapped_column(sa.Text, default="")  # the window's review
    materials: Mapped[list] = mapped_column(default=list)  # material codes received
    submitted_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    vote_deadline_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(sa.String(16), default=VOTING)
    decision: Mapped[str | None] = mapped_column(sa.String(16))  # approve / reject
    decided_how: Mapped[str | None] = mapped_column(sa.String(16))  # majority / chair
    decided_at: Mapped[datetime | None]
    chair_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))  # who ruled
    chair_reason: Mapped[str] = mapped_column(sa.Text, default="")
    tally: Mapped[dict] = mapped_column(default=dict)  # {approve: n, reject: n, abstain: n}
    votes: Mapped[list[CommitteeVote]] = relationship(
        back_populates="review", lazy="selectin", cascade="all, delete-orphan",
        order_by="CommitteeVote.seat")

    @property
    def member_count(self) -> int:
        return len(self.votes)


class CommitteeVote(db.Model):
    __tablename__ = "committee_vote"
    __table_args__ = (sa.UniqueConstraint("review_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(
        sa.ForeignKey("committee_review.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    position: Mapped[str] = mapped_column(sa.String(24))
    seat: Mapped[int] = mapped_column(default=0)  # order of the seats: chair first
    state: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    choice: Mapped[str | None] = mapped_column(sa.String(16))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    voted_at: Mapped[datetime | None]
    review: Mapped[CommitteeReview] = relationship(back_populates="votes")
    member: Mapped[User] = relationship(lazy="joined")
