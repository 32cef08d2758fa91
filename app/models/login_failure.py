"""Failed sign-ins, kept in the database so that throttling holds across every web process."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow


class LoginFailure(db.Model):
    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_address", "remote_addr", "at"),
                      sa.Index("ix_login_failure_username", "username", "remote_addr", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64))  # as typed (it may not exist)
    remote_addr: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
