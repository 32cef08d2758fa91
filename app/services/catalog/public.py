"""The public catalog (事项目录公开, 行政许可法 art. 30): only what may be shown to anyone.

Items in force only (the current version of a code; withdrawn items and old versions are
never listed). Everything returned is a frozen dataclass built from the catalog and the
organization, so a page cannot reach past it into staff data. Texts that name a catalog
value (kind, category, material requirement) are the catalog's Chinese labels, which the
pages pass through gettext.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.models import Center, Department, Item, db
from app.models.catalog import INSTANT
from app.services import calendar, catalog, organization
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


@dataclass(frozen=True)
class PublicMaterial:
    name: str
    required: bool
    deferrable: bool  # 可容缺受理
    copies: int


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
    legal_days: Decimal
    promised_days: Decimal
    on_the_spot: bool  # 即办件 or a zero limit: 当场办结
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
                      catalog.CATEGORY_LABELS.get(item.category, item.category))


def items(q: str | None = None, department_id: int | None = None) -> list[PublicItem]:
    """Items in force, by code; `q` matches a part of the name or code."""
    q = (q or "").strip()[:MAX_QUERY] or None
    found = catalog.listing(department_id=department_id, q=q)
    return [_public_item(item) for item in found if item.department.active]


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
    materials = tuple(PublicMaterial(m["name"], bool(m["required"]), bool(m["deferrable"]),
                                     int(m["copies"]))
                      for m in catalog.as_fields(item)["materials"])
    return PublicGuide(
        code=item.code, basic_code=item.basic_code, name=item.name,
        department=item.department.name,
        category=catalog.CATEGORY_LABELS.get(item.category, item.category),
        kind=catalog.KIND_LABELS.get(item.kind, item.kind), joint_departments=joint,
        service_object=item.service_object, legal_basis=item.legal_basis,
        acceptance_conditions=item.acceptance_conditions, materials=materials,
        fee=(item.fee or "").strip(), legal_days=item.legal_days,
        promised_days=item.promised_days,
        on_the_spot=item.kind == INSTANT or item.promised_days == 0,
        steps=tuple(STEPS.get(item.kind, ())),
        center=center.name if center else "", address=center.address if center else "",
        phone=center.phone if center else "",
        complaint_phone=center.complaint_phone if center else "",
        office_hours=center.office_hours if center else "", windows=windows,
        remedies=tuple(REMEDIES), version=item.version,
        effective_on=calendar.to_local(item.created_at).date())


def days_text(days: Decimal) -> str:
    """15, 2.5 (for "%(days)s 个工作日")."""
    return catalog.format_days(days)
