"""The window clerk's (窗口受理人员) main journey, at 1440 and 390 px: sign in, take in a
承诺件 (接件) and accept it (受理), land on its case page, find it again in 办件查询 and see the
task in 已办. Pages are reached by URL: the navigation's layout is the design system's."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Journey, sign_in

pytestmark = pytest.mark.browser

CASE_NO = re.compile(r"已受理，办件编号\s*(\S+?)[。，,.\s]")


def test_clerk_takes_in_accepts_and_finds_a_promise_case_again(wide_and_narrow):
    page = wide_and_narrow
    journey = Journey(page, "clerk")
    applicant = f"钱七{journey.width}"
    sign_in(page, "clerk")
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
    journey.shot("01-inbox")

    page.goto("/intake")
    expect(page.get_by_role("heading", name="新建办件")).to_be_visible()
    page.get_by_label("事项").select_option("MSA-002")  # 食品经营许可证核发, a 承诺件
    page.get_by_label("申请人姓名或名称").fill(applicant)
    page.get_by_label("联系电话").fill("13711112222")
    journey.shot("02-intake")
    page.get_by_role("button", name="接件", exact=True).click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    case_url = page.url
    expect(page.get_by_role("heading", name="办件详情")).to_be_visible()
    expect(page.get_by_role("table", name="办件详情").get_by_role("row", name=re.compile("办件编号"))).to_contain_text("受理后生成")
    journey.shot("03-case-received")

    # 受理: the clerk's own intake task, opened from the case page.
    page.get_by_role("link", name=re.compile("接件审查")).click()
    page.wait_for_url(re.compile(r"/tasks/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("接件审查")
    decision = page.get_by_role("group", name="是否受理")
    refusal = page.get_by_role("group", name="不予受理", exact=True)
    expect(refusal).to_be_hidden()  # shown only when refusing
    decision.get_by_label("不予受理（不属于本部门职权范围）").check()
    expect(refusal.get_by_label("不予受理理由")).to_be_visible()
    decision.get_by_label("予以受理（属于本部门职权范围）").check()
    expect(refusal).to_be_hidden()
    materials = page.get_by_role("group", name="已收材料").get_by_role("checkbox")
    for i in range(materials.count()):
        materials.nth(i).check()
    journey.shot("04-intake-review")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(case_url)
    status = page.get_by_role("status")
    expect(status).to_contain_text("已受理，办件编号")
    case_no = CASE_NO.search(status.inner_text() + " ").group(1)
    expect(page.get_by_role("table", name="办件详情").get_by_role("row", name=re.compile("办件编号"))).to_contain_text(case_no)
    expect(page.get_by_role("table", name="办件详情").get_by_role("row", name=re.compile("办理状态"))).to_contain_text("窗口已受理")
    expect(page.get_by_role("region", name="文书").get_by_role("link", name="受理通知书")).to_be_visible()
    journey.shot("05-case-accepted")

    # 办件查询: by the number the applicant was given.
    page.goto("/cases")
    expect(page.get_by_role("heading", name="办件查询")).to_be_visible()
    page.get_by_role("search").get_by_label("办件编号").fill(case_no)
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("共 1 件")).to_be_visible()
    found = page.get_by_role("row").filter(has=page.get_by_role("link", name=case_no))
    expect(found).to_contain_text("食品经营许可证核发")
    expect(found).to_contain_text(applicant)
    journey.shot("06-search")
    found.get_by_role("link", name=case_no).click()
    page.wait_for_url(case_url)

    # 已办: the intake task the clerk just completed, linked to the case.
    page.goto("/tasks/done")
    expect(page.get_by_role("heading", name="已办")).to_be_visible()
    done = page.get_by_role("row").filter(has=page.get_by_role("link", name=case_no))
    expect(done).to_contain_text("接件审查")
    expect(done).to_contain_text(applicant)
    journey.shot("07-done")


def test_clerk_logs_an_enquiry_referred_elsewhere_and_the_supervisor_reads_it(page, page_guard):
    """首问负责: the first-asked clerk logs a question for another unit; the referral needs
    its destination (the refused form keeps what was typed and names the field)."""
    journey = Journey(page, "clerk")
    sign_in(page, "clerk")
    page.goto("/enquiries")
    expect(page.get_by_role("heading", name="首问登记", level=1)).to_be_visible()
    form = page.get_by_role("form", name="登记咨询")
    form.get_by_label("咨询人（可不填）").fill("孙八")
    form.get_by_label("咨询事项").fill("办理建筑工程施工许可需要哪些材料")
    form.get_by_label("引导至承办窗口").check()
    page_guard.allow_status(400, "/enquiries")
    form.get_by_role("button", name="登记").click()
    field = page.get_by_label("引导至（承办窗口或单位，引导时必填）")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("咨询事项")).to_have_value("办理建筑工程施工许可需要哪些材料")
    field.fill("住建局窗口（3号）")
    page.get_by_role("button", name="登记").click()
    rows = page.get_by_role("table").get_by_role("row").filter(has_text="孙八")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("引导至住建局窗口（3号）")
    journey.shot("enquiry-logged")

    page.context.clear_cookies()
    sign_in(page, "supervisor")
    page.goto("/enquiries")
    expect(page.get_by_role("table").get_by_role("row").filter(has_text="孙八")).to_have_count(1)
