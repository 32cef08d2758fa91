"""The item catalog (事项目录): what the center handles, in how many working days.

Items are versioned: an edit adds a new row with the same code and the next version and
marks the previous one superseded, so a case keeps the version it was accepted under.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.attachment import StoredFile
from app.models.base import db, utcnow
from app.models.identity import Department

INSTANT = "instant"  # 即办件
PROMISE = "promise"  # 承诺件
JOINT = "joint"  # 联办件
REPORT = "report"  # 上报件
ITEM_KINDS = (INSTANT, PROMISE, JOINT, REPORT)

LICENSING = "licensing"  # 行政许可
PUBLIC_SERVICE = "public_service"  # 公共服务
OTHER_POWER = "other"  # 其他行政权力
ITEM_CATEGORIES = (LICENSING, PUBLIC_SERVICE, OTHER_POWER)

APPROVAL_LEVELS = ("county", "city", "province")  # 审批层级

# Seed 004: a department decides its items within 2 working days of acceptance, unless the
# item needs one of these (then its promised time limit is the only one).
LONG_DECISION_REASONS = {
    "site_survey": "现场踏勘", "expert_review": "专家论证", "prior_approval": "前置审批",
    "higher_level": "上报上级", "special": "特殊事项",
}


SAMPLE_FORM_KINDS = ("blank", "sample")  # 空白表格, 示范文本 (行政许可法 art. 30)


class Item(db.Model):  # 事项 (one version of it)
    __tablename__ = "item"
    __table_args__ = (
        sa.UniqueConstraint("code", "version", name="uq_item_code_version"),
        sa.Index("uq_item_current_code", "code", unique=True,
                 sqlite_where=sa.text("superseded_at IS NULL"),
                 postgresql_where=sa.text("superseded_at IS NULL")),
        sa.CheckConstraint("promised_days <= legal_days", name="promised_within_legal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), index=True)  # 实施编码
    version: Mapped[int] = mapped_column(default=1)
    basic_code: Mapped[str] = mapped_column(sa.String(64))  # 基本编码
    name: Mapped[str] = mapped_column(sa.String(200))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(16), default=LICENSING)  # 事项类型
    service_object: Mapped[str] = mapped_column(sa.String(64), default="")  # 服务对象
    legal_days: Mapped[Decimal]  # 法定时限 (working days)
    promised_days: Mapped[Decimal]  # 承诺时限 (working days, 0.5 steps)
    overdue_default: Mapped[bool] = mapped_column(default=False)  # 超时默认
    absent_default: Mapped[bool] = mapped_column(default=False)  # 缺席默认 (joint items)
    joint_departments: Mapped[list] = mapped_column(default=list)  # department codes
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")  # 设定依据
    acceptance_conditions: Mapped[str] = mapped_column(sa.Text, default="")  # 受理条件
    # [{code, name, required, deferrable (容缺), copies}]
    materials: Mapped[list] = mapped_column(default=list)
    fee: Mapped[str] = mapped_column(sa.String(200), default="不收费")  # 收费标准
    fee_basis: Mapped[str] = mapped_column(sa.Text, default="", server_default="")  # 收费依据
    # The 收费标准 as a number the window can assess (元, two decimals): a fixed fee per case,
    # or with fee_unit (计费单位: 份, 平方米…) the rate per unit; None: the text alone states it.
    fee_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    fee_unit: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    # Why the department may take longer than 2 working days (LONG_DECISION_REASONS), or "".
    long_decision_reason: Mapped[str] = mapped_column(sa.String(32), default="")
    # 补正 after acceptance stops the clock (case codes 6/7), where the item's law says so.
    correction_pauses: Mapped[bool] = mapped_column(default=False)
    # 告知承诺制: decided on the applicant's commitment, checked afterwards (核查)
    commitment_system: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    approval_level: Mapped[str] = mapped_column(sa.String(16), default="county")
    # 电子证照's validity in years from its issue; 0 is 长期有效 (long-term).
    licence_validity_years: Mapped[int] = mapped_column(default=0, server_default="0")
    process_key: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    superseded_at: Mapped[datetime | None]  # a newer version replaced this one
    department: Mapped[Department] = relationship(lazy="joined")

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def as_process_variables(self) -> dict:
        """What a process needs to know of its item, in plain JSON types."""
        return {
            "item_code": self.code,
            "item_version": self.version,
            "item_name": self.name,
            "item_kind": self.kind,
            "department_id": self.department_id,
            "department_name": self.department.name,
            "promised_days": float(self.promised_days),
            "legal_days": float(self.legal_days),
            "overdue_default": self.overdue_default,
            "long_decision_reason": self.long_decision_reason or "",
            "absent_default": self.absent_default,
            "joint_departments": list(self.joint_departments),
            "required_materials": [m["code"] for m in self.materials if m.get("required")],
            "deferrable_materials": [m["code"] for m in self.materials if m.get("deferrable")],
        }


class SampleForm(StoredFile, db.Model):
    """A material's blank form (空白表格) or filled-in sample (示范文本), published with the
    guide. Kept by item code and material code, not by version: a revision of the item keeps
    its forms, shown for as long as the version in force lists the material."""

    __tablename__ = "item_sample_form"
    __table_args__ = (sa.UniqueConstraint("item_code", "material_code", "kind",
                                          name="uq_item_sample_form_material_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_code: Mapped[str] = mapped_column(sa.String(64), index=True)
    material_code: Mapped[str] = mapped_column(sa.String(64))
    kind: Mapped[str] = mapped_column(sa.String(16))  # SAMPLE_FORM_KINDS
