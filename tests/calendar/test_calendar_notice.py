"""Entering the State Council's notice on the administrator's page, the API and the CLI; a
calendar problem reaches the clerk in the page's language with the form kept, and the API
with a calendar_* code."""
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, CalendarDay, CalendarYear, HumanTask, db
from app.services import calendar
from app.services.calendar import notice as calendar_notice
from app.services.calendar import rules as calendar_rules
from tests.cases.service_item_steps import open_task, required_materials, start_case
from tests.conftest import DATA, headers_for

LOCAL = ZoneInfo("Asia/Shanghai")
NOTICE_2026 = (DATA / "notice_2026.txt").read_text(encoding="utf-8")
NOTICE_2027 = (DATA / "notice_2027_test.txt").read_text(encoding="utf-8")
NOTICE_NO = "国办发明电〔2026〕99号"


@pytest.fixture(autouse=True)
def frozen_clock(session):
    with time_machine.travel(datetime(2026, 12, 21, 9, 30, tzinfo=LOCAL), tick=False) as clock:
        yield clock


def admin():
    return headers_for("admin")


def test_the_published_2026_notice_reads_as_the_library_has_it(session):
    arrangement = calendar_notice.parse(2026, NOTICE_2026)
    counted = calendar_rules.notice_year(2026, arrangement.holidays, arrangement.workdays)
    published = calendar_rules.library_year(2026)
    assert {d: v.is_workday for d, v in counted.days.items() if d.year == 2026} == {
        d: v.is_workday for d, v in published.days.items() if d.year == 2026}
    assert ("春节", date(2026, 2, 15), date(2026, 2, 23)) in arrangement.holidays
    assert date(2026, 2, 28) in arrangement.workdays


@pytest.mark.parametrize("text, says", [
    ("国务院办公厅通知：今年放假安排另行通知。", "编号"),
    ("一、元旦：放假调休，共3天。", "没有找到放假日期"),
    ("一、元旦：2月30日放假，共1天。", "2月30日不存在"),
    ("一、元旦：1月5日至2日放假。", "不是有效的日期范围"),
])
def test_an_unreadable_notice_says_what_is_wrong(session, text, says):
    with pytest.raises(calendar_notice.NoticeUnreadable, match=says):
        calendar_notice.parse(2027, text)


def test_the_page_previews_then_confirms_and_says_how_many_cases_moved(client):
    case_id = start_case(client, "MSA-002")["id"]
    client.post(f"/api/tasks/{open_task(case_id, 'intake').id}/complete", headers=headers_for(
        "clerk"), json={"variables": {"within_remit": True,
                                      "materials_received": required_materials("MSA-002")}})
    page = client.get("/admin/calendar/notice?year=2027", headers=admin())
    assert page.status_code == 200 and "暂定" in page.text
    preview = client.post("/admin/calendar/notice?year=2027", headers=admin(),
                          data={"text": NOTICE_2027, "document_no": NOTICE_NO})
    assert preview.status_code == 200
    table = preview.text.split('id="notice-changes"', 1)[1].split("</table>", 1)[0]
    assert "2027-01-04" in table and "2027-01-09" in table
    assert db.session.get(CalendarYear, ("CN", 2027)) is None  # nothing saved yet
    assert 'name="confirm" value="yes"' in preview.text
    done = client.post("/admin/calendar/notice?year=2027", headers=admin(),
                       data={"text": NOTICE_2027, "document_no": NOTICE_NO, "confirm": "yes"})
    assert done.status_code == 303
    outcome = client.get(done.location, headers=admin()).text
    assert "1 个办件的期限随之调整" in outcome and "2027 年：已核定" in outcome
    row = db.session.get(CalendarDay, ("CN", date(2027, 1, 4)))
    assert row.is_workday is False and row.source == "notice"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "calendar.year_confirmed")) == 1


def test_a_refused_notice_keeps_what_the_administrator_typed(client):
    bad = client.post("/admin/calendar/notice?year=2027", headers=admin(),
                      data={"text": "一、元旦：2月30日放假。", "document_no": NOTICE_NO})
    assert bad.status_code == 400
    assert "2027年2月30日不存在" in bad.text and "一、元旦：2月30日放假。" in bad.text
    assert f'value="{NOTICE_NO}"' in bad.text
    unnumbered = client.post("/admin/calendar/notice?year=2027", headers=admin(), data={
        "text": NOTICE_2027, "document_no": "", "confirm": "yes"})
    assert unnumbered.status_code == 400 and "请填写通知文号" in unnumbered.text
    assert "元旦：1月1日" in unnumbered.text
    assert db.session.get(CalendarYear, ("CN", 2027)) is None


