"""The process designer's (流程设计员) main journey, at 1440 and 390 px: the designer index lists
the deployed processes, and the modeler opens one with its diagram drawn on the canvas."""
import pytest
from playwright.sync_api import expect

from tests.browser.conftest import Journey, sign_in

pytestmark = pytest.mark.browser

PROCESS = "joint_approval"  # test_designer deploys new versions of service_item, not of this


def test_designer_opens_a_deployed_process_in_the_modeler(wide_and_narrow):
    journey = Journey(wide_and_narrow, "designer")
    page = journey.page
    sign_in(page, "designer")

    page.goto("/designer")
    expect(page.get_by_role("heading", name="已部署流程", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=PROCESS, exact=True))
    expect(row).to_contain_text("版本 1")
    expect(row).to_contain_text("系统")  # deployed by setup
    journey.shot("01-index")

    row.get_by_role("link", name="在建模器中打开").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PROCESS)
    canvas = page.locator("#modeler-canvas")
    expect(canvas.locator('[data-element-id="coordinate"]')).to_be_visible()  # bpmn-js drew it
    expect(canvas).to_contain_text("牵头窗口协调")
    expect(page.locator("#modeler-status")).to_have_text("")  # loaded, no error
    if not journey.on_a_phone:  # on a phone it is a sliver today (design system pending)
        assert canvas.bounding_box()["width"] >= 0.5 * journey.width
    journey.shot("02-modeler")
