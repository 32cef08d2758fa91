"""一口式收费 in the browser, at 1280 px: the department assesses a fee on an accepted case
(asked first), the settlement window (结算窗口) takes it against a paper receipt number
(asked first), and the day's reconciliation shows it; then the agent's 全程代办 list and the
administrator's center page (复议机关, 诉讼法院)."""
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from app.models import db
from app.services import catalog
from tests.browser import seed
from tests.browser.conftest import Journey, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def priced_item(live_app):
    """MSA-002 with a structured 收费标准 for this test only."""
    with live_app.app_context():
        item = catalog.current("MSA-002")
        before = item.fee, item.fee_amount, item.fee_unit
        item.fee, item.fee_amount, item.fee_unit = "工本费 每证25元", Decimal("25.00"), ""
        db.session.commit()
    yield
    with live_app.app_context():
        item = catalog.current("MSA-002")
        item.fee, item.fee_amount, item.fee_unit = before
        db.session.commit()


def test_a_fee_is_assessed_paid_at_the_settlement_window_and_reconciled(live_app, page,
                                                                        priced_item):
    instance_id = seed.accepted(live_app, "MSA-002", "吴十六食品店")
    journey = Journey(page, "cashier")
    sign_in(page, "clerk")
    page.goto(f"/cases/{instance_id}")
    fees = page.locator("#fees")
    fees.get_by_text("核定收费").click()
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    fees.get_by_role("button", name="出具缴费通知书").click()
    expect(page.locator("#fee-outstanding")).to_contain_text("待缴 ¥25.00")
    assert questions and "通知书编号出具后不能撤回" in questions[0]
    notice = page.locator("#fee-assessments a").first.inner_text()
    assert re.fullmatch(r".+缴〔\d{4}〕\d+号", notice), notice
    journey.shot("01-assessed")

    page.context.clear_cookies()
    sign_in(page, "cashier")
    page.goto("/cashier")
    page.get_by_label("办件编号、查询码或缴费通知书编号").fill(notice)
    page.get_by_role("button", name="查找").click()
    page.get_by_label("实收金额（元）").fill("25.00")
    page.get_by_label("缴款方式").select_option(label="扫码")
    page.get_by_label("票据号（非税收入票据上的号码）").fill("FS2026-0000188")
    journey.shot("02-cashier")
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="登记缴费").click()
    expect(page.get_by_role("main")).to_contain_text("票据号 FS2026-0000188")
    assert "确认已收取 ¥25.00" in questions[-1]
    journey.shot("03-paid")

    page.get_by_role("link", name="收费日对账").click()
    expect(page.get_by_role("main")).to_contain_text("县市场监督管理局")
    expect(page.get_by_role("main")).to_contain_text("¥25.00")
    journey.shot("04-reconciliation")


def test_the_agent_and_the_administrator_pages_of_intake(page):
    journey = Journey(page, "intake-admin")
    sign_in(page, "agent")
    page.goto("/agency/projects")
    expect(page.get_by_role("heading", level=1)).to_contain_text("全程代办")
    journey.shot("01-agency")
    page.context.clear_cookies()
    sign_in(page, "admin")
    page.goto("/admin/organization")
    page.get_by_role("link", name=re.compile("编辑|中心信息")).first.click()
    expect(page.get_by_role("main")).to_contain_text("复议")
    journey.shot("02-center")
