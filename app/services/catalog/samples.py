"""Sample forms (示范文本) and blank forms (空白表格) of an item's materials, which 行政许可法
art. 30 requires to be published with the guide.

A form belongs to an item code and a material code, not to one version: revising the item
keeps its forms, and a form is offered for as long as the version in force lists its
material. Uploads are checked as case attachments are (app/services/workflow/attachments.py:
the same file types, content check and size cap); only center administrators upload or
remove them, and both are audited. Anyone may download the forms of an item in force.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.models import Item, SampleForm, db
from app.models.catalog import SAMPLE_FORM_KINDS
from app.services import catalog
from app.services.workflow import attachments, audit, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput, NotFound
from app.services.workflow.transactions import begin_write

KIND_LABELS = {"blank": "空白表格", "sample": "示范文本"}
ALLOWED_TYPES = attachments.ALLOWED_TYPES


@dataclass(frozen=True)
class FormFile:
    """What a page shows of a stored form (never its bytes)."""

    material_code: str
    kind: str
    filename: str
    content_type: str
    size: int
    uploaded_at: datetime


def _material_codes(item: Item) -> list[str]:
    return [m["code"] for m in item.materials]


def _require_material(item: Item, material_code: str) -> None:
    if material_code not in _material_codes(item):
        raise NotFound(f"item {item.code} has no material {material_code}",
                       code="material_not_found",
                       message=_l("该事项没有编码为 %(code)s 的申请材料。", code=material_code))


def _require_kind(kind: str) -> None:
    if kind not in SAMPLE_FORM_KINDS:
        raise InvalidInput(f"kind must be one of {', '.join(SAMPLE_FORM_KINDS)}",
                           code="invalid_sample_kind",
                           message=_l("请选择空白表格或示范文本。"),
                           errors=[{"field": "kind", "message": "blank or sample"}])


def _row(code: str, material_code: str, kind: str) -> SampleForm | None:
    return db.session.scalar(sa.select(SampleForm).where(
        SampleForm.item_code == code, SampleForm.material_code == material_code,
        SampleForm.kind == kind))


def put(code: str, material_code: str, kind: str, upload: attachments.Upload,
        actor: Actor) -> SampleForm:
    """Store (or replace) the form `kind` of a material of the item in force."""
    permissions.require_admin(actor)
    item = catalog.current(code)
    _require_material(item, material_code)
    _require_kind(kind)
    filename, data, content_type = attachments.read_upload(upload)
    begin_write()
    row = _row(code, material_code, kind)
    replaced = row is not None
    if row is None:
        row = SampleForm(item_code=code, material_code=material_code, kind=kind)
        db.session.add(row)
    row.store(filename, content_type, data, actor.user_id)
    audit.record(actor, "item.sample_form_replaced" if replaced else "item.sample_form_added",
                 code=code, material=material_code, kind=kind, filename=filename,
                 sha256=row.sha256, size=len(data))
    db.session.commit()
    return row


def remove(code: str, material_code: str, kind: str, actor: Actor) -> None:
    permissions.require_admin(actor)
    _require_kind(kind)
    begin_write()
    row = _row(code, material_code, kind)
    if row is None:
        raise NotFound(f"item {code} has no {kind} form for {material_code}",
                       code="sample_form_not_found", message=_l("该材料没有此表格。"))
    audit.record(actor, "item.sample_form_removed", code=code, material=material_code,
                 kind=kind, filename=row.filename, sha256=row.sha256)
    db.session.delete(row)
    db.session.commit()


def listing(code: str) -> dict[str, list[FormFile]]:
    """The stored forms of an item code, by material code (blank before sample)."""
    rows = db.session.scalars(sa.select(SampleForm).where(SampleForm.item_code == code)
                              .order_by(SampleForm.material_code, SampleForm.kind))
    found: dict[str, list[FormFile]] = {}
    for row in rows:
        found.setdefault(row.material_code, []).append(FormFile(
            row.material_code, row.kind, row.filename, row.content_type, row.size,
            row.uploaded_at))
    return found


def published(code: str, material_code: str, kind: str) -> SampleForm:
    """A form as the public downloads it: the item in force (its department active) lists
    the material, and the form exists; NotFound otherwise."""
    item = catalog.find_current(code)
    if item is None or not item.department.active or material_code not in _material_codes(item) \
            or kind not in SAMPLE_FORM_KINDS:
        raise NotFound(f"no published form {kind} of {material_code} in item {code}",
                       code="sample_form_not_found", message=_l("该材料没有此表格。"))
    row = _row(code, material_code, kind)
    if row is None:
        raise NotFound(f"no published form {kind} of {material_code} in item {code}",
                       code="sample_form_not_found", message=_l("该材料没有此表格。"))
    return row


def size_text(size: int) -> str:
    """12 KB, 1.5 MB."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    return f"{size / 1024 / 1024:.1f} MB"
