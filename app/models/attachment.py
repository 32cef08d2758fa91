"""Files attached to a case (附件): scans of the applicant's materials, notices, photos."""
from __future__ import annotations

import hashlib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow


class StoredFile:
    """The columns of a file kept in the database after the attachment checks (type from the
    content, size cap, digest): a case's attachments and the catalog's sample forms."""

    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))  # ours, from the checked type
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    # Deferred: listing a case's attachments must not read every file into memory.
    data: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    # None for files that came with a message from another level (三级联动)
    uploaded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)

    def store(self, filename: str, content_type: str, data: bytes, uploaded_by: int | None) -> None:
        """Keep (or replace with) a checked file's content and what is known of it."""
        self.filename, self.content_type, self.size = filename, content_type, len(data)
        self.sha256, self.data = hashlib.sha256(data).hexdigest(), data
        self.uploaded_by, self.uploaded_at = uploaded_by, utcnow()


class Attachment(StoredFile, db.Model):
    __tablename__ = "attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str | None] = mapped_column(sa.String(36))  # the task it was added at
