"""A process designer in the bpmn-js modeler: rename an element in the properties panel,
validate, deploy, and get version 2 of service_item."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

ELEMENT = "end_refused"  # an end event: renaming it changes no task the other tests work
NEW_NAME = "不予受理（已告知）"


def test_designer_renames_validates_and_deploys_version_2(page):
    sign_in(page, "designer")
    page.goto("/designer/modeler?key=service_item")
    expect(page.get_by_role("heading", level=1)).to_contain_text("service_item")
    shape = page.locator(f'#modeler-canvas [data-element-id="{ELEMENT}"]')
    expect(shape).to_be_visible()  # bpmn-js drew the stored diagram
    status = page.locator("#modeler-status")
    expect(status).to_have_text("")  # loaded, no error

    shape.click()
    properties = page.locator("#modeler-properties")
    expect(properties).to_contain_text(ELEMENT)
    name = properties.get_by_label("名称")
    expect(name).to_have_value("不予受理")
    name.fill(NEW_NAME)
    name.press("Tab")  # the panel applies the name on change
    expect(page.locator(f'#modeler-canvas [data-element-id="{ELEMENT}_label"]')).to_contain_text(
        NEW_NAME)

    page.get_by_role("button", name="校验").click()
    expect(status).to_have_text("校验通过，可以部署。")
    expect(page.locator("#modeler-problems-summary")).to_have_text("校验通过，可以部署。")
    expect(page.locator("#modeler-problems li")).to_have_count(0)
    screenshot(page, "designer-01-modeler-validated")

    page.get_by_role("button", name="部署为新版本").click()
    expect(status).to_contain_text("已部署 版本 2")
    screenshot(page, "designer-02-modeler-deployed")

    page.goto("/designer/processes/service_item")  # the versions list
    newest = page.get_by_role("row").filter(has_text="版本 2")
    expect(newest).to_contain_text("流程设计员")  # deployed by the signed-in designer
    expect(page.get_by_role("row").filter(has_text="版本 1")).to_contain_text("系统")  # setup's
    screenshot(page, "designer-03-versions")
