"""A window clerk's day in the browser: sign in, take in a case, claim a waiting task from the
inbox, have the form refused by the server, correct it and complete the task."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_clerk_takes_in_a_case_then_claims_and_completes_a_group_task(page, page_guard,
                                                                       group_case):
    sign_in(page, "clerk", shot="clerk-01-login")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()

    # Intake (接件): the clerk's own new case opens on its case page.
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="接件").click()
    expect(page.get_by_role("heading", name="新建办件")).to_be_visible()
    page.get_by_label("事项").select_option("MSA-002")
    page.get_by_label("申请人姓名或名称").fill("李四")
    page.get_by_label("联系电话").fill("13700000000")
    screenshot(page, "clerk-02-intake")
    page.get_by_role("button", name="接件", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    expect(page.get_by_role("heading", name="办件详情")).to_be_visible()
    facts = page.get_by_role("table", name="办件详情")
    expect(facts.get_by_role("row", name=re.compile("申请人"))).to_contain_text("李四，13700000000")
    expect(facts.get_by_role("row", name=re.compile("事项"))).to_contain_text("MSA-002 食品经营许可")
    screenshot(page, "clerk-03-case")

    # The inbox lists the group task, not yet claimed by anyone.
    page.get_by_role("link", name="我的待办").click()
    link = page.locator(f'a[href="/tasks/{group_case.task_id}"]')
    expect(link).to_have_text(group_case.title)
    row = page.get_by_role("row").filter(has=link)
    expect(row).to_contain_text("个体工商户设立登记")
    expect(row).to_contain_text("未认领")
    screenshot(page, "clerk-04-inbox")

    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(group_case.title)
    page.get_by_role("button", name="认领").click()
    expect(page.get_by_role("button", name="释放任务")).to_be_visible()
    expect(page.locator("dd").filter(has_text="窗口人员")).to_be_visible()

    # Refused (不予受理) without reasons: a rule of the JSON Schema (if/then) that only the server
    # knows, so no browser-side validation stands in the way and the page comes back with 400.
    expect(page.get_by_label("予以受理（属于本部门职权范围）")).not_to_be_checked()
    expect(page.get_by_label("不予受理（不属于本部门职权范围）")).not_to_be_checked()
    page.get_by_label("不予受理（不属于本部门职权范围）").check()
    page_guard.allow_status(400, f"/tasks/{group_case.task_id}")
    with page.expect_response(lambda r: r.request.method == "POST") as posted:
        page.get_by_role("button", name="提交").click()
    assert posted.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("表单有误")
    reasons = page.get_by_label("不予受理理由")
    expect(reasons).to_have_attribute("aria-invalid", "true")
    expect(reasons).to_have_attribute("aria-describedby", re.compile(r"field-refusal_reasons-error"))
    error = page.locator("#field-refusal_reasons-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(re.compile("refusal_reasons|不予受理理由"))
    # beside its field: the message sits in the field's own paragraph, right under it
    assert error.evaluate("e => e.closest('p').contains(document.getElementById("
                          "'field-refusal_reasons'))")
    field_box, error_box = reasons.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 60
    screenshot(page, "clerk-05-task-with-error")

    # Corrected: accepted (予以受理), every material received; the refusal section goes away.
    expect(page.get_by_label("不予受理（不属于本部门职权范围）")).to_be_checked()  # kept
    page.get_by_label("予以受理（属于本部门职权范围）").check()
    expect(page.get_by_role("group", name="不予受理", exact=True)).to_be_hidden()
    materials = page.get_by_role("group", name="已收材料").get_by_role("checkbox")
    assert materials.count() >= 2
    for i in range(materials.count()):
        materials.nth(i).check()
    page.get_by_role("button", name="提交").click()
    # 受理: the case page, with its number and the notice to print for the applicant.
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("已受理，办件编号")
    expect(page.get_by_role("link", name="受理通知书").first).to_be_visible()
    screenshot(page, "clerk-06-case-after-accepting")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="我的待办").click()
    expect(page.locator(f'a[href="/tasks/{group_case.task_id}"]')).to_have_count(0)
