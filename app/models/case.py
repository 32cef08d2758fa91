"""The case (办件): one application by one applicant for one item."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow
from app.models.catalog import Item

# National case-status codes (国标_事项办理状态), see docs in the domain reference.
STATUS_NAMES = {
    1: "已接件", 2: "已撤件", 3: "窗口受理", 4: "不受理", 5: "不予受理",
    6: "补正（开始）", 7: "补正（结束）", 8: "部门受理", 9: "特别程序（开始）",
    10: "特别程序（结束）", 11: "办结（通过）", 12: "办结（容缺通过）", 13: "办结（不通过）",
    14: "撤回", 15: "撤销",
}
# Where a case ends (撤件, 不受理, 不予受理, 办结, 撤回, 撤销): every other status is work in hand.
ENDED_STATUSES = (2, 4, 5, 11, 12, 13, 14, 15)

# Flags the time limits raise on a case (行政许可法 art. 32, seed 004); each is a Boolean
# column of the same name, and these are the names the pages and notices show.
CASE_FLAGS = {
    "auto_accepted": "逾期自动受理",  # art. 32: not answered within 5 working days
    "decision_limit_exceeded": "超过部门审批时限",  # seed 004: 2 (major projects 30) WD
    "spot_not_decided": "即办件未当日办结",
    "overdue": "已逾期",
    # 法定时限 (art. 42), lawful extensions and pauses counted, passed before a decision
    "statutory_limit_exceeded": "超过法定时限",
}


# An index only PostgreSQL has (its operator classes and functions): not built on SQLite, and
# not compared with a SQLite schema (app.migrate.include_object).
POSTGRESQL_ONLY = {"dialect": "postgresql"}
# Open cases a time limit flagged (逾期自动受理, past the department's limit, 即办件 not decided
# on the day): the terms of ix_service_case_flagged, which the dashboard's count repeats.
FLAGGED_OPEN = ("concluded_at IS NULL AND (auto_accepted OR decision_limit_exceeded "
                "OR spot_not_decided)")
# Open cases sent a 预警: the terms of ix_service_case_warned_open (已预警未办结).
WARNED_OPEN = "warned_at IS NOT NULL AND concluded_at IS NULL"


class Case(db.Model):
    __tablename__ = "service_case"
    __table_args__ = (
        # 办件查询 lists the newest first: read in index order, stopping at a page.
        sa.Index("ix_service_case_received", "received_at", "id"),
        # The dashboard's counts by status and of overdue cases, from the index alone.
        sa.Index("ix_service_case_status", "status_code"),
        sa.Index("ix_service_case_overdue", "id", sqlite_where=sa.text("overdue"),
                 postgresql_where=sa.text("overdue")),
        # The dashboard's open cases a time limit flagged (its query spells the same terms).
        sa.Index("ix_service_case_flagged", "id",
                 sqlite_where=sa.text(FLAGGED_OPEN), postgresql_where=sa.text(FLAGGED_OPEN)),
        sa.Index("ix_service_case_warned_open", "id",
                 sqlite_where=sa.text(WARNED_OPEN), postgresql_where=sa.text(WARNED_OPEN)),
        # 办件查询 on PostgreSQL (app/services/cases/search.py says which serves which query):
        # a case number by its first characters, whatever the database's collation ...
        sa.Index("ix_service_case_case_no_prefix", "case_no",
                 postgresql_ops={"case_no": "varchar_pattern_ops"},
                 info=POSTGRESQL_ONLY).ddl_if(dialect="postgresql"),
        # ... and a part of the applicant's name of 3 characters or more (pg_trgm).
        sa.Index("ix_service_case_applicant_trgm", "applicant_name", postgresql_using="gin",
                 postgresql_ops={"applicant_name": "gin_trgm_ops"},
                 info=POSTGRESQL_ONLY).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_no: Mapped[str | None] = mapped_column(sa.String(40), unique=True)  # 办件编号, at 受理
    # 查询码, set with the case number and printed beside it: the applicant's public lookup key.
    query_code: Mapped[str | None] = mapped_column(sa.String(16))
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), unique=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    applicant_name: Mapped[str] = mapped_column(sa.String(200))
    applicant_contact: Mapped[dict] = mapped_column(default=dict)  # phone, email, user_id
    # What a clerk finds the case again by (办件查询); the phone is also in applicant_contact.
    applicant_id_number: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    applicant_phone: Mapped[str | None] = mapped_column(sa.String(40), index=True)
    status_code: Mapped[int] = mapped_column(default=1)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    received_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    first_receiver_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))  # 首问
    # Indexed for the monthly assessment's range scans (月度效能考评).
    accepted_at: Mapped[datetime | None] = mapped_column(index=True)
    deadline_at: Mapped[datetime | None]
    concluded_at: Mapped[datetime | None] = mapped_column(index=True)
    decision: Mapped[str | None] = mapped_column(sa.String(32))  # approved / denied / deemed
    overdue: Mapped[bool] = mapped_column(default=False)
    warned_at: Mapped[datetime | None]  # the last 预警, one working day before the deadline
    responsible_unit: Mapped[str | None] = mapped_column(sa.String(120))  # who bears 超时默认
    # 重大项目及招商引资项目 (seed 004), chosen by the window at intake and only there.
    major_project: Mapped[bool] = mapped_column(default=False)
    auto_accepted: Mapped[bool] = mapped_column(default=False)  # 逾期自动受理 (art. 32)
    decision_limit_at: Mapped[datetime | None]  # the department's own limit (seed 004)
    decision_limit_exceeded: Mapped[bool] = mapped_column(default=False)
    spot_not_decided: Mapped[bool] = mapped_column(default=False)  # 即办件 not decided that day
    statutory_limit_exceeded: Mapped[bool] = mapped_column(default=False)  # 超过法定时限
    supplements: Mapped[list] = mapped_column(default=list)  # 补正 rounds: started/ended/missing
    history: Mapped[list] = mapped_column(default=list)  # [{code, at, note}]
    item: Mapped[Item] = relationship(lazy="joined")

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status_code, str(self.status_code))

    def material_names(self, codes: list) -> list[str]:
        """The names of the item's materials with these codes, in the order given."""
        names = {m["code"]: m["name"] for m in self.item.materials}
        return [names.get(code, code) for code in codes]

    @property
    def visits(self) -> int:
        """The applicant's visits so far (两次办结 allows two): the application, then one for
        each 补正 round."""
        return 1 + len(self.supplements or [])

    @property
    def flags(self) -> list[str]:
        """The CASE_FLAGS raised on the case, in their order."""
        return [name for name in CASE_FLAGS if getattr(self, name)]


# The applicant's name as the set of its 1- and 2-character pieces ("王李四" -> 王, 李, 四, 王李,
# 李四): a SQL function the migration e1b7c3a9f5d2 creates on PostgreSQL, and a GIN index of
# it, which finds a name containing a 1- or 2-character text, where trigrams give nothing to
# look up (app/services/cases/search.py).
name_grams = sa.func.service_case_name_grams(Case.applicant_name,
                                             type_=postgresql.ARRAY(sa.Text))
sa.Index("ix_service_case_applicant_grams", name_grams, postgresql_using="gin",
         info=POSTGRESQL_ONLY).ddl_if(dialect="postgresql")


class CaseCounter(db.Model):
    """Per-center, per-day sequence behind case numbers."""

    __tablename__ = "case_counter"

    center_code: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    day: Mapped[str] = mapped_column(sa.String(8), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
