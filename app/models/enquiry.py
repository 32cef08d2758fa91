"""首问负责制 (seed 004): the enquiries a window answers, and the applicants it refers on.

The staff member first asked is the one responsible (首问责任人): they answer what is theirs
and guide the applicant to the window that handles the rest; each enquiry is logged."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow
from app.models.identity import Department, User

ANSWERED, REFERRED = "answered", "referred"
OUTCOME_LABELS = {ANSWERED: "当场解答", REFERRED: "引导至承办窗口"}


class Enquiry(db.Model):  # 咨询登记
    __tablename__ = "enquiry"

    id: Mapped[int] = mapped_column(primary_key=True)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    first_receiver_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    visitor_name: Mapped[str] = mapped_column(sa.String(100), default="")
    visitor_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    question: Mapped[str] = mapped_column(sa.Text)
    outcome: Mapped[str] = mapped_column(sa.String(16))
    answer: Mapped[str] = mapped_column(sa.Text, default="")  # what the applicant was told
    referred_to: Mapped[str] = mapped_column(sa.String(200), default="")  # window or unit
    first_receiver: Mapped[User] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
