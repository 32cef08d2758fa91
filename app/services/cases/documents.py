"""Issuing a case's documents (文书) in the competent department's name.

A document is issued at the step that makes it (受理, 不予受理, 一次性告知, 办结, an extension
or a pause): it takes the next number of the department's own sequence for its type and
year — 机关代字 + 字号 + 〔year〕 + n + 号, e.g. 姚安县市场监督管理局受〔2026〕12号 — and keeps
it, so the document reads the same whenever it is shown again. Documents issued before this
existed keep the number they were shown with then (notices.legacy_number)."""
from __future__ import annotations

import base64
from datetime import datetime

import sqlalchemy as sa
from flask import g, has_request_context

from app.models import Case, Department, DepartmentSeal, DocumentCounter, IssuedDocument, db
from app.models.base import utcnow
from app.services import calendar, sequences

# 字号 of each document type: one number sequence each, per department and year.
SERIES = {"accepted": "受", "not_accepted": "不受", "supplement": "补告",
          "approval": "准许", "denial": "不许", "extension": "延", "pause": "停",
          "fee": "缴",  # 缴费通知书 (app.services.fees)
          "revocation": "撤",  # 撤销决定书 (告知承诺不实)
          "licence": "证"}  # 电子证照 (app/services/cases/licences.py)


def issue(case: Case, kind: str, series: str, at: datetime | None = None) -> IssuedDocument:
    """The document `kind` of the case, numbered now unless it already was (idempotent)."""
    found = issued(case.instance_id, kind)
    if found is not None:
        return found
    department = case.item.department
    at = at or utcnow()
    year = calendar.to_local(at).year
    last = sequences.next_value(DocumentCounter, department_id=department.id,
                                series=SERIES[series], year=year)
    row = IssuedDocument(instance_id=case.instance_id, kind=kind, department_id=department.id,
                         number=f"{issuer_code(department)}{SERIES[series]}〔{year}〕{last}号",
                         issued_at=at)
    db.session.add(row)
    db.session.flush()
    return row


def example_number(department: Department) -> str:
    """What the department's next 受理通知书 this year will be numbered like (for its page)."""
    year = calendar.today().year
    counter = db.session.get(DocumentCounter, (department.id, SERIES["accepted"], year))
    return f"{issuer_code(department)}{SERIES['accepted']}〔{year}〕{(counter.last if counter else 0) + 1}号"


def issued(instance_id: int, kind: str) -> IssuedDocument | None:
    return db.session.scalar(sa.select(IssuedDocument).where(
        IssuedDocument.instance_id == instance_id, IssuedDocument.kind == kind))


def issuer_code(department: Department) -> str:
    """机关代字: the department's own, or its name when it has none."""
    return department.document_code or department.name


def seal_data_uri(department_id: int) -> str | None:
    """The department's seal image as a data: URI for the HTML notice (no extra request, so
    the public lookup shows it as well), or None when none was uploaded.

    A page builds several notices of one department: the image (a deferred blob) is read and
    encoded once per request, keyed by its digest so a seal replaced meanwhile is never
    shown stale."""
    seal = db.session.get(DepartmentSeal, department_id)  # without the deferred image
    if seal is None:
        return None
    cache = g.setdefault("seal_data_uris", {}) if has_request_context() else {}
    key = (department_id, seal.sha256)
    if key not in cache:
        cache[key] = (f"data:{seal.content_type};base64,"
                      f"{base64.b64encode(seal.data).decode('ascii')}")
    return cache[key]

