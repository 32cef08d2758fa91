"""The case's clock in the browser: the window asks for an extension on the case page, the
department's leader approves it after a confirmation, and the case page shows the moved
deadline, the cap used and the 延长审批期限通知书."""
import re
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.models import HumanTask, Item, User, db
from app.services.workflow import instances, tasks
from app.services.workflow.actor import Actor
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def accepted_case(live_app):
    """An MSA-003 case (7 promised, 20 legal working days) the window has accepted."""
    with live_app.app_context():
        instance = instances.start("service_item", Actor.system("browser-tests"), variables={
            "item_code": "MSA-003", "applicant": {"name": "赵六", "phone": "13600000000"}})
        task = db.session.scalar(sa.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.name == "intake"))
        item = db.session.scalar(sa.select(Item).where(Item.code == "MSA-003",
                                                       Item.superseded_at.is_(None)))
        clerk = db.session.scalar(sa.select(User).where(User.username == "clerk"))
        tasks.complete(task.id, {"within_remit": True, "materials_received": [
            m["code"] for m in item.materials if m.get("required")]}, Actor.of(clerk))
        return SimpleNamespace(instance_id=instance.id)


def test_an_extension_is_asked_on_the_case_page_and_approved_by_the_leader(
        page, page_guard, accepted_case):
    sign_in(page, "clerk")
    page.goto(f"/cases/{accepted_case.instance_id}")
    clock = page.get_by_role("region", name="办理时限")
    expect(clock).to_contain_text("0 / 10 个工作日")
    page.get_by_text("申请延期", exact=True).click()
    page.get_by_label(re.compile("延长工作日")).fill("3")
    page.get_by_label(re.compile("理由")).first.fill("需要现场核查经营场所")
    screenshot(page, "clock-01-request")
    page.get_by_role("button", name="提交审批").click()
    expect(clock).to_contain_text("延期申请 3 个工作日待部门负责人审批")
    page.get_by_role("button", name="退出").click()

    sign_in(page, "leader")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="延期审批").click()
    row = page.get_by_role("row", name=re.compile("需要现场核查经营场所"))
    row.get_by_role("link", name="审批").click()
    expect(page.get_by_text("此操作不可撤销")).to_be_visible()
    screenshot(page, "clock-02-confirm")
    page.get_by_label("意见").fill("同意延期")
    page.get_by_role("button", name="批准延期").click()
    expect(page.get_by_role("status")).to_contain_text("已办理")
    page.goto(f"/cases/{accepted_case.instance_id}")
    expect(page.get_by_role("region", name="办理时限")).to_contain_text("3 / 10 个工作日")
    expect(page.get_by_role("region", name="文书").get_by_role("link", name="延长审批期限通知书")).to_be_visible()
    screenshot(page, "clock-03-case")