def test_only_administrators_enter_a_notice(client):
    assert client.get("/admin/calendar/notice", headers=headers_for("clerk")).status_code == 403
    refused = client.post("/api/calendar/years/2027/notice", headers=headers_for("leader"),
                          json={"text": NOTICE_2027, "documentNo": NOTICE_NO})
    assert refused.status_code == 403


def test_the_api_previews_confirms_and_lists_the_years(client):
    dry = client.post("/api/calendar/years/2027/notice", headers=admin(),
                      json={"text": NOTICE_2027, "dryRun": True})
    assert dry.status_code == 200
    assert {"day": "2027-01-04", "wasWorkday": True, "isWorkday": False,
            "note": "元旦"} in dry.json["changes"]
    assert db.session.get(CalendarYear, ("CN", 2027)) is None
    done = client.post("/api/calendar/years/2027/notice", headers=admin(),
                       json={"text": NOTICE_2027, "documentNo": NOTICE_NO})
    assert done.status_code == 200 and done.json["status"] == "confirmed"
    years = {y["year"]: y for y in client.get("/api/calendar/years", headers=admin()).json["items"]}
    assert years[2027]["status"] == "confirmed" and years[2027]["documentNo"] == NOTICE_NO
    assert years[2026]["status"] == "confirmed"


@pytest.mark.parametrize("body, code", [
    ({"text": "今年不放假", "documentNo": NOTICE_NO}, "calendar_notice_unreadable"),
    ({"text": NOTICE_2027}, "calendar_document_no_missing"),
    ({"text": 5, "documentNo": NOTICE_NO}, "invalid_input"),
])
def test_the_api_refuses_a_bad_notice_with_a_stable_code(client, body, code):
    response = client.post("/api/calendar/years/2027/notice", headers=admin(), json=body)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json" and response.json["code"] == code


def test_the_api_counts_a_limit_and_says_when_it_is_provisional(client):
    counted = client.get("/api/calendar/deadline?start=2026-12-21T09:30:00%2B08:00&days=10",
                         headers=headers_for("clerk")).json
    assert counted["due"].startswith("2027-01-05") and counted["provisional"] is True
    beyond = client.get("/api/calendar/deadline?start=2199-12-30T09:00:00%2B08:00&days=10",
                        headers=headers_for("clerk"))
    assert beyond.status_code == 422 and beyond.json["code"] == "calendar_out_of_range"
    assert client.get("/api/calendar/deadline?start=2026-12-21&days=x", headers=headers_for(
        "clerk")).json["code"] == "calendar_invalid_days"


def _intake_beyond_the_calendar(client, frozen_clock) -> HumanTask:
    """No letter is in force in 2199: the acceptance is the approving leader's (受理决定权)."""
    frozen_clock.move_to(datetime(2199, 12, 20, 9, 30, tzinfo=LOCAL))
    return open_task(start_case(client, "MSA-002")["id"], "intake")


def test_a_calendar_problem_in_a_step_is_a_calendar_error_and_nothing_is_written(
        client, frozen_clock):
    intake = _intake_beyond_the_calendar(client, frozen_clock)
    response = client.post(f"/api/tasks/{intake.id}/complete", headers=headers_for("leader"),
                           json={"variables": {"within_remit": True, "materials_received":
                                               required_materials("MSA-002")}})
    assert response.status_code == 422 and response.json["code"] == "calendar_out_of_range"
    db.session.refresh(intake)
    assert intake.state == "open"


def test_the_decider_reads_a_calendar_problem_in_chinese_with_the_form_kept(client, frozen_clock):
    intake = _intake_beyond_the_calendar(client, frozen_clock)
    response = client.post(f"/tasks/{intake.id}", headers=headers_for("leader"), data={
        "within_remit": "true", "materials_received": required_materials("MSA-002")})
    assert response.status_code == 422
    assert "工作日历无法计算的年份（2200 年）" in response.text
    assert re.search(r'value="id_card" checked', response.text)
    english = client.post(f"/tasks/{intake.id}?lang=en", headers=headers_for("leader"), data={
        "within_remit": "true", "materials_received": required_materials("MSA-002")})
    assert "calendar cannot count (2200)" in english.text
