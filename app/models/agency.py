"""全程代办 (seed 002 art. 41, seed 004): an investment or major project that the center's
代办员 takes across several items and departments on the applicant's mandate (委托书)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.attachment import StoredFile
from app.models.base import db, utcnow
from app.models.case import Case
from app.models.catalog import Item
from app.models.identity import User

MAJOR, INVESTMENT, ORDINARY = "major", "investment", "ordinary"
KIND_LABELS = {MAJOR: "重大项目", INVESTMENT: "招商引资项目", ORDINARY: "一般项目"}
# Seed 004: 重大工程及招商引资工程 within 30 working days; their cases are major projects.
LIMITED_KINDS = (MAJOR, INVESTMENT)

ACTIVE, CONCLUDED, TERMINATED = "active", "concluded", "terminated"
STATUS_LABELS = {ACTIVE: "代办中", CONCLUDED: "已办结", TERMINATED: "已终止"}

# Reminders (催办): the agent's own, and the sweep's, sent once each.
MANUAL = "manual"
CASE_NEAR_DEADLINE, PROJECT_NEAR_LIMIT = "case_near_deadline", "project_near_limit"


class AgencyProject(db.Model):  # 代办项目
    __tablename__ = "agency_project"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(16))  # KIND_LABELS
    status: Mapped[str] = mapped_column(sa.String(16), default=ACTIVE)  # STATUS_LABELS
    # The investor or applicant (投资方/申请人): personal data, shown to allowed staff only.
    applicant_name: Mapped[str] = mapped_column(sa.String(200))
    applicant_contact: Mapped[str] = mapped_column(sa.String(100), default="")
    applicant_id_number: Mapped[str] = mapped_column(sa.String(40), default="")
    agent_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)  # 代办员
    # The limit counts from here (the day the center took the project on).
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None]
    # 委托书: when the applicant signed it and which items it entrusts (item codes).
    mandate_signed_on: Mapped[date]
    mandate_scope: Mapped[list] = mapped_column(default=list)
    agent: Mapped[User] = relationship(foreign_keys=[agent_id], lazy="joined")
    items: Mapped[list[AgencyProjectItem]] = relationship(
        back_populates="project", lazy="selectin", order_by="AgencyProjectItem.id")

    @property
    def limited(self) -> bool:
        return self.kind in LIMITED_KINDS


class AgencyProjectItem(db.Model):  # 代办事项: one item of the project and its case
    __tablename__ = "agency_project_item"
    __table_args__ = (sa.UniqueConstraint("case_id", name="uq_agency_project_item_case"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("agency_project.id"), index=True)
    item_code: Mapped[str] = mapped_column(sa.String(64))
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_case.id"))
    added_at: Mapped[datetime] = mapped_column(default=utcnow)
    project: Mapped[AgencyProject] = relationship(back_populates="items")
    case: Mapped[Case | None] = relationship(lazy="joined")

    @property
    def item(self) -> Item | None:
        return self.case.item if self.case is not None else None


class AgencyMandate(StoredFile, db.Model):  # 委托书扫描件
    __tablename__ = "agency_mandate"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("agency_project.id"), index=True)


class AgencyReminder(db.Model):  # 催办
    """A reminder sent on a project; an automatic one carries a key and is sent only once."""

    __tablename__ = "agency_reminder"
    __table_args__ = (sa.UniqueConstraint("project_id", "once_key",
                                          name="uq_agency_reminder_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("agency_project.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_case.id"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    once_key: Mapped[str | None] = mapped_column(sa.String(40))  # None: the agent's own
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recipients: Mapped[int] = mapped_column(default=0)
