"""The item catalog (事项目录): what the center handles, in how many working days."""
from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db
from app.models.identity import Department

INSTANT = "instant"  # 即办件
PROMISE = "promise"  # 承诺件
JOINT = "joint"  # 联办件
REPORT = "report"  # 上报件
ITEM_KINDS = (INSTANT, PROMISE, JOINT, REPORT)


class Item(db.Model):  # 事项
    __tablename__ = "item"
    __table_args__ = (
        sa.CheckConstraint("promised_days <= legal_days", name="promised_within_legal"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(64), unique=True)  # 实施编码
    basic_code: Mapped[str] = mapped_column(sa.String(64))  # 基本编码
    name: Mapped[str] = mapped_column(sa.String(200))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    legal_days: Mapped[Decimal]  # 法定时限 (working days)
    promised_days: Mapped[Decimal]  # 承诺时限 (working days, 0.5 steps)
    overdue_default: Mapped[bool] = mapped_column(default=False)  # 超时默认
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    materials: Mapped[list] = mapped_column(default=list)  # [{code, name, required}]
    process_key: Mapped[str] = mapped_column(sa.String(100))
    department: Mapped[Department] = relationship(lazy="joined")

    def as_process_variables(self) -> dict:
        """What a process needs to know of its item, in plain JSON types."""
        return {
            "item_code": self.code,
            "item_name": self.name,
            "item_kind": self.kind,
            "department_id": self.department_id,
            "department_name": self.department.name,
            "promised_days": float(self.promised_days),
            "legal_days": float(self.legal_days),
            "overdue_default": self.overdue_default,
            "required_materials": [m["code"] for m in self.materials if m.get("required")],
        }
