"""Where a year's days come from: the State Council's notice, or the rule of the law.

A year the State Council has published (the chinesecalendar package carries them, or an
administrator enters the notice) is confirmed (已核定). Any other year can still be counted:
《全国年节及纪念日放假办法》 fixes the statutory days (2024 revision: 元旦 1, 春节 4 = 除夕 and
初一–初三, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3) and art. 6 makes up (补假) on the next
working day a day for all citizens that falls on a weekend. The `holidays` package computes
those by rule, lunar dates and solar terms included; such a year is provisional (暂定) until the
notice moves its 调休 days.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar
import holidays

from app.models.calendar import CONFIRMED, PROVISIONAL

LIBRARY, RULES, NOTICE = "chinesecalendar", "rules", "notice"
WEEKEND, SHIFTED = "周末", "调休上班"
# Labels of the `holidays` package for days that come from a published arrangement, not from
# the rule: a rule-based year must not carry them (they exist only for published years).
_PUBLISHED_ONLY = ("调休", "延长", "纪念日")


@dataclass(frozen=True)
class Day:
    is_workday: bool
    note: str


@dataclass(frozen=True)
class Year:
    year: int
    status: str
    source: str
    days: dict[date, Day]


def library_years() -> range:
    """The years the chinesecalendar package has official State Council data for."""
    years = sorted({d.year for d in chinese_calendar.holidays})
    return range(years[0], years[-1] + 1)


_CHINESE_NAMES = {h.value: h.chinese for h in chinese_calendar.Holiday}


def _library_day(day: date) -> Day:
    workday = chinese_calendar.is_workday(day)
    _, name = chinese_calendar.get_holiday_detail(day)
    if workday and day.weekday() >= 5:
        return Day(True, SHIFTED)
    if not workday and name:
        return Day(False, _CHINESE_NAMES.get(name, name))
    return Day(workday, "" if workday else WEEKEND)


def _every_day(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


@lru_cache(maxsize=64)
def rule_holidays(year: int) -> dict[date, str]:
    """The statutory days off of `year` by rule, 补假 included, with their Chinese names."""
    found = holidays.China(years=year, language="zh_CN", categories=(holidays.PUBLIC,))
    return {day: name for day, name in sorted(found.items())
            if not any(word in name for word in _PUBLISHED_ONLY)}


def weekend_day(day: date) -> Day:
    return Day(day.weekday() < 5, "" if day.weekday() < 5 else WEEKEND)


def provisional_year(year: int) -> Year:
    """Weekends and the statutory days of the law, before the State Council's notice."""
    off = rule_holidays(year)
    days = {day: Day(False, off[day]) if day in off else weekend_day(day)
            for day in _every_day(year)}
    return Year(year, PROVISIONAL, RULES, days)


def library_year(year: int) -> Year | None:
    if year not in library_years():
        return None
    return Year(year, CONFIRMED, LIBRARY, {day: _library_day(day) for day in _every_day(year)})


def best_year(year: int) -> Year:
    """The published arrangement where the library has it, else the law's rule."""
    return library_year(year) or provisional_year(year)


def notice_year(year: int, holidays_off: list[tuple[str, date, date]],
                workdays: list[date]) -> Year:
    """A year as the State Council's notice writes it: the holiday ranges (放假调休) off, the
    listed weekend days (上班) on, every other day by its weekday. A range may reach into the
    year before (元旦 "2017年12月30日至2018年1月1日"): those days are part of the notice too."""
    days = {day: weekend_day(day) for day in _every_day(year)}
    for name, first, last in holidays_off:
        day = first
        while day <= last:
            days[day] = Day(False, name)
            day += timedelta(days=1)
    for day in workdays:
        days[day] = Day(True, SHIFTED)
    return Year(year, CONFIRMED, NOTICE, days)
