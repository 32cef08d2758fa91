"""The authorization rate (授权率) of each department's window, as of a day.

Seed 003: 授权率 = 授权事项数 / 本部门事项总数 × 100%, per power, with targets of 100% for
受理决定权, 即办件审核审批权, 协调处置权, 办理结果投递权 and 应诉代理权, at least 80% for 制证权
and 行政许可事项审核审批权, and (原则上) 100% for 公共服务事项审核审批权. As the seed grants
them, 即办件的审核审批权 is counted over instant items and 承诺件的协调处置权 over promise items.
Beside the rates, the other half of its 双百 target: 服务窗口审批办结率 (completion.py).

The numerator counts the letter in force on the day, by the test routing applies
(authorization.grants): an item counted for 受理决定权 is one whose intake review the window
decides itself that day, the others go to the leader; the denominator is the department's
current catalog (the versions not superseded), so a rate can always be read against the items
the window handles now. A power with no items in scope is not applicable (rate None), neither
met nor missed: a department without instant items has no 即办件 rate to reach.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from app.models import AuthorizationLetter, Department, Item
from app.models.authorization import (ACCEPTANCE, APPROVAL, CERTIFICATE, COORDINATION,
                                      DELIVERY, LITIGATION)
from app.models.catalog import INSTANT, LICENSING, PROMISE, PUBLIC_SERVICE
from app.services import authorization, calendar, catalog, organization
from app.services.authorization import completion, letters


def _every_item(_item: Item) -> bool:
    return True


@dataclass(frozen=True)
class RatedPower:
    key: str
    name: str  # as the seed names it
    power: str  # the letter power counted
    target: Decimal  # percent
    in_scope: Callable[[Item], bool] = _every_item  # the items of the denominator


RATED_POWERS = (
    RatedPower("acceptance", "受理决定权", ACCEPTANCE, Decimal(100)),
    RatedPower("instant_review", "即办件审核审批权", APPROVAL, Decimal(100),
               lambda item: item.kind == INSTANT),
    RatedPower("coordination", "承诺件协调处置权", COORDINATION, Decimal(100),
               lambda item: item.kind == PROMISE),
    RatedPower("delivery", "办理结果投递权", DELIVERY, Decimal(100)),
    RatedPower("litigation", "应诉代理权", LITIGATION, Decimal(100)),
    RatedPower("certificate", "办理事项制证权", CERTIFICATE, Decimal(80)),
    RatedPower("licensing_review", "行政许可事项审核审批权", APPROVAL, Decimal(80),
               lambda item: item.category == LICENSING),
    RatedPower("public_service_review", "公共服务事项审核审批权", APPROVAL, Decimal(100),
               lambda item: item.category == PUBLIC_SERVICE),
)
TARGETS = {p.key: p for p in RATED_POWERS}


@dataclass(frozen=True)
class Cell:
    authorized: int
    total: int
    target: Decimal

    @property
    def rate(self) -> Decimal | None:
        if self.total == 0:
            return None
        exact = Decimal(self.authorized * 100) / Decimal(self.total)
        return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    @property
    def meets_target(self) -> bool | None:
        if self.total == 0:
            return None
        # Compared exactly, so 79.96% (shown as 80.0) does not pass an 80% target.
        return self.authorized * 100 >= self.target * self.total

    def __add__(self, other: Cell) -> Cell:
        return Cell(self.authorized + other.authorized, self.total + other.total, self.target)


@dataclass(frozen=True)
class DepartmentRates:
    department: Department
    letter: AuthorizationLetter | None  # in force on the day; None counts 0 everywhere
    cells: dict[str, Cell]
    completion: Cell  # 服务窗口审批办结率, the year to the day (completion.py)

    @property
    def below_target(self) -> list[str]:
        return [key for key, cell in self.cells.items() if cell.meets_target is False]


@dataclass(frozen=True)
class RateReport:
    day: date
    departments: list[DepartmentRates]
    center: dict[str, Cell]  # all departments together
    center_completion: Cell


def _cells(items: list[Item], letter: AuthorizationLetter | None) -> dict[str, Cell]:
    cells = {}
    for rated in RATED_POWERS:
        scope = [item for item in items if rated.in_scope(item)]
        granted = sum(1 for item in scope if authorization.grants(letter, rated.power, item.code))
        cells[rated.key] = Cell(granted, len(scope), rated.target)
    return cells


def _current_items_by_department() -> dict[int, list[Item]]:
    by_department: dict[int, list[Item]] = {}
    for item in catalog.listing():
        by_department.setdefault(item.department_id, []).append(item)
    return by_department


def report(day: date | None = None) -> RateReport:
    """Rates of every active department of this center as of `day` (default: today).

    The centers above ours that this deployment also serves (三级联动) report their own."""
    day = day or calendar.today()
    home = organization.home_center()
    in_force = {letter.department_id: letter for letter in letters.listing(valid_on=day)}
    items = _current_items_by_department()
    delivered = completion.by_department(day)
    rows = [DepartmentRates(d, in_force.get(d.id), _cells(items.get(d.id, []), in_force.get(d.id)),
                            Cell(*delivered.get(d.id, (0, 0)), completion.TARGET))
            for d in organization.list_departments(active=True,
                                                   center_id=home.id if home else None)]
    center = {p.key: sum((row.cells[p.key] for row in rows), Cell(0, 0, p.target))
              for p in RATED_POWERS}
    return RateReport(day, rows, center,
                      sum((row.completion for row in rows), Cell(0, 0, completion.TARGET)))
