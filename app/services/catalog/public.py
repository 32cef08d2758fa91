"""The public catalog (事项目录公开, 行政许可法 art. 30): only what may be shown to anyone.

Items in force only (the current version of a code; withdrawn items and old versions are
never listed). Everything returned is a frozen dataclass built from the catalog and the
organization, so a page cannot reach past it into staff data. Texts that name a catalog
value (kind, category, material requirement) are the catalog's Chinese labels, which the
pages pass through gettext. A guide offers each material's sample forms (samples.py) and
takes the address, phones and hours the center's record leaves empty from the settings
(CENTER_ADDRESS, CENTER_PHONE, CENTER_COMPLAINT_PHONE, CENTER_OFFICE_HOURS).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.models import Center, Department, Item, db
from app.models.catalog import INSTANT, ITEM_KINDS
from app.services import calendar, catalog, money, organization
from app.services.catalog import samples
from app.services.cases.guide import REMEDIES, STEPS
from app.services.workflow.errors import NotFound

MAX_QUERY = 100  # a search text longer than this is cut, not refused


@dataclass(frozen=True)
class PublicItem:
    code: str
    name: str
    department_id: int
    department: str
    kind: str  # the catalog's label, e.g. 即办件
    category: str
    department_code: str = ""
    kind_code: str = ""  # instant, promise, joint, report


@dataclass(frozen=True)
class PublicForm:  # a material's 空白表格 or 示范文本, downloadable by anyone
    kind: str  # blank, sample
    label: str  # 空白表格, 示范文本 (pages pass it through gettext)
    filename: str
    size: str  # 12 KB


@dataclass(frozen=True)
class PublicMaterial:
    name: str
    required: bool
    deferrable: bool  # 可容缺受理
    copies: int
    code: str = ""
    forms: tuple[PublicForm, ...] = ()


@dataclass(frozen=True)
class PublicWindow:
    code: str
    name: str


@dataclass(frozen=True)
class PublicGuide:  # 办事指南
    code: str
    basic_code: str
    name: str
    department: str
    category: str
    kind: str
    joint_departments: tuple[str, ...]  # names; joint items (联办件) only
    service_object: str
    legal_basis: str
    acceptance_conditions: str
    materials: tuple[PublicMaterial, ...]
    fee: str  # the catalog's 收费标准; "" when the catalog states none
    fee_basis: str  # 收费依据; "" when the catalog states none
    fee_amount: str  # the structured 收费标准 (¥20.00/张); "" when the text alone states it
    legal_days: Decimal
    promised_days: Decimal
    on_the_spot: bool  # 即办件 or a zero limit: 当场办结
    commitment_system: bool  # 告知承诺制: decided on a written commitment, checked afterwards
    steps: tuple[str, ...]
    center: str
    address: str
    phone: str
    complaint_phone: str
    office_hours: str
    windows: tuple[PublicWindow, ...]
    remedies: tuple[str, ...]
    version: int
    effective_on: date


def _public_item(item: Item) -> PublicItem:
    return PublicItem(item.code, item.name, item.department_id, item.department.name,
                      catalog.KIND_LABELS.get(item.kind, item.kind),
                      catalog.CATEGORY_LABELS.get(item.category, item.category),
                      department_code=item.department.code, kind_code=item.kind)


def items(q: str | None = None, department_id: int | None = None,
          kind: str | None = None) -> list[PublicItem]:
    """Items in force, by department code then item code (pages group them by department);
    `q` matches a part of the name or code, `kind` is a catalog kind (another is ignored)."""
    q = (q or "").strip()[:MAX_QUERY] or None
    found = catalog.listing(department_id=department_id, q=q,
                            kind=kind if kind in ITEM_KINDS else None)
    rows = [_public_item(item) for item in found if item.department.active]
    return sorted(rows, key=lambda row: (row.department_code, row.code))


def kinds() -> dict[str, str]:
    """The kind filter's choices: catalog kind -> its label (即办件 …)."""
    return {kind: catalog.KIND_LABELS[kind] for kind in ITEM_KINDS}


def departments() -> list[Department]:
    """Active departments that have at least one item in force (for the filter)."""
    having = sa.select(Item.department_id).where(Item.superseded_at.is_(None))
    return list(db.session.scalars(
        sa.select(Department).where(Department.active.is_(True), Department.id.in_(having))
        .order_by(Department.code)))


def department_id_of(code: str | None) -> int | None:
    """A department filter from its code; None for none or an unknown code (the filter
    then lists every department's items rather than failing)."""
    if not code:
        return None
    return db.session.scalar(sa.select(Department.id).where(Department.code == code))


def guide(code: str) -> PublicGuide:
    """The 办事指南 of the item in force; NotFound for an unknown or withdrawn code."""
    item = catalog.find_current(code)
    if item is None or not item.department.active:
        raise NotFound(f"item {code} is not in the public catalog", code="item_not_found",
                       message=_l("事项目录中没有编码为 %(code)s 的现行事项。", code=code))
    center = db.session.get(Center, item.department.center_id)
    names = {d.code: d.name for d in organization.list_departments()}
    joint = tuple(names.get(code, code) for code in
                  (catalog.split_joint(entry)[0] for entry in item.joint_departments))
    windows = tuple(PublicWindow(w.code, w.name)
                    for w in organization.windows_serving(item.department_id) if w.active)
    forms = samples.listing(item.code)
    materials = tuple(PublicMaterial(
        m["name"], bool(m["required"]), bool(m["deferrable"]), int(m["copies"]), code=m["code"],
        forms=tuple(PublicForm(f.kind, samples.KIND_LABELS[f.kind], f.filename,
                               samples.size_text(f.size)) for f in forms.get(m["code"], [])))
        for m in catalog.as_fields(item)["materials"])
    contact = _contacts(center)
    return PublicGuide(
        code=item.code, basic_code=item.basic_code, name=item.name,
        department=item.department.name,
        category=catalog.CATEGORY_LABELS.get(item.category, item.category),
        kind=catalog.KIND_LABELS.get(item.kind, item.kind), joint_departments=joint,
        service_object=item.service_object, legal_basis=item.legal_basis,
        acceptance_conditions=item.acceptance_conditions, materials=materials,
        fee=(item.fee or "").strip(), fee_basis=(item.fee_basis or "").strip(),
        fee_amount=money.rate_text(item.fee_amount, item.fee_unit),
        legal_days=item.legal_days,
        promised_days=item.promised_days,
        on_the_spot=item.kind == INSTANT or item.promised_days == 0,
        commitment_system=item.commitment_system,
        steps=tuple(STEPS.get(item.kind, ())),
        center=center.name if center else "", windows=windows, **contact,
        remedies=tuple(REMEDIES), version=item.version,
        effective_on=calendar.to_local(item.created_at).date())


CONTACT_SETTINGS = {"address": "CENTER_ADDRESS", "phone": "CENTER_PHONE",
                    "complaint_phone": "CENTER_COMPLAINT_PHONE",
                    "office_hours": "CENTER_OFFICE_HOURS"}


def _contacts(center: Center | None) -> dict[str, str]:
    """Address, phones and opening hours from the center's record; what it leaves empty
    from the deployment's settings (CENTER_ADDRESS …), else ""."""
    return {field: (getattr(center, field, "") or "").strip()
            or (current_app.config.get(setting) or "").strip()
            for field, setting in CONTACT_SETTINGS.items()}


def days_text(days: Decimal) -> str:
    """15, 2.5 (for "%(days)s 个工作日")."""
    return catalog.format_days(days)
