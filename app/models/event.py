"""Events other systems follow (一网通办 portals, 12345 hotlines): one row per change of a
case's status, written in the transaction of the step that changed it. The id is the cursor
a poller passes back (`GET /api/events?after=`); webhooks deliver the same rows."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

CASE_STATUS_CHANGED = "case.status_changed"
EVENT_TYPES = (CASE_STATUS_CHANGED,)


class CaseEvent(db.Model):
    __tablename__ = "case_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    type: Mapped[str] = mapped_column(sa.String(40))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    instance_id: Mapped[int] = mapped_column(index=True)
    case_no: Mapped[str | None] = mapped_column(sa.String(40))
    item_code: Mapped[str] = mapped_column(sa.String(32))
    department_code: Mapped[str] = mapped_column(sa.String(32), index=True)
    status_code: Mapped[int]
    note: Mapped[str] = mapped_column(sa.Text, default="")
