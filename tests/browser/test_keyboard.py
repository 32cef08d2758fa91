"""Keyboard only, at 1440 and 390 px: sign in, claim and complete a task with Tab, Space,
Enter and typing; no mouse and no element.click(). Every element that takes the focus on the
way must show it (an outline) and be scrolled into view."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PASSWORD, screenshot

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
  return {
    what: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.name ? '[name=' + e.name + ']' : '')
          + ' ' + (e.getAttribute('aria-label') || e.innerText || e.value || '').trim().slice(0, 30),
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1,
    rect: [r.left, r.top, r.right, r.bottom].map(Math.round),
    // less than a pixel out is layout rounding: Chromium scrolls by whole pixels
    in_view: r.width > 0 && r.height > 0 && r.top > -1 && r.left > -1
             && r.bottom < innerHeight + 1 && r.right < innerWidth + 1,
  };
}"""


def focus_shows(page) -> dict:
    """Where the focus is; fails unless it is visible there."""
    state = page.evaluate(FOCUSED)
    assert state["outline"], f"no focus outline on {state['what']}"
    assert state["in_view"], (f"focused {state['what']} is not in view: {state['rect']} "
                              f"(left, top, right, bottom) in {page.viewport_size}")
    return state


def tab_to(page, selector: str, limit: int = 150) -> list[str]:
    """Press Tab until the focus is on `selector`; returns what had the focus on the way."""
    # A Tab pressed while the page is still loading lands on a document without its focus
    # order yet (the focus stays on <body>): start from the loaded page.
    page.wait_for_load_state("load")
    path = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        try:
            path.append(focus_shows(page)["what"])
        except AssertionError as missing:
            raise AssertionError(f"{missing}, after {path}") from None
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return path
    raise AssertionError(f"{selector} not reached in {limit} Tabs: {path}")


def test_sign_in_claim_and_complete_with_the_keyboard_only(wide_and_narrow, group_case):
    page = wide_and_narrow
    width = page.viewport_size["width"]
    page.goto("/login")
    expect(page.get_by_label("用户名")).to_be_focused()  # autofocus
    focus_shows(page)
    page.keyboard.type("clerk")
    page.keyboard.press("Tab")
    expect(page.get_by_label("密码")).to_be_focused()
    focus_shows(page)
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    expect(page.get_by_role("heading", name="我的待办")).to_be_visible()

    task_link = f'a[href="/tasks/{group_case.task_id}"]'
    tab_to(page, task_link)
    screenshot(page, f"keyboard-{width}-01-inbox-task-link-focused")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/tasks/{group_case.task_id}$"))

    tab_to(page, f'form[action$="/tasks/{group_case.task_id}/claim"] button')
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="释放任务")).to_be_visible()

    accept = page.get_by_label("予以受理（属于本部门职权范围）")
    tab_to(page, 'input[name="within_remit"][value="true"]')  # the group's first choice
    focus_shows(page)
    page.keyboard.press("Space")
    expect(accept).to_be_checked()
    page.keyboard.press("Tab")  # 重大项目: left as it is
    expect(page.locator("#field-major_project")).to_be_focused()
    materials = page.get_by_role("group", name="已收材料").get_by_role("checkbox")
    for i in range(materials.count()):
        page.keyboard.press("Tab")
        expect(materials.nth(i)).to_be_focused()
        focus_shows(page)
        page.keyboard.press("Space")
        expect(materials.nth(i)).to_be_checked()
    tab_to(page, f'form[action$="/tasks/{group_case.task_id}"] button[type=submit]')
    screenshot(page, f"keyboard-{width}-02-task-submit-focused")
    page.keyboard.press("Enter")

    page.wait_for_url(re.compile(r"/cases/\d+$"))  # accepted (受理): the case page
    expect(page.get_by_role("status")).to_contain_text("已受理，办件编号")
    page.goto(page.url.rsplit("/cases/", 1)[0] + "/")
    expect(page.locator(task_link)).to_have_count(0)
