"""One way of writing a time for people: local (Asia/Shanghai), dates, relative phrases."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from app.services.workflow import time_text

UTC_EVENING = datetime(2026, 3, 2, 15, 59, tzinfo=timezone.utc)  # 23:59 in Shanghai


def test_moments_are_written_on_the_centers_clock(app):
    with app.app_context():
        assert time_text.local_datetime(UTC_EVENING) == "2026-03-02 23:59"
        assert time_text.local_datetime("2026-03-02T15:59:00+00:00") == "2026-03-02 23:59"
        assert time_text.local_date(datetime(2026, 3, 2, 16, 30, tzinfo=timezone.utc)) \
            == "2026-03-03"  # past midnight in Shanghai
        assert time_text.local_date(date(2026, 3, 2)) == "2026-03-02"
        assert time_text.local_datetime("2026-03-02") == "2026-03-02"  # a day is not a moment
        assert time_text.local_datetime(None) == "—"
        assert time_text.document_date(UTC_EVENING) == "2026年03月02日"
        assert time_text.local_iso(UTC_EVENING) == "2026-03-02T23:59:00+08:00"


def test_iso_moments_inside_a_text_become_local(app):
    with app.app_context():
        text = '{"due": "2026-03-02T15:59:00+00:00", "day": "2026-03-02"}'
        assert time_text.in_text(text) == '{"due": "2026-03-02 23:59", "day": "2026-03-02"}'


def test_relative_phrases_in_both_languages(app):
    now = UTC_EVENING - timedelta(minutes=56)
    with app.test_request_context("/?lang=zh"):
        assert time_text.relative(UTC_EVENING, now) == "还有 56 分钟"
        assert time_text.relative(UTC_EVENING, now + timedelta(hours=3)) == "已超过 2 小时"
        assert time_text.relative(UTC_EVENING, now - timedelta(days=3)) == "还有 3 天"
    with app.test_request_context("/?lang=en"):
        assert time_text.relative(UTC_EVENING, now) == "56 minutes left"
        assert time_text.relative(UTC_EVENING, UTC_EVENING + timedelta(days=1)) \
            == "1 day overdue"
