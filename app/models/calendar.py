"""The working-day calendar: one row per day and region (法定节假日 off, 调休 days on)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow


class CalendarDay(db.Model):
    __tablename__ = "calendar_day"

    region: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(100), default="")  # holiday name, 调休, ...
    source: Mapped[str] = mapped_column(sa.String(32), default="chinesecalendar")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
