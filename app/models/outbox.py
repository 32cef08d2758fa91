"""Outgoing notifications, written in the same transaction as the step that caused them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

IN_APP = "in_app"
EMAIL = "email"
SMS = "sms"
# A task's pool (role, department) told as one row: delivering it e-mails each holder who
# has an address, so a step writes one row whatever the size of the pool.
POOL = "pool"
CHANNELS = (IN_APP, EMAIL, SMS, POOL)

PENDING = "pending"
SENDING = "sending"  # claimed by one worker (committed) while it talks to the gateway
SENT = "sent"
DEAD = "dead"  # retries exhausted; an administrator can requeue it


class Notification(db.Model):
    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_due", "status", "next_attempt_at"),
                      sa.Index("ix_notification_sent_at", "sent_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    channel: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(40))  # accepted, missing_materials, overdue, ...
    recipient_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    recipient_address: Mapped[str | None] = mapped_column(sa.String(200))  # e-mail or phone
    recipient_role: Mapped[str | None] = mapped_column(sa.String(40))  # a pool's role
    recipient_department_id: Mapped[int | None]  # and department (none: center-wide)
    task_id: Mapped[str | None] = mapped_column(sa.String(36))  # the pool's task
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    instance_id: Mapped[int | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
