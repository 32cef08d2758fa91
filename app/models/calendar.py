"""The working-day calendar: one row per day and region (法定节假日 off, 调休 days on), the
status of each year, and the deadlines counted on it."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

CONFIRMED = "confirmed"  # 已核定: the State Council's notice (from a library or entered)
PROVISIONAL = "provisional"  # 暂定: weekends and the statutory days computed by rule
YEAR_STATUSES = (CONFIRMED, PROVISIONAL)


class CalendarDay(db.Model):
    __tablename__ = "calendar_day"

    region: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(100), default="")  # holiday name, 调休, ...
    source: Mapped[str] = mapped_column(sa.String(32), default="chinesecalendar")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CalendarYear(db.Model):
    """Whether a year's days are the State Council's (confirmed) or computed by rule."""

    __tablename__ = "calendar_year"

    region: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(sa.String(16), default=PROVISIONAL)
    source: Mapped[str] = mapped_column(sa.String(32))  # chinesecalendar, rules, notice, ...
    document_no: Mapped[str] = mapped_column(sa.String(100), default="")  # 文号 of the notice
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WorkingDeadline(db.Model):
    """A moment an instance computed as `days` working days after `start_at`.

    Kept so that a change of the calendar can count it again, and the moment be moved
    wherever the instance holds it (its data, its waiting timers, the tables mirroring it)."""

    __tablename__ = "working_deadline"
    __table_args__ = (sa.UniqueConstraint("instance_id", "start_at", "days"),
                      sa.Index("ix_working_deadline_due", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(
        sa.ForeignKey("process_instance.id", ondelete="CASCADE"), index=True)
    start_at: Mapped[datetime]
    days: Mapped[Decimal]
    due_at: Mapped[datetime]
    provisional: Mapped[bool] = mapped_column(default=False)  # counted through a 暂定 year
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
