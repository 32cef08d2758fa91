"""The monthly assessment (月度效能考评): every registered indicator, per department, window and
staff member, for one local month; frozen at the month's end, published by a supervisor.

- The current month is computed live (未冻结/实时) whenever it is read, and so is a past
  month the sweep has not frozen yet.
- The sweep step `freeze_assessment` freezes every past month not yet frozen (from the first
  month with a case): its figures are stored, and later edits of cases change nothing.
- A supervisor may recompute a frozen month that is not yet published (a late correction
  of a case, say): audited, counted in `recomputed`. Publishing releases it to the units
  with a 通报 number; a published month never changes again.
- Units see the live current month and the published months, their own rows only.

The stored figures (`AssessmentMonth.figures`, and what `compute` returns):
    {"version": 1, "month": "2026-11", "computed_at": ISO,
     "indicators": [key, ...],
     "rows": {dimension: [{"key", "department_id", "name", "values": {indicator: value}}]},
     "overdue_cases": [OverdueCase.as_dict(), ...]}   # at most OVERDUE_KEPT per unit
"""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.models import Case, Department, User, Window, db, utcnow
from app.models.assessment import FROZEN, PUBLISHED, AssessmentMonth
from app.services import calendar
from app.services.evaluation.figures import current_month, month_bounds
from app.services.supervision import require_supervisor, sweep
from app.services.supervision import indicator_cases, indicator_records  # noqa: F401  registers
from app.services.supervision import indicator_supervision  # noqa: F401  registers
from app.services.supervision.indicator_overdue import overdue_cases
from app.services.supervision.indicators import (DEPARTMENT, DIMENSIONS, REGISTRY, STAFF, WINDOW,
                                                 Period)
from app.services.workflow import audit
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput

VERSION = 1
OVERDUE_KEPT = 50  # 超时件 listed per unit in a month (the 通报 names them); all are counted
_MONTH = re.compile(r"(19|20|21)\d\d-(0[1-9]|1[0-2])")


def parse_month(text: str | None) -> str:
    """'YYYY-MM' (default: the current local month); not a month, or one to come: refused."""
    if not text:
        return current_month()
    if not _MONTH.fullmatch(text):
        raise InvalidInput("month must be YYYY-MM", code="assessment_month_invalid",
                           errors=[{"field": "month", "message": "must be YYYY-MM"}],
                           message=_l("考评月份应为“年-月”，例如 2026-11。"))
    if text > current_month():
        raise InvalidInput("that month has not begun", code="assessment_month_future",
                           errors=[{"field": "month", "message": "has not begun"}],
                           message=_l("该月份尚未开始，无法考评。"))
    return text


def period_of(month: str, now: datetime | None = None) -> Period:
    start, end = month_bounds(month)
    now = now or utcnow()
    return Period(month, start, end, min(end, now))


def compute(month: str, now: datetime | None = None) -> dict:
    """Every indicator of `month` as of `now`, in the stored shape (see the docstring)."""
    period = period_of(month, now)
    rows: dict[str, dict[tuple, dict]] = {d: {} for d in DIMENSIONS}
    for key, indicator in REGISTRY.items():
        for (dimension, unit_key, department_id), value in indicator.compute(period).items():
            row = rows[dimension].setdefault((unit_key, department_id), {
                "key": unit_key, "department_id": department_id, "values": {}})
            row["values"][key] = value
    names = _names({d: {k for k, _ in found} for d, found in rows.items()})
    return {"version": VERSION, "month": month, "computed_at": (now or utcnow()).isoformat(),
            "indicators": list(REGISTRY),
            "rows": {d: [{**row, "name": names[d].get(row["key"])}
                         for row in found.values()] for d, found in rows.items()},
            "overdue_cases": [c.as_dict() for c in overdue_cases(period, OVERDUE_KEPT)]}


