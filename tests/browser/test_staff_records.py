"""An administrator sends a person to a window: refused while the staff record falls short of
the seeds' rules (在编, 2 years, 执法资格), taken once it is filled in, and sent back to their
unit (退回原单位) only after ticking the confirmation."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_admin_records_a_clerk_and_sends_them_back(page, page_guard):
    page_guard.allow_status(400, "/admin/staff")
    sign_in(page, "admin")
    page.goto("/admin/staff")
    create = page.locator("form", has=page.get_by_role("button", name="新增人员"))
    create.get_by_label("用户名").fill("xin_lai")
    create.get_by_label("姓名").fill("窗口人员 新来")
    create.get_by_label("初始密码（至少8位）").fill("correct horse")
    create.get_by_label("窗口人员 — 县市场监督管理局").check()
    create.get_by_label("在本单位工作起始日期").fill("2025-09-01")
    create.get_by_role("button", name="新增人员").click()

    refused = page.locator("form", has=page.get_by_role("button", name="新增人员"))
    expect(refused).to_contain_text("不符合窗口人员配备要求")
    expect(refused).to_contain_text("须为本单位正式在编人员")
    expect(refused).to_contain_text("须在本单位工作 2 年以上")
    expect(refused).to_contain_text("须具备实施行政执法资格")
    expect(refused.get_by_label("用户名")).to_have_value("xin_lai")  # nothing typed twice
    expect(refused.get_by_label("窗口人员 — 县市场监督管理局")).to_be_checked()
    screenshot(page, "staff-01-refused", fits=False)

    refused.get_by_label("初始密码（至少8位）").fill("correct horse")
    refused.get_by_label("正式在编").check()
    refused.get_by_label("在本单位工作起始日期").fill("2019-09-01")
    refused.get_by_label("行政执法证号").fill("黔执法-2722-0999")
    refused.get_by_role("button", name="新增人员").click()
    row = page.get_by_role("row").filter(has_text="xin_lai")
    expect(row).to_contain_text("符合")

    row.get_by_role("link", name="编辑角色与档案").click()
    record = page.locator("form", has=page.get_by_role("button", name="保存档案"))
    expect(record.get_by_label("行政执法证号")).to_have_value("黔执法-2722-0999")
    expect(record.get_by_label("正式在编")).to_be_checked()
    send_back = page.locator("form", has=page.get_by_role("button", name="退回原单位"))
    send_back.get_by_label("退回原因").fill("试用期考核不合格")
    screenshot(page, "staff-02-record-and-send-back", fits=False)
    send_back.get_by_role("button", name="退回原单位").click()
    expect(page.get_by_label("确认退回", exact=False)).not_to_be_checked()  # the browser stops it
    page.get_by_label("确认退回", exact=False).check()
    send_back.get_by_role("button", name="退回原单位").click()
    row = page.get_by_role("row").filter(has_text="xin_lai")
    expect(row).to_contain_text("退回原单位")
    expect(row).to_contain_text("已停用")
    screenshot(page, "staff-03-sent-back", fits=False)
