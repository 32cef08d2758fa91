"""Recording every state change in the append-only audit table."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import AuditEvent, db
from app.services.workflow.actor import Actor


def record(actor: Actor, action: str, *, instance_id: int | None = None,
           task_id: str | None = None, **detail) -> None:
    db.session.add(AuditEvent(actor_id=actor.user_id, actor=actor.name, action=action,
                              instance_id=instance_id, task_id=task_id, detail=detail,
                              remote_addr=actor.remote_addr))


def timeline(instance_id: int) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent)
                                   .where(AuditEvent.instance_id == instance_id)
                                   .order_by(AuditEvent.id)))