def _names(keys: dict[str, set]) -> dict[str, dict]:
    """Names as they are when the month is computed (frozen with it)."""
    columns = {DEPARTMENT: (Department.id, Department.name), WINDOW: (Window.id, Window.name),
               STAFF: (User.id, User.display_name)}
    found = {}
    for dimension, (id_column, name_column) in columns.items():
        wanted = [k for k in keys[dimension] if k is not None]
        found[dimension] = dict(db.session.execute(
            sa.select(id_column, name_column).where(id_column.in_(wanted))).all()) if wanted else {}
    return found


def stored(month: str) -> AssessmentMonth | None:
    return db.session.scalar(sa.select(AssessmentMonth).where(AssessmentMonth.month == month))


def freeze(month: str, now: datetime, actor: Actor) -> AssessmentMonth:
    """Stores the figures of a past month (a new row, or a frozen one recomputed)."""
    if month >= calendar.to_local(now).strftime("%Y-%m"):
        raise Conflict("a month is frozen once it has ended", code="assessment_month_open",
                       message=_l("本月尚未结束，不能冻结。"))
    row = stored(month)
    if row is not None and row.state == PUBLISHED:
        raise Conflict("a published month never changes", code="assessment_published",
                       message=_l("该月考评已发布，不能再重新计算。"))
    figures = compute(month, now)
    if row is None:
        row = AssessmentMonth(month=month, state=FROZEN, figures=figures, frozen_at=now,
                              frozen_by=actor.user_id)
        db.session.add(row)
    else:
        row.figures, row.frozen_at, row.frozen_by = figures, now, actor.user_id
        row.recomputed += 1
    audit.record(actor, "assessment.frozen", month=month, recomputed=row.recomputed)
    db.session.flush()
    return row


def recompute(month: str, viewer: User, actor: Actor) -> AssessmentMonth:
    """A supervisor freezes a frozen, unpublished month again (audited)."""
    require_supervisor(viewer)
    if stored(parse_month(month)) is None:
        raise Conflict("that month is not frozen yet", code="assessment_not_frozen",
                       message=_l("该月考评尚未冻结。"))
    row = freeze(month, utcnow(), actor)
    db.session.commit()
    return row


def publish(month: str, viewer: User, actor: Actor) -> AssessmentMonth:
    """Releases a frozen month to the units, numbered as the month's 通报 (audited)."""
    require_supervisor(viewer)
    row = stored(parse_month(month))
    if row is None:
        raise Conflict("a month is published once frozen", code="assessment_not_frozen",
                       message=_l("该月考评尚未冻结。"))
    if row.state == PUBLISHED:
        raise Conflict("this month is already published", code="assessment_published",
                       message=_l("该月考评已发布，不能再重新计算。"))
    year, number = month.split("-")
    row.state, row.published_at, row.published_by = PUBLISHED, utcnow(), viewer.id
    row.bulletin_no = f"效考〔{year}〕{int(number)}号"
    audit.record(actor, "assessment.published", month=month, bulletin_no=row.bulletin_no)
    db.session.commit()
    return row


def _months_between(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    found = []
    while f"{year:04d}-{month:02d}" <= last:
        found.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def months_before(month: str, count: int) -> list[str]:
    year, number = map(int, month.split("-"))
    found = []
    for _ in range(count):
        year, number = (year - 1, 12) if number == 1 else (year, number - 1)
        found.append(f"{year:04d}-{number:02d}")
    return found


@sweep.step("freeze_assessment")
def freeze_past_months(now: datetime) -> int:
    """Every ended month since the first accepted case that has no frozen figures yet."""
    first = db.session.scalar(sa.select(sa.func.min(Case.accepted_at)))
    if first is None:
        return 0
    this_month = calendar.to_local(now).strftime("%Y-%m")
    done = set(db.session.scalars(sa.select(AssessmentMonth.month)))
    months = [m for m in _months_between(calendar.to_local(first).strftime("%Y-%m"), this_month)
              if m < this_month and m not in done]
    for month in months:
        freeze(month, now, Actor.system("assessment"))
    return len(months)


def stored_months() -> list[AssessmentMonth]:
    return list(db.session.scalars(sa.select(AssessmentMonth).order_by(AssessmentMonth.month)))
