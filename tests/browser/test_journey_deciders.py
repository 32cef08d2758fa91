"""The deciders' main journeys, at 1440 and 390 px: the approving leader (分管领导) decides a
承诺件 outside the chief's letter, and the chief representative (首席代表) one his letter
(授权书) lets him approve himself. Each opens the inbox and the decision task, sees the
window's review, decides 准予许可 and sees the case."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser import seed
from tests.browser.conftest import Journey, sign_in

pytestmark = pytest.mark.browser


def decide_and_see_the_case(journey: Journey, case, opinion: str, holder: str = "") -> None:
    page = journey.page
    page.goto("/")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    link = page.locator(f'a[href="/tasks/{case.task_id}"]')
    row = page.get_by_role("row").filter(has=link)
    expect(row).to_contain_text(case.case_no)
    journey.shot("01-inbox")

    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(case.task_title)
    expect(page.locator("main")).to_contain_text(case.case_no)
    expect(page.locator("main")).to_contain_text(opinion)  # the window's review, read-only
    if holder:  # already his, by the letter: nothing to claim
        expect(page.locator("xpath=//dt[normalize-space()='认领人']/following-sibling::dd[1]")
               ).to_have_text(holder)
    else:
        page.get_by_role("button", name="认领").click()
    page.get_by_label("准予许可", exact=True).check()
    journey.shot("02-decision-task")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("status")).to_contain_text(f"已办理：{case.task_title}")
    expect(page.locator(f'a[href="/tasks/{case.task_id}"]')).to_have_count(0)
    journey.shot("03-decided")

    page.goto(f"/cases/{case.instance_id}")
    expect(page.get_by_role("heading", name="办件详情")).to_be_visible()
    expect(page.get_by_role("table", name="办件详情").get_by_role("row", name=re.compile("办件编号"))).to_contain_text(case.case_no)
    # Decided: the case waits for the window to deliver (办结送达) the decision.
    expect(page.get_by_role("main")).to_contain_text("办结送达")
    journey.shot("04-case")


def test_leader_decides_a_case_outside_the_letter(live_app, wide_and_narrow):
    opinion = "材料齐全，经营场所符合要求，建议准予"
    case = seed.reviewed(live_app, "MSA-002", "孙八餐饮店", opinion)  # not in MSA's letter
    assert (case.task_name, case.assignee) == ("department_decision", None)  # MSA's leaders
    journey = Journey(wide_and_narrow, "leader")
    sign_in(journey.page, "leader")
    decide_and_see_the_case(journey, case, opinion)


def test_chief_decides_a_case_his_letter_grants(live_app, wide_and_narrow):
    opinion = "小作坊条件符合规定，建议准予"
    case = seed.reviewed(live_app, "MSA-003", "周九食品作坊", opinion)  # MSA's letter: FULL
    assert (case.task_name, case.assignee) == ("department_decision", "chief")  # the letter's
    journey = Journey(wide_and_narrow, "chief")
    sign_in(journey.page, "chief")
    decide_and_see_the_case(journey, case, opinion, holder="首席代表 陈静")


def test_the_case_page_records_the_decision(live_app, page):
    case = seed.reviewed(live_app, "MSA-003", "陈十五食品作坊", "符合规定")
    with live_app.app_context():
        seed.complete(case.instance_id, "department_decision", "chief", decision="approve")
    sign_in(page, "chief")
    page.goto(f"/cases/{case.instance_id}")
    record = page.get_by_role("main")
    expect(record).to_contain_text("准予许可", timeout=1000)
    expect(record).to_contain_text("首席代表 陈静", timeout=1000)  # who decided
