"""容缺受理 and 告知承诺制: acceptance on the applicant's written commitment (承诺书).

容缺受理: a case whose only missing materials are ones the catalog marks 可容缺 is accepted;
the applicant promises to bring them by a supplement deadline, and the result is held until
they come (terminated if they never do). 告知承诺制: an item decided on the applicant's
commitment; the department checks it afterwards (核查), and a false one revokes the decision.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

TRUE, FALSE = "true", "false"  # 属实, 承诺不实
CHECK_OUTCOME_LABELS = {TRUE: "属实", FALSE: "承诺不实"}


class LenientAcceptance(db.Model):  # 容缺受理 of one case
    __tablename__ = "lenient_acceptance"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("service_case.id"), primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), unique=True)
    deferred: Mapped[list] = mapped_column(default=list)  # material codes, from the catalog
    committed_at: Mapped[datetime] = mapped_column(default=utcnow)  # 容缺受理承诺书 signed
    accepted_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    supplement_days: Mapped[int]  # working days from acceptance
    supplement_due_at: Mapped[datetime] = mapped_column(index=True)  # 容缺补正期限
    remind_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]  # every deferred material brought
    received_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    terminated_at: Mapped[datetime | None]  # not brought in time: the case ended

    @property
    def pending(self) -> bool:
        return self.received_at is None and self.terminated_at is None


class CommitmentCheck(db.Model):  # 告知承诺 核查 of one approved case
    __tablename__ = "commitment_check"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("service_case.id"), primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), unique=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime] = mapped_column(index=True)
    outcome: Mapped[str | None] = mapped_column(sa.String(16))  # CHECK_OUTCOME_LABELS
    findings: Mapped[str] = mapped_column(sa.Text, default="")
    checked_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    checked_at: Mapped[datetime | None]
    overdue_told_at: Mapped[datetime | None]  # the department told the check is overdue
