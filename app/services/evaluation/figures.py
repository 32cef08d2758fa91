"""好差评 figures per local month: by department, window, staff member and item.

Satisfaction rate = (非常满意 + 满意 + 基本满意) / ratings counted; a rating whose appeal was
upheld is not counted anywhere. 整改 on time: rectified by its due time, of those opened."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa

from app.models import Department, Item, User, Window, db
from app.models.evaluation import BAD_LEVELS, SATISFIED_LEVELS, Evaluation
from app.services import calendar

DIMENSIONS = ("department", "window", "staff", "item")
_KEYS = {"department": "department_id", "window": "window_id", "staff": "staff_id",
         "item": "item_code"}


@dataclass
class Row:
    key: object
    name: str
    count: int = 0
    satisfied: int = 0
    bad: int = 0
    rectifications: int = 0
    on_time: int = 0

    @property
    def rate(self) -> float | None:
        return self.satisfied / self.count if self.count else None


def month_bounds(month: str) -> tuple[datetime, datetime]:
    """'2026-03' as the local month's first moment and the next month's."""
    first = date.fromisoformat(f"{month}-01")
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    zone = calendar.local_zone()
    return (datetime.combine(first, time.min, tzinfo=zone),
            datetime.combine(following, time.min, tzinfo=zone))


def current_month() -> str:
    return calendar.today().strftime("%Y-%m")


def monthly(month: str, dimension: str = "department") -> list[Row]:
    """One row per department (window, staff member, item) rated in `month`, by name."""
    key = _KEYS[dimension]
    start, end = month_bounds(month)
    rows: dict[object, Row] = {}
    for evaluation in db.session.scalars(sa.select(Evaluation).where(
            Evaluation.rated_at >= start, Evaluation.rated_at < end, Evaluation.counted)):
        value = getattr(evaluation, key)
        row = rows.setdefault(value, Row(value, ""))
        row.count += 1
        row.satisfied += evaluation.level in SATISFIED_LEVELS
        row.bad += evaluation.level in BAD_LEVELS
        if evaluation.rectification is not None:
            row.rectifications += 1
            row.on_time += evaluation.rectification.on_time
    names = _names(dimension, [k for k in rows if k is not None])
    for value, row in rows.items():
        row.name = names.get(value, "—" if value is None else str(value))
    return sorted(rows.values(), key=lambda r: r.name)


def _names(dimension: str, keys: list) -> dict:
    if not keys:
        return {}
    if dimension == "item":
        return dict(db.session.execute(sa.select(Item.code, Item.name)
                                       .where(Item.code.in_(keys))).all())
    model, column = {"department": (Department, Department.name),
                     "window": (Window, Window.name),
                     "staff": (User, User.display_name)}[dimension]
    return dict(db.session.execute(sa.select(model.id, column).where(model.id.in_(keys))).all())
