"""The documents (文书) a case's competent department issues, under its own name and numbers.

A licensing decision is the department's, not the center's: each document carries the
department's name, its 行政审批专用章 and a number of the department's own sequence per
document type and year (〔2026〕12号), fixed the moment the document is issued.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.attachment import StoredFile
from app.models.base import db, utcnow


class DocumentCounter(db.Model):
    """A department's last number of one document type in one year."""

    __tablename__ = "document_counter"

    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), primary_key=True)
    series: Mapped[str] = mapped_column(sa.String(16), primary_key=True)  # 受, 不受, 补告, …
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class CenterCounter(db.Model):
    """The center's own last number of one document series in one year (效能通报〔2026〕3号)."""

    __tablename__ = "center_counter"

    series: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last: Mapped[int] = mapped_column(default=0)


class IssuedDocument(db.Model):
    """One document of a case as issued: by whom, with which number, when."""

    __tablename__ = "issued_document"
    __table_args__ = (sa.UniqueConstraint("instance_id", "kind", name="uq_issued_document_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    # The notice kind (app.services.cases.notices), a 补正 round's "supplement-<n>" or a clock
    # event's "extension-<id>" / "pause-<id>".
    kind: Mapped[str] = mapped_column(sa.String(40))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    number: Mapped[str] = mapped_column(sa.String(80), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)


class DepartmentSeal(StoredFile, db.Model):
    """The image of a department's 行政审批专用章, printed over the signature of its documents."""

    __tablename__ = "department_seal"

    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), primary_key=True)
