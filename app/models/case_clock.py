"""What stops or stretches a case's clock after acceptance (行政许可法 art. 42, 45).

One row per event: an extension (延期) requested and decided, or a pause (特别程序, or a
补正 where the item says so) started and ended. The deadlines themselves move through the
platform (rescheduling.move); a row says why, by how much, and who decided.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

EXTENSION, SPECIAL, CORRECTION = "extension", "special", "correction"
CLOCK_KINDS = (EXTENSION, SPECIAL, CORRECTION)
PAUSE_KINDS = (SPECIAL, CORRECTION)
# An extension is requested, then approved or refused; a pause runs, then ends.
REQUESTED, APPROVED, REFUSED, RUNNING, ENDED = "requested", "approved", "refused", "running", \
    "ended"


class CaseClockEvent(db.Model):
    __tablename__ = "case_clock_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    state: Mapped[str] = mapped_column(sa.String(16))
    # Extension: the working days asked for. Pause: the expected duration told the applicant.
    days: Mapped[int]
    procedure: Mapped[str] = mapped_column(sa.String(32), default="")  # 听证, 检验, … (pauses)
    reason: Mapped[str] = mapped_column(sa.Text)
    approver_role: Mapped[str] = mapped_column(sa.String(32), default="")  # who decides
    requested_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None]  # an extension's decision, a pause's end
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # Working days the case's deadlines were moved by this event so far: an approved
    # extension's days; a pause's expected days, held longer while it lasts, then its length.
    moved_days: Mapped[int] = mapped_column(default=0)
    notice_no: Mapped[str | None] = mapped_column(sa.String(40))  # the written notice's number
