"""An administrator in the browser: the monitoring pages, and suspending and resuming an
instance from its page."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def state_of(page):
    """The instance's state, as its page shows it (the first <dl>: 状态)."""
    return page.locator("xpath=//dt[normalize-space()='状态']/following-sibling::dd[1]").first


def test_admin_suspends_and_resumes_an_instance(page, group_case):
    sign_in(page, "admin")
    navigation = page.get_by_role("navigation", name="主导航")

    navigation.locator("summary", has_text="监督").click()  # the oversight menu
    navigation.get_by_role("link", name="监控看板").click()
    expect(page).to_have_url(re.compile(r"/admin/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "admin-01-dashboard")

    navigation.locator("summary", has_text="监督").click()
    navigation.get_by_role("link", name="流程实例").click()
    expect(page.get_by_role("heading", name="流程实例", level=1)).to_be_visible()
    link = page.get_by_role("link", name=f"#{group_case.instance_id}", exact=True)
    row = page.get_by_role("row").filter(has=link)
    expect(row).to_contain_text("个体工商户设立登记")
    expect(row).to_contain_text("运行中")
    expect(row).to_contain_text("2026-03-02")  # started on the demo day, the server's clock
    screenshot(page, "admin-02-instances")

    link.click()
    expect(page).to_have_url(re.compile(rf"/admin/instances/{group_case.instance_id}$"))
    expect(state_of(page)).to_have_text("运行中")
    expect(page.locator("main")).to_contain_text(f"{group_case.title} (intake)")  # open task
    screenshot(page, "admin-03-instance")

    page.get_by_role("button", name=f"挂起 #{group_case.instance_id}").click()  # no reason asked
    expect(page.get_by_role("status")).to_have_text("已挂起流程实例。")
    expect(state_of(page)).to_have_text("已挂起")
    expect(page.get_by_role("button", name=re.compile("^挂起"))).to_have_count(0)
    screenshot(page, "admin-04-instance-suspended")

    page.get_by_role("button", name=f"恢复 #{group_case.instance_id}").click()
    expect(page.get_by_role("status")).to_have_text("已恢复流程实例。")
    expect(state_of(page)).to_have_text("运行中")
    expect(page.get_by_role("button", name=f"挂起 #{group_case.instance_id}")).to_be_visible()

    navigation.locator("summary", has_text="配置").click()  # the configuration menu
    navigation.get_by_role("link", name="工作日历").click()
    expect(page).to_have_url(re.compile(r"/admin/calendar$"))
    expect(page.locator("main")).to_contain_text("2026")  # the demo day's month
    screenshot(page, "admin-05-calendar")
