"""The assessment's indicators from 效能监察's own records, a unit's each: the month's yellow
and red cards, violations in force, case file checks and their findings, and unit heads'
duty at the window (scheduled, missed)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from app.services.supervision import cards, duty, inspections, violations
from app.services.supervision.indicators import DEPARTMENT, Key, Period, Value, indicator

UNIT = (DEPARTMENT,)


def _by_unit(counts: dict[int, int]) -> dict[Key, Value]:
    return {(DEPARTMENT, unit, unit): value for unit, value in counts.items()}


def _cards(period: Period) -> dict[int, dict[str, int]]:
    return period.cached("cards", lambda: cards.monthly_counts(period.start, period.end))


@indicator("yellow_cards", _l("黄牌数"),
           _l("本月发出预警（到期前一个工作日）的办件数，每件至多一张黄牌。"), "count",
           dimensions=UNIT)
def yellow_cards(period: Period) -> dict[Key, Value]:
    return _by_unit({u: c.get("yellow", 0) for u, c in _cards(period).items()})


@indicator("red_cards", _l("红牌数"), _l("本月超过承诺时限的办件数，每件至多一张红牌。"),
           "count", dimensions=UNIT)
def red_cards(period: Period) -> dict[Key, Value]:
    return _by_unit({u: c.get("red", 0) for u, c in _cards(period).items()})


@indicator("violations", _l("违规件数"),
           _l("本月发生、未经复核认定不成立的违规登记数（含系统自动登记和监察员登记）。"),
           "count", dimensions=UNIT)
def violation_count(period: Period) -> dict[Key, Value]:
    return _by_unit(violations.monthly_counts(period.start, period.end))


def _checks(period: Period) -> dict[int, dict[str, int]]:
    return period.cached("checks", lambda: inspections.monthly_summary(period.month))


@indicator("checked_cases", _l("抽查案卷数"), _l("本月办结案卷中抽取并已检查完毕的件数。"),
           "count", dimensions=UNIT)
def checked_cases(period: Period) -> dict[Key, Value]:
    return _by_unit({u: c["checked"] for u, c in _checks(period).items()})


@indicator("check_findings", _l("抽查发现问题数"),
           _l("本月办结案卷抽查中检查结果为“不符合”的项数，每项转本单位整改。"), "count",
           dimensions=UNIT)
def check_findings(period: Period) -> dict[Key, Value]:
    return _by_unit({u: c["findings"] for u, c in _checks(period).items()})


def _duty(period: Period) -> dict[int, tuple[int, int]]:
    def make() -> dict[int, tuple[int, int]]:
        found: dict[int, tuple[int, int]] = {}
        for row in duty.monthly_report(period.month):
            scheduled, missed = found.get(row.department_id, (0, 0))
            found[row.department_id] = (scheduled + row.scheduled, missed + row.missed)
        return found
    return period.cached("duty", make)


@indicator("duty_scheduled", _l("负责人值班次数"), _l("本月排定的单位负责人到窗口值班次数。"),
           "count", dimensions=UNIT)
def duty_scheduled(period: Period) -> dict[Key, Value]:
    return _by_unit({u: scheduled for u, (scheduled, _) in _duty(period).items()})


@indicator("duty_missed", _l("值班未到岗次数"), _l("本月排定值班而当日未签到的次数。"),
           "count", dimensions=UNIT)
def duty_missed(period: Period) -> dict[Key, Value]:
    return _by_unit({u: missed for u, (_, missed) in _duty(period).items()})
