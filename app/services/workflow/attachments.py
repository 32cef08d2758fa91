"""Attachments (附件) of a case: checked, size-capped uploads, seen only by those who work the
case (anyone who may see one of its open tasks) and center administrators; audited."""
from __future__ import annotations

import re
from typing import BinaryIO, Protocol

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.models import Attachment, HumanTask, User, db
from app.models.task import OPEN
from app.services.workflow import assignment, audit, execution
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden, InvalidInput, NotFound, ServiceError

MAX_FILE_BYTES = 10 * 1024 * 1024  # per file; the whole request is capped by MAX_CONTENT_LENGTH

ZIP, OLE2 = b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OFD/OOXML, legacy Office
# Extension -> (the content type we serve it with, the magic bytes it must start with).
ALLOWED_TYPES: dict[str, tuple[str, bytes]] = {
    "pdf": ("application/pdf", b"%PDF-"),
    "jpg": ("image/jpeg", b"\xff\xd8\xff"),
    "jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    "png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    "ofd": ("application/ofd", ZIP),
    "doc": ("application/msword", OLE2),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    "xls": ("application/vnd.ms-excel", OLE2),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ZIP),
}


class FileTooLarge(ServiceError):
    status, code, title = 413, "file_too_large", "File too large"


class Upload(Protocol):
    """What werkzeug's FileStorage offers."""

    filename: str | None
    stream: BinaryIO


def add(instance_id: int, upload: Upload, actor: Actor, task_id: str | None = None) -> Attachment:
    _require_access(instance_id, actor.user)
    if task_id is not None and db.session.scalar(sa.select(HumanTask.id).where(
            HumanTask.id == task_id[:36], HumanTask.instance_id == instance_id)) != task_id:
        raise InvalidInput(f"task {task_id[:40]} is not a task of instance {instance_id}",
                           field="taskId", code="not_a_task_of_instance")
    filename, data, content_type = read_upload(upload)
    attachment = Attachment(instance_id=instance_id, task_id=task_id)
    attachment.store(filename, content_type, data, actor.user_id)
    db.session.add(attachment)
    audit.record(actor, "attachment.added", instance_id=instance_id, task_id=task_id,
                 filename=filename, sha256=attachment.sha256, size=len(data))
    db.session.commit()
    return attachment


def listing(instance_id: int, user: User) -> list[Attachment]:
    _require_access(instance_id, user)
    return list(db.session.scalars(sa.select(Attachment)
                                   .where(Attachment.instance_id == instance_id)
                                   .order_by(Attachment.uploaded_at, Attachment.id)))


def get(attachment_id: int, user: User) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(f"attachment {attachment_id} does not exist", code="attachment_not_found")
    _require_access(attachment.instance_id, user)
    return attachment


def _require_access(instance_id: int, user: User | None) -> None:
    execution.get_instance(instance_id)  # 404 for an instance that does not exist
    if user is not None and (user.is_admin or any(
            assignment.can_see(user, task) for task in _open_tasks(instance_id))):
        return
    raise Forbidden(f"you do not work on process instance {instance_id}", code="not_your_case")


def _open_tasks(instance_id: int) -> list[HumanTask]:
    return list(db.session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == OPEN)))


def read_upload(upload: Upload) -> tuple[str, bytes, str]:
    """An upload's clean name, its content (size-capped) and its checked content type."""
    filename = clean_filename(upload.filename or "")
    data = read_capped(upload.stream)
    return filename, data, checked_type(filename, data)


def read_capped(stream: BinaryIO) -> bytes:
    limit = min(MAX_FILE_BYTES, current_app.config.get("MAX_CONTENT_LENGTH") or MAX_FILE_BYTES)
    data = stream.read(limit + 1)  # one byte more tells "too large" without reading it all
    if len(data) > limit:
        raise FileTooLarge(f"an attachment may have at most {limit} bytes", limit=limit,
                           message=_l("文件过大：单个文件不能超过 %(size)s。",
                                      size=_size_text(limit)))
    if not data:
        raise InvalidInput("the file is empty", code="file_empty",
                           errors=[{"field": "file", "message": "empty file"}])
    return data


def _size_text(size: int) -> str:
    return f"{size // 1024} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:g} MB"


def checked_type(filename: str, data: bytes) -> str:
    """The content type for an allowed extension whose content looks like it; the client's
    declared type is ignored, it is whatever the browser guessed."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension not in ALLOWED_TYPES:
        raise InvalidInput(f"files of type '.{extension}' cannot be attached",
                           code="file_type_not_allowed",
                           message=_l("不允许上传 .%(extension)s 类型的文件。", extension=extension),
                           errors=[{"field": "file", "message": "allowed: "
                                    + ", ".join(sorted(ALLOWED_TYPES))}])
    content_type, magic = ALLOWED_TYPES[extension]
    if not data.startswith(magic):
        raise InvalidInput(f"the content of {filename} is not a .{extension} file",
                           code="file_content_mismatch",
                           errors=[{"field": "file", "message": "content does not match"}])
    return content_type


def clean_filename(filename: str) -> str:
    """The name without any path or control characters; Chinese names are kept as they are
    (werkzeug's secure_filename would strip them to nothing)."""
    name = re.split(r"[\\/]", filename)[-1]
    name = re.sub(r"[\x00-\x1f\x7f\"]", "", name).strip().lstrip(".")
    if not name:
        raise InvalidInput("the file has no name", code="file_unnamed",
                           errors=[{"field": "file", "message": "missing file name"}])
    return name[-255:]
