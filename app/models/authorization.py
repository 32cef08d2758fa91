"""Authorization letters (授权书): what a department lets its chief representative decide.

A letter is never edited: it is revoked, replaced by a new one (personnel change), or renewed
for the next term (续期, the old one in force to its end), and the old one stays on record.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow

# Powers over one item (seed 003: 受理决定权、审核审批权、协调处置权、制证权、投递权、应诉代理权).
ACCEPTANCE = "acceptance"  # 受理决定权
APPROVAL = "approval"  # 审核审批权 / 直接审批权 (final decision at the window)
COORDINATION = "coordination"  # 协调处置权 / 协调催办权
CERTIFICATE = "certificate"  # 制证权
DELIVERY = "delivery"  # 办理结果投递权
LITIGATION = "litigation"  # 应诉代理权
ITEM_POWERS = (ACCEPTANCE, APPROVAL, COORDINATION, CERTIFICATE, DELIVERY, LITIGATION)

LIAISON = "liaison"  # 与中心联络协调、参与联办和协调督办 (joint cases go to the chief)
# Powers over the window itself (seed 000 三、职责权限).
MANAGEMENT_POWERS = (
    "staff_management",  # 进驻人员日常管理和考核
    "approval_seal",  # 行政审批专用章的使用和管理
    LIAISON,
    "collective_proposal",  # 集体决策事项的审批办理建议权
)

ACTIVE, REVOKED, REPLACED = "active", "revoked", "replaced"


class AuthorizationLetter(db.Model):
    __tablename__ = "authorization_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(64), unique=True)  # 文号
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    grantee_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(120))  # 授权人 (legal representative)
    issued_on: Mapped[date]
    filed_on: Mapped[date]  # 报中心备案
    valid_from: Mapped[date]
    valid_until: Mapped[date]
    management_powers: Mapped[list] = mapped_column(default=list)
    responsibilities: Mapped[str] = mapped_column(sa.Text, default="")  # 责任
    status: Mapped[str] = mapped_column(sa.String(16), default=ACTIVE)
    ended_at: Mapped[datetime | None]  # revoked or replaced
    ended_on: Mapped[date | None]  # that moment's local date: no longer valid from this day
    ended_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    end_reason: Mapped[str] = mapped_column(sa.Text, default="")
    replaced_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorization_letter.id"))
    # The letter for the next term (续期): this one stays in force to its end, that one from
    # the day after. Set once, so a letter is renewed at most once.
    renewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorization_letter.id"))
    # 领导小组 (seed 001 arts. 10-12): the leading group's recorded consent to a one-stop
    # officer's item list; until it is given, the letter's powers hold but no item is one-stop.
    group_consent_on: Mapped[date | None]
    group_consent_ref: Mapped[str] = mapped_column(sa.String(80), default="")  # 会议纪要文号
    group_consent_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # When the 30-day expiry warning went out (one sweep sends it, later ones see this).
    expiry_warned_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    items: Mapped[list[LetterItem]] = relationship(
        back_populates="letter", lazy="selectin", cascade="all, delete-orphan",
        order_by="LetterItem.item_code")

    def valid_on(self, day: date) -> bool:
        ended = self.ended_on is not None and self.ended_on <= day
        return self.valid_from <= day <= self.valid_until and not ended

    def powers_for(self, item_code: str) -> set[str]:
        return next((set(i.powers) for i in self.items if i.item_code == item_code), set())


class LetterItem(db.Model):
    """The powers a letter grants over one item (by implementation code, any version)."""

    __tablename__ = "letter_item"
    __table_args__ = (sa.UniqueConstraint("letter_id", "item_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    letter_id: Mapped[int] = mapped_column(
        sa.ForeignKey("authorization_letter.id", ondelete="CASCADE"))
    item_code: Mapped[str] = mapped_column(sa.String(64), index=True)
    powers: Mapped[list] = mapped_column(default=list)
    letter: Mapped[AuthorizationLetter] = relationship(back_populates="items")
