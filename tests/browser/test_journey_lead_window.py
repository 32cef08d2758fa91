"""The lead window's (牵头窗口) main journey in 联审联办, at 1440 and 390 px: the board (联办看板)
shows each department's answer, the coordination task (牵头窗口协调) what the departments
said, and after a resolved coordination the case goes on to the unified decision."""
import pytest
from playwright.sync_api import expect

from tests.browser import seed
from tests.browser.conftest import Journey, sign_in

pytestmark = pytest.mark.browser

REASONS = "排水设施不符合卫生要求"
CONDITIONS = "燃气管道须经专业单位验收"


def test_lead_window_follows_the_board_and_coordinates(live_app, wide_and_narrow):
    applicant = f"吴十餐饮{wide_and_narrow.viewport_size['width']}"
    case = seed.joint_with_a_rejection(live_app, applicant, REASONS, CONDITIONS)
    assert case.task_name == "coordinate"
    journey = Journey(wide_and_narrow, "lead-window")
    page = journey.page
    sign_in(page, "clerk")

    page.goto("/joint")
    expect(page.get_by_role("heading", level=1)).to_have_text("联办件看板（牵头窗口）")
    row = page.get_by_role("row").filter(has_text=case.case_no)
    expect(row).to_contain_text("开办餐饮店“一件事”联办")
    expect(row).to_contain_text(applicant)
    for answer in ("同意", "附条件同意", CONDITIONS, "不同意"):
        expect(row).to_contain_text(answer)
    coordination = row.get_by_role("link", name="牵头窗口协调")
    expect(coordination).to_be_visible()
    journey.shot("01-board")

    coordination.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("牵头窗口协调")
    main = page.get_by_role("main")
    expect(main).to_contain_text(case.case_no)
    expect(main).to_contain_text("有部门不同意或附加条件")
    page.get_by_label("协调一致：同意办理").check()
    page.get_by_label("协调情况").fill("联合踏勘后申请人整改排水设施，卫健局改为同意")
    journey.shot("02-coordination-task")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("status")).to_contain_text("已办理：牵头窗口协调")

    page.goto("/joint")
    row = page.get_by_role("row").filter(has_text=case.case_no)
    expect(row.get_by_role("link", name="牵头窗口协调")).to_have_count(0)
    expect(row.get_by_role("link", name="统一答复决定")).to_be_visible()
    journey.shot("03-board-after")


def test_the_coordination_task_shows_what_the_departments_said(live_app, page):
    case = seed.joint_with_a_rejection(live_app, "郑十一餐饮", REASONS, CONDITIONS)
    sign_in(page, "clerk")
    page.goto(f"/tasks/{case.task_id}")
    main = page.get_by_role("main")
    expect(main).to_contain_text(REASONS, timeout=1000)
    expect(main).to_contain_text(CONDITIONS, timeout=1000)
