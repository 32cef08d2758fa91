"""The applicant's journey on the public site, at 1440 and 390 px, without signing in: read
the item's guide, then look the case up with the number and query code from the 受理通知书
(a wrong code first), and download the notice (issue 17)."""
import re

import pytest
from playwright.sync_api import expect

from app.models import Case, db
from tests.browser import seed
from tests.browser.conftest import Journey

pytestmark = pytest.mark.browser


def test_applicant_reads_the_guide_and_looks_up_the_case(wide_and_narrow, live_app, page_guard):
    page = wide_and_narrow
    journey = Journey(page, "applicant")
    instance_id = seed.accepted(live_app, "MSA-002", f"申请人{journey.width}")
    with live_app.app_context():
        case = db.session.query(Case).filter_by(instance_id=instance_id).one()
        case_no, code = case.case_no, case.query_code

    page.goto("/public/")
    expect(page.get_by_role("heading", name="办事服务")).to_be_visible()
    journey.shot("01-home")
    page.goto("/public/items?q=食品经营")
    page.get_by_role("link", name=re.compile("食品经营许可证核发")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("食品经营许可证核发")
    expect(page.locator("main")).to_contain_text("设定依据")
    journey.shot("02-guide")

    # From the QR code on the notice: the number is filled in; a wrong code is refused.
    page.goto(f"/public/lookup?case_no={case_no}")
    expect(page.get_by_label("办件编号")).to_have_value(case_no)
    page.get_by_label("查询码或证件号码后六位").fill("WRONG123")
    page_guard.allow_status(404, "/public/lookup")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_role("alert")).to_contain_text("未找到该办件")
    journey.shot("03-lookup-refused")

    page.get_by_label("办件编号").fill(case_no)
    page.get_by_label("查询码或证件号码后六位").fill(code.lower())  # as typed on a phone
    page.get_by_role("button", name="查询").click()
    result = page.get_by_role("region", name="食品经营许可证核发")
    expect(result).to_contain_text(case_no)
    expect(result).to_contain_text("承诺办结期限")
    expect(page.locator("main")).not_to_contain_text("张丽")  # the clerk's name stays inside
    journey.shot("04-lookup-result")
    link = result.get_by_role("link", name="受理通知书").get_attribute("href")
    notice = page.request.get(link)  # with the page's cookies, still no staff session
    assert notice.ok and notice.headers["content-type"] == "application/pdf"
    assert notice.body().startswith(b"%PDF")
