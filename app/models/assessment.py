"""The monthly assessment (月度效能考评, seed 004 section 四: 每月对效能建设进行一次考评): one
row per local month once it is frozen, holding every figure of every dimension as computed
at that moment, so that a later edit of a case does not change a month already reported.

A month is `draft` while it is computed live (the current month, or a past month the sweep
has not reached yet: such a month has no row), `frozen` once the sweep (or a supervisor's
recomputation) stored its figures, `published` once a supervisor released it to the units;
a published month never changes again.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db

DRAFT, FROZEN, PUBLISHED = "draft", "frozen", "published"
ASSESSMENT_STATES = (DRAFT, FROZEN, PUBLISHED)
STATE_LABELS = {DRAFT: "未冻结（实时）", FROZEN: "已冻结", PUBLISHED: "已发布"}


class AssessmentMonth(db.Model):  # 月度效能考评
    __tablename__ = "assessment_month"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), unique=True)  # 'YYYY-MM', local month
    state: Mapped[str] = mapped_column(sa.String(16), default=FROZEN)
    # The figures as the indicators computed them (shape: services/supervision/assessment).
    figures: Mapped[dict] = mapped_column(default=dict)
    frozen_at: Mapped[datetime]
    frozen_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))  # None: sweep
    recomputed: Mapped[int] = mapped_column(default=0)  # times a supervisor froze it again
    published_at: Mapped[datetime | None]
    published_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    bulletin_no: Mapped[str | None] = mapped_column(sa.String(40), unique=True)  # 通报 number
