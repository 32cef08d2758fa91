"""Idempotency keys a client sent with a start (IETF draft-ietf-httpapi-idempotency-key-header):
the same key from the same caller answers with what the first request started."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow


class IdempotentRequest(db.Model):
    __tablename__ = "idempotent_request"
    # One key per caller: the unique index is what makes two requests racing with the same
    # key start one instance (the second waits for the first's commit, then replays it).
    __table_args__ = (sa.UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    key: Mapped[str] = mapped_column(sa.String(255))
    # sha256 of the operation and its body: the same key with another request is refused
    fingerprint: Mapped[str] = mapped_column(sa.String(64))
    instance_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("process_instance.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
