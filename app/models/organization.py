"""Where people work: service centers, their windows, AB posts and absences."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow

PROVINCE, CITY, COUNTY = "province", "city", "county"  # 省 / 市 / 县
CENTER_LEVELS = (PROVINCE, CITY, COUNTY)

INDEPENDENT = "independent"  # 独立窗口: one department
COMPREHENSIVE = "comprehensive"  # 综合窗口: several departments
WINDOW_KINDS = (INDEPENDENT, COMPREHENSIVE)

ABSENCE_REASONS = ("leave", "training", "meeting", "sick", "other")  # 休假 培训 会议 病假 其他


class Center(db.Model):  # 政务服务中心
    __tablename__ = "center"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)  # 行政区划代码
    name: Mapped[str] = mapped_column(sa.String(120))
    level: Mapped[str] = mapped_column(sa.String(16))
    region: Mapped[str] = mapped_column(sa.String(120), default="")  # e.g. 云南省楚雄州姚安县
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(40), default="")  # 咨询电话
    complaint_phone: Mapped[str] = mapped_column(sa.String(40), default="")  # 监督投诉电话
    office_hours: Mapped[str] = mapped_column(sa.String(200), default="")
    # Named in every refusal's remedy rights (行政复议法 art. 24, 行政诉讼法 art. 18): the
    # government that reviews its departments' decisions, and the court of first instance.
    review_body: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    court: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("center.id"))


window_department = sa.Table(
    "window_department", db.Model.metadata,
    sa.Column("window_id", sa.ForeignKey("service_window.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("department_id", sa.ForeignKey("department.id"), primary_key=True),
)


class Window(db.Model):  # 窗口
    __tablename__ = "service_window"
    __table_args__ = (sa.UniqueConstraint("center_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_id: Mapped[int] = mapped_column(sa.ForeignKey("center.id"))
    code: Mapped[str] = mapped_column(sa.String(32))  # the number over the counter
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(16), default=INDEPENDENT)
    active: Mapped[bool] = mapped_column(default=True)
    departments: Mapped[list["Department"]] = relationship(  # noqa: F821
        secondary=window_department, lazy="selectin", order_by="Department.code")
    posts: Mapped[list[Post]] = relationship(back_populates="window", lazy="selectin",
                                             cascade="all, delete-orphan")


class Post(db.Model):
    """A window post held by an A and a B (AB岗): B covers when A is away."""

    __tablename__ = "window_post"
    __table_args__ = (sa.CheckConstraint("a_user_id <> b_user_id", name="a_and_b_differ"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    window_id: Mapped[int] = mapped_column(sa.ForeignKey("service_window.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    a_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    b_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    window: Mapped[Window] = relationship(back_populates="posts")


class Absence(db.Model):
    """A staff member away from their post, from one day to another (inclusive).

    For a chief representative the absence names a temporary deputy (临时代行) who acts with
    the representative's authorization meanwhile; the filing with the center is recorded.
    """

    __tablename__ = "absence"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    reason: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    deputy_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow)  # 报中心备案
    filed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # The center's consent (seed 004: 否则一律不准请假; seed 002 arts. 22 and 30): given
    # with the filing when the center files it, else later by an administrator. Days away
    # before it are 擅自离岗 (supervision.violation_sources).
    approved_at: Mapped[datetime | None]
    approved_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    ended_early_at: Mapped[datetime | None]  # came back before ends_on
    handed_over_at: Mapped[datetime | None]  # open tasks moved to the substitute
    returned_at: Mapped[datetime | None]  # and moved back

    def covers(self, day: date) -> bool:
        return self.ended_early_at is None and self.starts_on <= day <= self.ends_on

    @property
    def approved(self) -> bool:
        return self.approved_at is not None
