"""The assessment's indicators read from the cases themselves, by one GROUP BY query per
month over the cases accepted or concluded in it (the two indexed ranges), by the department
of the case's item and the staff member who received it at the window (Case.received_by);
the window is that person's (AB post), and units' rows are the sums (indicators.spread).

"Concluded" means an accepted case (accepted_at set) concluded in the month: a 不予受理 at
intake is no 办结 of an accepted case. A case without a deadline (none was set) is on time.
"""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.models import Case, Item, db
from app.models.catalog import INSTANT
from app.services import calendar
from app.services.supervision.indicators import (Key, Period, Value, as_date, count_where,
                                                 in_period, indicator, local_day, spread,
                                                 staff_window_map)

DEEMED_DECISION = "deemed_approved"  # cases.overdue with deemed=True (超时默认)


def _concluded(period: Period):
    return sa.and_(in_period(Case.concluded_at, period), Case.accepted_at.is_not(None))


def _last_workday_on_or_before(day: date) -> date:
    while not calendar.is_workday(day):
        day -= timedelta(days=1)
    return day


def _early(period: Period):
    """Concluded at least one working day before the deadline: a working day lies after the
    day of conclusion, up to the deadline's day (working_days_between ≥ 1), i.e. the day of
    conclusion is before the last working day on or before the deadline's day. That last
    working day is looked up for each distinct deadline day (a few dozen in a month)."""
    deadline_day = local_day(Case.deadline_at)
    days = period.cached("deadline_days", lambda: db.session.scalars(
        sa.select(deadline_day).distinct().where(_concluded(period),
                                                 Case.deadline_at.is_not(None))).all())
    if not days:
        return sa.false()
    cutoff = {day: _typed_like(day, _last_workday_on_or_before(as_date(day))) for day in days}
    return local_day(Case.concluded_at) < sa.case(cutoff, value=deadline_day)


def _typed_like(sample, day: date):
    return day if isinstance(sample, date) else day.isoformat()


def _measures(period: Period) -> dict[str, object]:
    concluded = _concluded(period)
    instant = sa.and_(concluded, Item.kind == INSTANT)

    count = count_where
    return {
        "accepted": count(in_period(Case.accepted_at, period)),
        "concluded": count(concluded),
        "on_time": count(sa.and_(concluded, sa.or_(Case.deadline_at.is_(None),
                                                   Case.concluded_at <= Case.deadline_at))),
        "early": count(sa.and_(concluded, _early(period))),
        "instant": count(instant),
        "instant_same_day": count(sa.and_(
            instant, local_day(Case.concluded_at) == local_day(Case.accepted_at))),
        "deemed": count(sa.and_(concluded, Case.decision == DEEMED_DECISION)),
        # one 补正 round at most: the applicant came twice (两次办结制, seed 004)
        "two_visits": count(sa.and_(concluded, sa.func.json_array_length(Case.supplements) <= 1)),
    }


def aggregate_query(period: Period):
    """The month's one aggregate over the cases, by unit and receiving staff member: the
    window dimension follows from the staff member's post, the unit's from the sum
    (bench/bench_assessment.py shows its plan)."""
    measures = _measures(period)
    return (sa.select(Item.department_id.label("department_id"),
                      Case.received_by.label("staff_id"),
                      *(column.label(name) for name, column in measures.items()))
            .select_from(Case).join(Item, Item.id == Case.item_id)
            .where(sa.or_(in_period(Case.accepted_at, period),
                          in_period(Case.concluded_at, period)))
            .group_by(Item.department_id, Case.received_by))


def _figures(period: Period) -> dict[Key, dict]:
    return period.cached("cases", lambda: spread(
        db.session.execute(aggregate_query(period)).all(), MEASURES, staff_window_map(period)))


MEASURES = ("accepted", "concluded", "on_time", "early", "instant", "instant_same_day",
            "deemed", "two_visits")


def _count(name: str):
    def compute(period: Period) -> dict[Key, Value]:
        return {key: measures[name] for key, measures in _figures(period).items()}
    return compute


def _rate(numerator: str, denominator: str):
    def compute(period: Period) -> dict[Key, Value]:
        return {key: [measures[numerator], measures[denominator]]
                for key, measures in _figures(period).items()}
    return compute


indicator("accepted", _l("受理件数"), _l("受理时间在本月（本地时间）的办件数。"), "count")(
    _count("accepted"))
indicator("concluded", _l("办结件数"),
          _l("已受理、办结时间在本月的办件数（窗口不予受理的不计）。"), "count")(_count("concluded"))
indicator("instant_rate", _l("即办率"),
          _l("本月办结的即办件中，受理当日办结的件数 ÷ 本月办结的即办件数。"), "rate")(
    _rate("instant_same_day", "instant"))
indicator("on_time_rate", _l("按时办结率"),
          _l("本月办结件中，办结时间不晚于承诺期限的件数 ÷ 本月办结件数。"), "rate")(
    _rate("on_time", "concluded"))
indicator("early_rate", _l("提前办结率"),
          _l("本月办结件中，比承诺期限提前至少一个工作日办结的件数 ÷ 本月办结件数。"), "rate")(
    _rate("early", "concluded"))
indicator("deemed", _l("超时默认件数"),
          _l("本月办结、按超时默认制视为同意（超时默认准予）的办件数，后果由该单位承担。"),
          "count")(_count("deemed"))
indicator("two_visits_rate", _l("两次办结率"),
          _l("本月办结件中，补正（一次性告知）不超过一次、申请人最多跑两次的件数 ÷ 本月办结件数。"),
          "rate")(_rate("two_visits", "concluded"))
