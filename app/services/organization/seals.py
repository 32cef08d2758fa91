"""A department's 行政审批专用章: the image its documents print over its name and date.
Administrators upload it (PNG or JPEG, at most MAX_SEAL_BYTES) and may remove it; audited."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.models import DepartmentSeal, db
from app.services import organization
from app.services.workflow import attachments, audit, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput, NotFound
from app.services.workflow.transactions import begin_write

SEAL_TYPES = ("image/png", "image/jpeg")
MAX_SEAL_BYTES = 512 * 1024


def put(department_id: int, upload: attachments.Upload, actor: Actor) -> DepartmentSeal:
    permissions.require_admin(actor)
    department = organization.get_department(department_id)
    filename, data, content_type = attachments.read_upload(upload)
    if content_type not in SEAL_TYPES:
        raise InvalidInput("a seal is a PNG or JPEG image", code="seal_not_image",
                           errors=[{"field": "file", "message": "PNG or JPEG"}])
    if len(data) > MAX_SEAL_BYTES:
        raise InvalidInput(f"a seal image may have at most {MAX_SEAL_BYTES} bytes",
                           code="seal_too_large",
                           errors=[{"field": "file", "message": "at most 512 KB"}])
    begin_write()
    row = db.session.get(DepartmentSeal, department.id)
    replaced = row is not None
    if row is None:
        row = DepartmentSeal(department_id=department.id)
        db.session.add(row)
    row.store(filename, content_type, data, actor.user_id)
    audit.record(actor, "department.seal_replaced" if replaced else "department.seal_added",
                 department_id=department.id, filename=filename, sha256=row.sha256)
    db.session.commit()
    return row


def remove(department_id: int, actor: Actor) -> None:
    permissions.require_admin(actor)
    begin_write()
    row = db.session.get(DepartmentSeal, department_id)
    if row is None:
        raise NotFound(f"department {department_id} has no seal", code="seal_not_found",
                       message=_l("该部门尚未上传印章。"))
    audit.record(actor, "department.seal_removed", department_id=department_id,
                 sha256=row.sha256)
    db.session.delete(row)
    db.session.commit()
