"""The 月度效能考评 pages: the month's table, charts and definitions, the XLSX, the printable
通报, publishing from the page; units read their own rows only, in both languages."""
from __future__ import annotations

import io
import re

import pytest
import time_machine
from openpyxl import load_workbook

from app.services.supervision import assessment
from app.services.workflow.actor import Actor
from tests.conftest import headers_for, user
from tests.supervision.assessment_month import AFTER, MONTH, generate

URL = f"/supervision/assessment?month={MONTH}"


@pytest.fixture
def month(session):
    with time_machine.travel(AFTER, tick=False):
        generate()
        assessment.freeze_past_months(AFTER)
        yield


def _csrf(client, url, user):
    return re.search(r'name="csrf_token" value="([^"]+)"',
                     client.get(url, headers=headers_for(user)).text).group(1)


def test_the_center_reads_every_unit_with_definitions_and_charts(client, month):
    page = client.get(URL, headers=headers_for("supervisor"))
    assert page.status_code == 200
    text = page.text
    for words in ("县市场监督管理局", "县自然资源和规划局", "按时办结率", "66.7%（4/6）", "已冻结",
                  "bar-fill", "指标定义", "发布本月考评", 'data-confirm="'):
        assert words in text, words
    staff = client.get(URL + "&by=staff", headers=headers_for("supervisor")).text
    assert "窗口人员 张丽" in staff or "张丽" in staff


def test_publishing_from_the_page_then_the_unit_sees_its_own_rows_only(client, month):
    withheld = client.get(URL, headers=headers_for("leader")).text
    assert "尚未发布" in withheld and "66.7%（4/6）" not in withheld
    answer = client.post(f"/supervision/assessment/{MONTH}/publish",
                         data={"csrf_token": _csrf(client, URL, "supervisor")},
                         headers=headers_for("supervisor"))
    assert answer.status_code == 303
    page = client.get(URL, headers=headers_for("leader")).text
    assert "66.7%（4/6）" in page and "县自然资源和规划局" not in page and "已发布" in page
    bulletin = client.get(f"/supervision/assessment/{MONTH}/bulletin", headers=headers_for("leader"))
    assert bulletin.status_code == 200 and "效考〔2026〕3号" in bulletin.text
    assert "县自然资源和规划局" not in bulletin.text
    again = client.post(f"/supervision/assessment/{MONTH}/recompute",
                        data={"csrf_token": _csrf(client, URL, "supervisor")},
                        headers=headers_for("supervisor"))
    assert again.status_code == 409  # a published month never changes


def test_the_xlsx_has_a_sheet_per_dimension_and_the_unit_only_its_rows(client, month):
    supervisor = user("supervisor")
    for viewer, units in (("supervisor", {"县市场监督管理局", "县自然资源和规划局"}),
                        ("leader", {"县市场监督管理局"})):
        if viewer == "leader":  # units read a month once it is published
            assessment.publish(MONTH, supervisor, Actor.of(supervisor))
        answer = client.get(f"/supervision/assessment/{MONTH}.xlsx", headers=headers_for(viewer))
        assert answer.status_code == 200
        book = load_workbook(io.BytesIO(answer.data))
        assert book.sheetnames == ["单位", "窗口", "工作人员", "指标定义"]
        names = {row[0].value for row in book["单位"].iter_rows(min_row=2)}
        assert units <= names and (viewer == "supervisor" or names == units)
        header = [c.value for c in book["单位"][1]]
        on_time = header.index("按时办结率")
        msa = next(r for r in book["单位"].iter_rows(min_row=2, values_only=True)
                   if r[0] == "县市场监督管理局")
        assert msa[on_time] == pytest.approx(4 / 6)


def test_a_bad_month_is_a_400_naming_it_and_others_are_refused(client, month):
    for bad in ("2026-13", "x", "2027-01"):
        answer = client.get(f"/supervision/assessment?month={bad}",
                            headers=headers_for("supervisor"))
        assert answer.status_code == 400 and "月份" in answer.text
    assert client.get("/supervision/assessment/bad.xlsx",
                      headers=headers_for("supervisor")).status_code == 400


def test_the_page_in_english(client, month):
    page = client.get(URL + "&lang=en", headers=headers_for("supervisor"))
    assert page.status_code == 200
    for words in ("Monthly assessment", "On-time completion rate", "Definitions"):
        assert words in page.text, words
    assert "按时办结率" not in page.text


def test_the_json_api(client, month):
    answer = client.get(f"/api/supervision/assessment?month={MONTH}&by=window",
                        headers=headers_for("supervisor"))
    assert answer.status_code == 200
    body = answer.get_json()
    assert body["state"] == "frozen" and body["by"] == "window"
    row = next(r for r in body["rows"] if r["name"] == "市场监管窗口")
    assert row["values"]["on_time_rate"] == [4, 6] and row["values"]["overdue_days"] == 21
    assert client.get("/api/supervision/assessment?by=nope",
                      headers=headers_for("supervisor")).status_code == 400
    assert client.get("/api/supervision/assessment?month=2026-99",
                      headers=headers_for("supervisor")).get_json()["code"] == \
        "assessment_month_invalid"
    assert client.get("/api/supervision/assessment",
                      headers=headers_for("designer")).status_code in (403, 401)


def test_the_bulletin_ranks_the_units_and_lists_the_overdue_cases(client, month):
    text = client.get(f"/supervision/assessment/{MONTH}/bulletin",
                      headers=headers_for("supervisor")).text
    ranking = text[text.index("一、"):text.index("二、")]
    places = [ranking.index(name) for name in ("县市场监督管理局", "县人力资源和社会保障局")]
    assert places == sorted(places)  # 66.7% before 50.0%
    assert "（未发布" in text  # frozen, not yet numbered
    overdue = text[text.index("三、"):text.index("四、")]
    assert overdue.count("<tr>") == 1 + 5  # the header and the five 超时件 (c2 c5 c6 c7 u2)
    assert "月底未办结" in overdue and ">17<" in overdue


def test_the_bulletin_as_pdf(client, month):
    answer = client.get(f"/supervision/assessment/{MONTH}/bulletin.pdf",
                        headers=headers_for("supervisor"))
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF") and len(answer.data) > 5000
    assert b"NotoSerifSC" in answer.data  # the Chinese font embedded


def test_nothing_of_an_unpublished_month_reaches_a_unit(client, month):
    body = client.get(f"/api/supervision/assessment?month={MONTH}",
                      headers=headers_for("leader")).get_json()
    assert body["withheld"] and body["rows"] == [] and body["overdueCases"] == []
    book = load_workbook(io.BytesIO(client.get(f"/supervision/assessment/{MONTH}.xlsx",
                                               headers=headers_for("leader")).data))
    assert book["单位"].max_row == 1  # the header only
