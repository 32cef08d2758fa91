"""Working-day arithmetic (行政许可法 art. 82), on the seeded calendar table."""
from datetime import date

import pytest

from app.services import calendar, calendar_admin
from app.services.actor import Actor
from app.services.calendar import CalendarYearMissing


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


def test_missing_year_is_a_clear_error(session):
    with pytest.raises(CalendarYearMissing, match="2031"):
        calendar.add_working_days(date(2031, 5, 6), 3)


def test_administrator_edit_changes_deadlines_and_is_audited(session):
    actor = Actor.system("admin-test")
    calendar_admin.set_day("CN", date(2026, 3, 3), False, "local holiday", actor)
    assert calendar.add_working_days(date(2026, 3, 2), 1).date() == date(2026, 3, 4)


def test_added_year_starts_from_weekends_only_on_request(session):
    actor = Actor.system("admin-test")
    calendar_admin.add_year_from_weekends("CN", 2031, actor)
    assert calendar.add_working_days(date(2031, 5, 2), 1).date() == date(2031, 5, 5)


def test_cli_prints_the_deadline_day(app, session):
    result = app.test_cli_runner().invoke(args=["calendar", "add-working-days", "2025-09-26", "5"])
    assert result.output.strip() == "2025-10-10"


def test_cli_reports_a_missing_year_plainly(app, session):
    result = app.test_cli_runner().invoke(args=["calendar", "add-working-days", "2031-05-06", "3"])
    assert result.exit_code == 1 and "no working-day calendar for 2031" in result.output
