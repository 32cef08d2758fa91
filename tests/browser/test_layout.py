"""The design system in the browser: the daily pages fit a phone (390 px) without scrolling
sideways, the navigation fits one row at 1440 px even for an administrator (who is also a
designer) and marks the current page, and the styles come from this server only."""
import re
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import HumanTask, User, db
from app.services import catalog
from app.services.workflow import instances, tasks
from app.services.workflow.actor import Actor
from tests.browser.conftest import LOCAL_HOSTS, SCREENSHOTS, sign_in

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


@pytest.fixture
def joint_case(live_app):
    """A joint case (开办餐饮店“一件事”联办) at its lead window, for the board."""
    with live_app.app_context():
        instance = instances.start("joint_approval", Actor.system("browser-tests"), variables={
            "item_code": "MSA-005", "applicant": {"name": "赵六餐饮有限公司",
                                                  "phone": "13600000000"}})
        return instance.id


@pytest.fixture
def review_task(live_app):
    """A case the MSA window (`clerk`) accepted: its 窗口审查 task, a decision (建议准予/不予)."""
    with live_app.app_context():
        instance = instances.start("service_item", Actor.system("browser-tests"), variables={
            "item_code": "MSA-002", "applicant": {"name": "孙七", "phone": "13500000000"}})
        clerk = Actor.of(db.session.scalar(sa.select(User).where(User.username == "clerk")))
        intake = db.session.scalar(sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance.id, HumanTask.state == "open"))
        required = [m["code"] for m in catalog.current("MSA-002").materials if m.get("required")]
        tasks.complete(intake, {"within_remit": True, "materials_received": required}, clerk)
        return db.session.scalar(sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance.id, HumanTask.state == "open"))


def photograph(page, name: str) -> None:
    """artifacts/screenshots/layout-<name>-<width>.png; the page must not be wider than the
    window (a wide table scrolls inside its own box)."""
    width = page.viewport_size["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"layout-{name}-{width}.png"), full_page=True)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name}: the page is {scroll_width} px wide at {width} px"


def daily_pages(live_app, group_case, joint_case, review_task) -> dict[str, str]:
    with live_app.app_context():
        joint_task = db.session.scalar(sa.select(HumanTask.id).where(
            HumanTask.instance_id == joint_case, HumanTask.state == "open"))
    pages = {"inbox": "/", "task": f"/tasks/{group_case.task_id}",
             "case": f"/cases/{group_case.instance_id}", "board": "/joint?closed=1",
             "instance": f"/admin/instances/{group_case.instance_id}",
             "review-task": f"/tasks/{review_task}",
             "cases-search": "/cases?applicant=王", "instances": "/admin/instances"}
    if joint_task is not None:
        pages["joint-task"] = f"/tasks/{joint_task}"
    return pages


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390px", "1440px"])
def test_the_daily_pages_fit_the_window(page, live_app, group_case, joint_case, review_task,
                                        viewport):
    page.set_viewport_size(viewport)
    sign_in(page, "admin")
    for name, path in daily_pages(live_app, group_case, joint_case, review_task).items():
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        photograph(page, name)


def test_a_wide_table_scrolls_inside_its_box_on_a_phone(page, group_case):
    page.set_viewport_size(PHONE)
    sign_in(page, "clerk")
    box = page.locator("#section-group .table-scroll")
    expect(box).to_be_visible()
    sizes = box.evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert sizes[0] > sizes[1], "the inbox table was squeezed into the phone instead of scrolling"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_navigation_fits_one_row_and_marks_the_current_page(page):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "admin")  # an administrator may design processes too: the longest menu
    navigation = page.get_by_role("navigation", name="主导航")
    expect(navigation.get_by_role("link", name="流程设计")).to_be_visible()
    tops = navigation.locator(":scope > ul > li").evaluate_all(
        "items => items.map(i => i.getBoundingClientRect().top)")
    assert len(tops) >= 8 and len(set(tops)) == 1, f"the navigation wraps: rows at {set(tops)}"
    header = page.locator(".app-header-inner").evaluate(
        "e => [e.getBoundingClientRect().height, e.scrollWidth, e.clientWidth]")
    assert header[0] < 70 and header[1] <= header[2], f"the header wraps or overflows: {header}"
    photograph(page, "navigation")

    # The current page, and the group it is in.
    expect(navigation.get_by_role("link", name="我的待办")).to_have_attribute("aria-current", "page")
    navigation.locator("summary", has_text="监督").click()
    navigation.get_by_role("link", name="流程实例").click()
    expect(page).to_have_url(re.compile(r"/admin/instances$"))
    current = navigation.locator('[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("流程实例")
    expect(navigation.locator("summary.is-current")).to_have_text("监督")


def test_the_menus_work_with_the_keyboard(page):
    page.set_viewport_size(DESKTOP)
    sign_in(page, "admin")
    navigation = page.get_by_role("navigation", name="主导航")
    summary = navigation.locator("summary", has_text="配置")
    link = navigation.get_by_role("link", name="工作日历")
    expect(link).to_be_hidden()
    summary.focus()
    page.keyboard.press("Enter")
    expect(link).to_be_visible()
    page.keyboard.press("Escape")
    expect(link).to_be_hidden()
    expect(summary).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/admin/calendar$"))


def test_the_navigation_collapses_into_a_menu_on_a_phone(page):
    page.set_viewport_size(PHONE)
    sign_in(page, "admin")
    navigation = page.get_by_role("navigation", name="主导航")
    inbox = navigation.get_by_role("link", name="我的待办")
    expect(inbox).to_be_hidden()
    page.locator("summary", has_text="菜单").click()
    expect(inbox).to_be_visible()
    navigation.locator("summary", has_text="监督").click()
    expect(navigation.get_by_role("link", name="监控看板")).to_be_visible()
    photograph(page, "navigation-open")
    navigation.get_by_role("link", name="监控看板").click()
    expect(page).to_have_url(re.compile(r"/admin/dashboard$"))
    expect(inbox).to_be_hidden()  # a new page starts with the menu closed


def test_styles_and_scripts_are_served_by_this_server(page, group_case):
    sign_in(page, "admin")
    loaded = []
    page.on("response", lambda r: loaded.append((r.url, r.status)) if r.request.resource_type
            in ("stylesheet", "script") else None)
    for path in ("/", f"/tasks/{group_case.task_id}", f"/cases/{group_case.instance_id}",
                 f"/admin/instances/{group_case.instance_id}", "/designer", "/login"):
        page.goto(path)
        sources = page.locator("link[href], script[src]").evaluate_all(
            "items => items.map(e => e.href || e.src)")
        assert sources, path
        for url in sources:
            parts = urlsplit(url)
            assert parts.scheme == "http" and parts.hostname in LOCAL_HOSTS, f"{path}: {url}"
        # Both stylesheets apply: Bootstrap's body rule reads its font variable, which the
        # project's tokens (app.css) set to the CJK font stack.
        font = page.evaluate("getComputedStyle(document.body).fontFamily")
        assert "Noto Sans CJK SC" in font, f"{path}: {font}"
    assert any(url.endswith("/static/vendor/bootstrap/bootstrap.min.css") for url, _ in loaded)
    assert all(status < 400 for _, status in loaded), loaded
