"""The administrator's (中心管理员) main journey, at 1440 and 390 px: the monitor (监控看板),
a case's instance page, firing one of its timers after the confirmation page, the working-day
calendar and the organization. Pages are reached by URL, as the navigation may be a menu."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser import seed
from tests.browser.conftest import Journey, sign_in
from tests.conftest import DEMO_DAY

pytestmark = pytest.mark.browser


def state_of(page):
    return page.locator("xpath=//dt[normalize-space()='状态']/following-sibling::dd[1]").first


def test_admin_monitors_fires_a_timer_and_sees_calendar_and_organization(live_app,
                                                                         wide_and_narrow):
    instance_id = seed.accepted(live_app, "MSA-002", "冯十二")
    journey = Journey(wide_and_narrow, "admin")
    page = journey.page
    sign_in(page, "admin")

    page.goto("/admin/dashboard")
    expect(page.get_by_role("heading", name="运行概况", level=1)).to_be_visible()
    journey.shot("01-dashboard")

    page.goto(f"/admin/instances/{instance_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"流程实例 #{instance_id}")
    expect(state_of(page)).to_have_text("运行中")
    fire_link = page.get_by_role("link", name="立即触发…")
    timer_row = page.get_by_role("row").filter(has=fire_link).first  # the soonest
    timer_name = timer_row.get_by_role("cell").first.inner_text().strip()
    fire = timer_row.get_by_role("link", name="立即触发…")
    journey.shot("02-instance")

    fire.click()
    expect(page.get_by_role("heading", name="立即触发定时器", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(timer_name)  # the one timer, named
    expect(page.get_by_text("此操作不可撤销")).to_be_visible()
    expect(page.get_by_text("其他定时器不受影响")).to_be_visible()
    page.get_by_label("原因（记入审计日志）").fill("核对预警通知的送达")
    journey.shot("03-confirm-fire-timer")
    page.get_by_role("button", name="确认立即触发").click()
    page.wait_for_url(re.compile(rf"/admin/instances/{instance_id}"))
    expect(page.get_by_role("status")).to_have_text("已立即触发定时器。")
    expect(state_of(page)).to_have_text("运行中")
    journey.shot("04-timer-fired")

    page.goto("/admin/calendar")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"工作日历 {DEMO_DAY.year}年{DEMO_DAY.month}月")  # the center's clock's month
    journey.shot("05-calendar")

    page.goto("/admin/organization")
    expect(page.get_by_role("heading", name="中心与部门", level=1)).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("姚安县政务服务中心")
    expect(page.get_by_role("main")).to_contain_text("县市场监督管理局")
    journey.shot("06-organization")
