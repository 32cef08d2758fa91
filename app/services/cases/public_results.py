"""结果公示 (行政许可法 art. 40): approved decisions are public.

Cases concluded with 准予许可 (status 办结（通过） or 办结（容缺通过）) only. Shown: the decision's
time, the item, its department, the case number, the number of the decision document (准予行政
许可决定书, as app/services/cases/notices.py numbers it), the applicant, and the licence
(电子证照) it produced: its number, validity and status (public as its decision is; the
holder is the applicant, shown as below). An applicant is an organization only when the
case holds a valid unified social credit code (统一社会信用代码, GB 32100) as its ID number;
then the name is shown in full. Every other name is masked
(张*三, 张*): a case does not say otherwise whether it was a person. Never the ID number,
phone, address or contact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timezone

import sqlalchemy as sa

from app.models import Case, Item, Licence, db
from app.services import calendar
from app.services.cases import licences, notices

APPROVED_CODES = (11, 12)  # 办结（通过）, 办结（容缺通过）
PAGE_SIZE = 20

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@dataclass(frozen=True)
class PublicDecision:
    decided_at: datetime  # UTC; pages show it in local time
    item: str
    department: str
    case_no: str
    applicant: str
    document_no: str = ""  # 准予行政许可决定书的文号
    licence: licences.PublicLicence | None = None  # 电子证照: number, validity, status


def is_credit_code(value: str | None) -> bool:
    """A unified social credit code with a valid check character (GB 32100-2015)."""
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in _USCC_CHARS for c in code):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31] == code[17]


def masked(name: str) -> str:
    """张三 -> 张*, 张小三 -> 张*三, 欧阳小明 -> 欧**明."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def applicant_shown(case: Case) -> str:
    return case.applicant_name if is_credit_code(case.applicant_id_number) \
        else masked(case.applicant_name)


def month_of(text: str | None) -> date | None:
    """The first day of a month given as YYYY-MM (an <input type=month>); None otherwise."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", (text or "").strip())
    if not match or not 2000 <= int(match[1]) <= 2999 or not 1 <= int(match[2]) <= 12:
        return None
    return date(int(match[1]), int(match[2]), 1)


def _month_bounds(first: date) -> tuple[datetime, datetime]:
    """The month's start and the next one's, local midnight, in UTC."""
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    zone = calendar.local_zone()
    return tuple(datetime.combine(day, time(0), zone).astimezone(timezone.utc)
                 for day in (first, following))


def decisions(department_id: int | None = None, page: int = 1,
              month: date | None = None) -> tuple[list[PublicDecision], int]:
    """One page of approvals, newest first, and how many there are in all; `month` (its
    first day) keeps the decisions of that local calendar month."""
    where = [Case.status_code.in_(APPROVED_CODES), Case.concluded_at.is_not(None),
             Case.case_no.is_not(None)]
    if department_id is not None:
        where.append(Case.item_id.in_(sa.select(Item.id).where(Item.department_id == department_id)))
    if month is not None:
        start, end = _month_bounds(month)
        where += [Case.concluded_at >= start, Case.concluded_at < end]
    total = db.session.scalar(sa.select(sa.func.count(Case.id)).where(*where))
    page = max(page, 1)
    rows = db.session.scalars(sa.select(Case).where(*where)
                              .order_by(Case.concluded_at.desc(), Case.id.desc())
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    rows = list(rows)
    issued = {row.instance_id: row for row in db.session.scalars(sa.select(Licence).where(
        Licence.instance_id.in_([c.instance_id for c in rows])))}
    return [PublicDecision(c.concluded_at, c.item.name, c.item.department.name, c.case_no,
                           applicant_shown(c), document_no=notices.decision_number(c),
                           licence=licences.public(issued.get(c.instance_id)))
            for c in rows], total
