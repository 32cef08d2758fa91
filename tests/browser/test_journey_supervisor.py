"""The supervisor's (效能监察员) journey, at 1440 and 390 px: the month's assessment, the
red and yellow cards, recording a violation (asked first) and the 通报批评 it proposes, the
case file checks and the duty page; then an administrator's document settings of a unit."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Journey, sign_in

pytestmark = pytest.mark.browser


def test_supervisor_assesses_records_a_violation_and_sees_its_consequence(wide_and_narrow):
    journey = Journey(wide_and_narrow, "supervisor")
    page = journey.page
    sign_in(page, "supervisor")

    page.goto("/supervision/assessment")
    expect(page.get_by_role("heading", name="月度效能考评", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("按时办结率")
    journey.shot("01-assessment")

    page.goto("/supervision/cards")
    expect(page.get_by_role("heading", name="红黄牌", level=1)).to_be_visible()
    journey.shot("02-cards")

    page.goto("/supervision/violations")
    unit = "县交通运输局" if journey.on_a_phone else "县文化和旅游局"  # one per width
    page.get_by_label("单位", exact=True).last.select_option(label=unit)
    page.get_by_label("类别", exact=True).last.select_option(label="违反“四条禁令”")
    page.get_by_label("违规情况").fill("窗口工作人员接受服务对象赠送的购物卡")
    journey.shot("03-record-violation")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="登记并上报").click()
    page.wait_for_url(re.compile(r"/supervision/violations"))
    assert questions == ["登记后即报中心并计入问责，确定登记吗？"]
    expect(page.get_by_role("main")).to_contain_text("接受服务对象赠送的购物卡")
    journey.shot("04-registered")

    page.goto("/supervision/accountability")
    expect(page.get_by_role("heading", name="效能问责", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(unit)
    expect(page.get_by_role("main")).to_contain_text("通报批评")
    journey.shot("05-accountability")

    page.goto("/supervision/checks")
    expect(page.get_by_role("heading", name="案卷抽查", level=1)).to_be_visible()
    journey.shot("06-checks")
    page.goto("/supervision/duty")
    expect(page.get_by_role("heading", name="负责人值班", level=1)).to_be_visible()
    journey.shot("07-duty")


def test_an_administrator_sees_a_units_document_number_and_seal(page):
    sign_in(page, "admin")
    page.goto("/admin/organization")
    page.get_by_role("row").filter(has_text="县市场监督管理局").get_by_role(
        "link", name="文书设置").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("县市场监督管理局")
    expect(page.get_by_role("main")).to_contain_text("姚市监受〔")
    expect(page.get_by_role("img", name="印章")).to_be_visible()
    Journey(page, "admin-documents").shot("01-department-documents")
