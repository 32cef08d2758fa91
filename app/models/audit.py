"""Append-only audit trail: who did what to which instance and task, when, from where."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow


class AuditEvent(db.Model):
    __tablename__ = "audit_event"
    # The dashboard's "warned and still open" reads one action's instances, not the trail.
    __table_args__ = (sa.Index("ix_audit_event_action_instance", "action", "instance_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    actor: Mapped[str] = mapped_column(sa.String(64))  # username or "system:<what>"
    action: Mapped[str] = mapped_column(sa.String(64))
    instance_id: Mapped[int | None] = mapped_column(index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36))
    detail: Mapped[dict] = mapped_column(default=dict)
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))


@sa.event.listens_for(AuditEvent, "before_update")
@sa.event.listens_for(AuditEvent, "before_delete")
def _refuse_changes(mapper, connection, target):
    raise RuntimeError("audit events are append-only")
