"""One month's assessment as a viewer reads it: live or stored, the rows of the viewer's
units only (a window's or staff member's parts from other units left out), parts of one row
added up, the center's total, the ranking by 按时办结率."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from app.models import User
from app.models.assessment import DRAFT, PUBLISHED, AssessmentMonth
from app.services.evaluation.figures import current_month
from app.services.supervision import assessment, units_of
from app.services.supervision.indicators import (DEPARTMENT, DIMENSIONS, REGISTRY, Indicator,
                                                 as_percent, combined)


@dataclass
class Row:
    key: object
    name: str | None
    values: dict[str, object] = field(default_factory=dict)

    def percent(self, indicator: str) -> float | None:
        value = self.values.get(indicator)
        return as_percent(value) if value is not None else None


@dataclass
class View:
    month: str
    state: str  # draft (live), frozen, published
    stored: AssessmentMonth | None
    withheld: bool  # a unit's staff and a month not yet published: no figures
    center: bool  # the viewer sees every unit
    rows: dict[str, list[Row]]
    total: Row  # every row of the department dimension the viewer sees, added up
    overdue_cases: list[dict]
    indicators: list[Indicator]
    computed_at: str | None = None

    @property
    def live(self) -> bool:
        return self.state == DRAFT

    def ranking(self, indicator: str = "on_time_rate") -> list[Row]:
        """Units by a rate, best first; units without a figure for it last."""
        rows = self.rows[DEPARTMENT]
        return sorted(rows, key=lambda r: (r.percent(indicator) is None,
                                           -(r.percent(indicator) or 0), r.name or ""))

    def for_dimension(self, dimension: str) -> list[Indicator]:
        return [i for i in self.indicators if dimension in i.dimensions]


def view(viewer: User, month: str | None, now: datetime | None = None) -> View:
    """Refuses people who are neither the center nor a unit (units_of), a bad month."""
    allowed = units_of(viewer)
    month = assessment.parse_month(month)
    row = assessment.stored(month)
    state = row.state if row else DRAFT
    withheld = allowed is not None and month != current_month() and state != PUBLISHED
    if withheld:  # nothing of an unpublished month reaches a unit (page, XLSX, PDF, API)
        figures = {}
    else:
        figures = row.figures if row else assessment.compute(month, now)
    indicators = [REGISTRY[k] for k in figures.get("indicators", REGISTRY) if k in REGISTRY]
    rows = {d: _merged(figures.get("rows", {}).get(d, []), allowed) for d in DIMENSIONS}
    overdue = [c for c in figures.get("overdue_cases", [])
               if allowed is None or c["department_id"] in allowed]
    return View(month, state, row, withheld, allowed is None, rows,
                _total(rows[DEPARTMENT]), overdue, indicators, figures.get("computed_at"))


def _merged(parts: list[dict], allowed: set[int] | None) -> list[Row]:
    """A row's parts of the allowed units added up, per key; sorted by name."""
    grouped: dict[object, list[dict]] = {}
    names: dict[object, str | None] = {}
    for part in parts:
        if allowed is None or part["department_id"] in allowed:
            grouped.setdefault(part["key"], []).append(part["values"])
            names[part["key"]] = part.get("name")
    rows = [Row(key, names[key], _combine(values)) for key, values in grouped.items()]
    return sorted(rows, key=lambda r: (r.key is None, r.name or ""))


def _combine(parts: list[dict]) -> dict[str, object]:
    values = {}
    for key in {k for part in parts for k in part}:
        indicator = REGISTRY.get(key)
        if indicator is not None:
            values[key] = combined(indicator.kind, indicator.combine,
                                   [part[key] for part in parts if key in part])
    return values


def _total(rows: list[Row]) -> Row:
    return Row(None, None, _combine([row.values for row in rows]))


CHOOSER_MONTHS = 12  # the center's chooser offers this many months back, frozen or not


def months(viewer: User) -> list[str]:
    """The months the chooser offers: this one and the stored ones the viewer may read; for
    the center also the months before, which are computed live until the sweep freezes them."""
    allowed = units_of(viewer)
    stored = [r.month for r in assessment.stored_months()
              if allowed is None or r.state == PUBLISHED]
    recent = assessment.months_before(current_month(), CHOOSER_MONTHS) if allowed is None else []
    return sorted({current_month(), *stored, *recent}, reverse=True)
