"""Working-day arithmetic (行政许可法 art. 82), on the seeded calendar table."""
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.services import calendar
from app.services.calendar import admin as calendar_admin
from app.services.calendar import rules as calendar_rules
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput
from tests.conftest import DATA


@pytest.mark.parametrize("start, days, expected", [
    ("2025-09-26", 5, "2025-10-10"),  # across 国庆 with the 09-28 and 10-11 调休 days
    ("2026-02-13", 5, "2026-02-27"),  # across 春节, 02-14 is a 调休 working Saturday
    ("2026-02-10", 20, "2026-03-16"),
    ("2026-03-02", 10, "2026-03-16"),
])
def test_add_working_days_matches_published_arrangements(session, start, days, expected):
    assert calendar.add_working_days(date.fromisoformat(start), days).date().isoformat() == expected


def test_acceptance_day_is_not_counted_and_deadline_is_end_of_day(session):
    deadline = calendar.add_working_days("2026-03-02T10:00:00+08:00", 1)
    assert deadline.isoformat() == "2026-03-03T23:59:59+08:00"


def test_half_days_end_at_noon(session):
    assert calendar.add_working_days("2026-03-02T10:00:00+08:00", 0.5).isoformat() \
        == "2026-03-03T12:00:00+08:00"
    with pytest.raises(ValueError):
        calendar.add_working_days("2026-03-02T10:00:00+08:00", 0.3)


def test_adjusted_weekend_is_a_working_day(session):
    assert calendar.is_workday(date(2026, 2, 14))  # Saturday 调休
    assert not calendar.is_workday(date(2026, 10, 1))


def test_working_days_between(session):
    assert calendar.working_days_between("2025-09-26", "2025-10-10") == 5
    assert calendar.working_days_between("2025-10-10", "2025-09-26") == -5


@pytest.mark.parametrize("start, end", [
    ("2024-12-20", "2026-01-09"),  # across two new years, 春节 and 国庆 twice
    ("2025-12-31", "2026-01-01"), ("2026-01-01", "2026-01-01"), ("2026-10-08", "2031-05-06"),
])
def test_working_days_between_counts_what_the_days_say(session, start, end):
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    by_day = sum(calendar.is_workday(date.fromordinal(n))
                 for n in range(first.toordinal() + 1, last.toordinal() + 1))
    assert calendar.working_days_between(start, end) == by_day
    assert calendar.working_days_between(end, start) == -by_day


def test_a_year_nobody_entered_is_counted_by_the_law_and_provisional(session):
    # 2031-05-01/02 劳动节 by rule (Thu, Fri), then the weekend: 1 WD after 04-30 is 05-05.
    assert calendar.add_working_days(date(2031, 4, 30), 1).date() == date(2031, 5, 5)
    assert calendar.year_status(2031) == "provisional"
    assert calendar.is_provisional(date(2031, 5, 5), since=date(2031, 4, 30))
    assert not calendar.is_provisional(date(2026, 5, 6), since=date(2026, 4, 30))


def test_a_year_beyond_any_horizon_is_a_calendar_error_not_a_crash(session):
    with pytest.raises(calendar.CalendarOutOfRange) as raised:
        calendar.add_working_days(date(2199, 12, 30), 5)
    assert raised.value.code == "calendar_out_of_range"


def test_administrator_edit_changes_deadlines_and_is_audited(session):
    actor = Actor.system("admin-test")
    calendar_admin.set_day("CN", date(2026, 3, 3), False, "local holiday", actor)
    assert calendar.add_working_days(date(2026, 3, 2), 1).date() == date(2026, 3, 4)


def test_added_year_is_stored_by_rule_and_provisional(session):
    actor = Actor.system("admin-test")
    calendar_admin.add_year_by_rule("CN", 2031, actor)
    assert calendar_admin.year_row("CN", 2031).status == "provisional"
    assert not calendar.is_workday(date(2031, 5, 2))  # 劳动节's second day
    with pytest.raises(InvalidInput):
        calendar_admin.add_year_by_rule("CN", 2031, actor)


def test_cli_prints_the_deadline_day(app, session):
    result = app.test_cli_runner().invoke(args=["calendar", "add-working-days", "2025-09-26", "5"])
    assert result.output.strip() == "2025-10-10"


def test_cli_counts_a_year_nobody_entered(app, session):
    result = app.test_cli_runner().invoke(args=["calendar", "add-working-days", "2031-04-30", "1"])
    assert result.output.strip() == "2031-05-05"


STATUTORY = {"元旦": 1, "农历除夕": 1, "春节": 3, "清明节": 1, "劳动节": 2, "端午节": 1,
             "中秋节": 1, "国庆节": 3}  # 《全国年节及纪念日放假办法》 (2024): 13 days


@pytest.mark.parametrize("year", [2027, 2029, 2030, 2032, 2035, 2037, 2040])
def test_a_rule_year_has_the_statutory_days_and_a_weekday_for_each_on_a_weekend(session, year):
    counted = calendar_rules.provisional_year(year)
    own = {day: d for day, d in counted.days.items() if day.year == year}
    statutory = [day for day, d in own.items() if d.note in STATUTORY]
    assert sorted(own[day].note for day in statutory) == sorted(
        name for name, n in STATUTORY.items() for _ in range(n))
    made_up = [day for day, d in own.items() if "补假" in d.note]
    assert len(made_up) == sum(day.weekday() >= 5 for day in statutory)  # art. 6
    assert all(day.weekday() < 5 and not own[day].is_workday for day in made_up)


def test_2027_by_rule_makes_up_the_spring_festival_weekend(session):
    assert not calendar.is_workday(date(2027, 2, 9)) and not calendar.is_workday(date(2027, 2, 10))
    assert calendar.is_workday(date(2027, 2, 11))


def test_the_worker_stores_the_coming_years_before_they_are_needed(session):
    with time_machine.travel(datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        assert calendar_admin.keep_ahead() == [2027, 2028]
        assert calendar_admin.keep_ahead() == []  # idempotent
    assert calendar_admin.year_row("CN", 2027).status == "provisional"
    assert calendar.is_workday(date(2027, 2, 11)) and not calendar.is_workday(date(2027, 2, 10))


def test_the_cli_lists_years_and_confirms_a_notice(app, session, tmp_path):
    notice = tmp_path / "notice.txt"
    notice.write_text((DATA / "notice_2027_test.txt").read_text(encoding="utf-8"), "utf-8")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["calendar", "confirm", "2027", "--notice", str(notice),
                              "--document-no", "国办发明电〔2026〕99号", "--dry-run"])
    assert dry.exit_code == 0 and "2027-01-04" in dry.output
    assert calendar_admin.year_row("CN", 2027) is None
    done = runner.invoke(args=["calendar", "confirm", "2027", "--notice", str(notice),
                               "--document-no", "国办发明电〔2026〕99号"])
    assert done.exit_code == 0, done.output
    listed = runner.invoke(args=["calendar", "years"]).output
    assert re.search(r"2027\s+confirmed.*国办发明电〔2026〕99号", listed)
    bad = runner.invoke(args=["calendar", "confirm", "2028", "--notice", str(tmp_path / "x")])
    assert bad.exit_code != 0
