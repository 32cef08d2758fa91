"""An applicant reads a service guide (办事指南) without signing in, at 1440 and 390 px: finds
the item, reads what art. 30 publishes and downloads the blank form; an administrator puts a
sample form online for another item (issue 17)."""
import re

import pytest

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_an_applicant_finds_a_guide_and_downloads_the_blank_form(wide_and_narrow):
    page = wide_and_narrow
    width = page.viewport_size["width"]
    page.goto("/public/")
    page.get_by_role("link", name="办事指南").first.click()
    page.get_by_label("事项名称或编码").fill("食品经营")
    page.get_by_label("办件类型").select_option(label="承诺件")
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"q="))
    screenshot(page, f"public-items-search-{width}")
    page.get_by_role("link", name="食品经营许可证核发").click()
    page.wait_for_url(re.compile(r"/public/items/MSA-002$"))
    guide = page.locator("article.public-guide")
    for heading in ("设定依据", "受理条件", "申请材料", "办理流程", "法定办结时限",
                    "承诺办结时限", "收费标准", "收费依据", "办理地点", "咨询电话",
                    "监督投诉电话"):
        assert guide.locator("dt", has_text=heading).count() == 1, heading
    assert guide.get_by_text("10 个工作日").count() >= 1
    lefts = {round(guide.locator("dt", has_text=h).bounding_box()["x"])
             for h in ("事项名称", "实施编码", "申请材料", "版本")}
    assert len(lefts) == 1, f"the guide's rows are not one under another: {lefts}"
    assert page.get_by_role("button", name="打印本指南").is_visible()
    screenshot(page, f"public-guide-{width}")
    link = guide.get_by_role("link", name="下载空白表格").first
    box = link.bounding_box()
    assert box["height"] >= 24  # a finger can hit it on a phone
    with page.expect_download() as started:
        link.click()
    download = started.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as data:
        assert data.read(5) == b"%PDF-"
    page.emulate_media(media="print")
    assert not page.locator(".app-header").is_visible()
    assert not page.get_by_role("button", name="打印本指南").is_visible()
    screenshot(page, f"public-guide-print-{width}")


def test_an_administrator_puts_a_sample_form_online(page, page_guard, tmp_path):
    page_guard.allow_status(400, "/admin/items/MSA-003/materials/photos/forms")
    sign_in(page, "admin")
    page.goto("/admin/items/MSA-003")
    row = page.locator("#material-application_form")
    row.get_by_label("类型").select_option(label="示范文本")
    form = tmp_path / "示范申请书.pdf"
    form.write_bytes(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n")
    row.locator("input[type=file]").set_input_files(str(form))
    row.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(r"/admin/items/MSA-003"))
    assert page.locator("#material-application_form").get_by_text("示范申请书.pdf").is_visible()
    bad = tmp_path / "page.html"
    bad.write_text("<script>alert(1)</script>")
    page.locator("#material-photos input[type=file]").set_input_files(str(bad))
    page.locator("#material-photos").get_by_role("button", name="上传").click()
    assert page.get_by_role("alert").filter(has_text="不允许上传").is_visible()
    screenshot(page, "admin-item-sample-forms")
    guide = page.context.new_page()
    guide.goto("/public/items/MSA-003")
    assert guide.get_by_role("link", name="下载示范文本").is_visible()
    guide.close()

    # Removing it asks first: dismissed, the form stays; accepted, it is gone.
    remove = page.locator("#material-application_form").get_by_role("button", name=re.compile("删除"))
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    remove.click()
    page.wait_for_timeout(300)
    assert questions and "确定删除吗" in questions[0] and "申请书" in questions[0]
    assert page.locator("#material-application_form").get_by_text("示范申请书.pdf").is_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    page.wait_for_url(re.compile(r"/admin/items/MSA-003"))
    expect_gone = page.locator("#material-application_form").get_by_text("示范申请书.pdf")
    expect_gone.wait_for(state="detached")
