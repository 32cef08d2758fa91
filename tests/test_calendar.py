"""Working-day arithmetic (行政许可法 art. 82), on the seeded calendar table."""
from datetime import date

import pytest

from app.services import calendar, calendar_admin
from app.services.actor import Actor
from app.services.errors import InvalidInput


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
