"""好差评 in a browser at 390 px: the SMS link's page (the reasons appear for a 差评), the
window device, and the staff page of 差评 and figures."""
import pytest

from app.models import Case, db
from app.services.evaluation import rating
from tests.browser import seed
from tests.browser.conftest import assert_fits_the_window, screenshot, sign_in

pytestmark = pytest.mark.browser


def _concluded_token(live_app) -> str:
    instance_id = seed.accepted(live_app, "MSA-001", "蒋十五")
    with live_app.app_context():
        seed.complete(instance_id, "decide_on_spot", "chief", decision="approve")
        case = db.session.query(Case).filter_by(instance_id=instance_id).one()
        return rating.rating_token(case)


def test_a_poor_rating_by_the_sms_link_on_a_phone(phone, live_app):
    phone.goto(f"/public/rate/{_concluded_token(live_app)}")
    reasons = phone.get_by_role("group", name="不满意的方面（可多选）")
    assert not reasons.is_visible()
    phone.get_by_role("radio", name="非常满意", exact=True).check()
    assert not reasons.is_visible()
    phone.get_by_role("radio", name="不满意", exact=True).check()
    assert reasons.is_visible()
    phone.get_by_label("办事效率").check()
    phone.get_by_label("具体情况").fill("排队时间过长")
    assert_fits_the_window(phone, "/public/rate/…")
    screenshot(phone, "evaluation-rate-phone")
    phone.get_by_role("button", name="提交评价").click()
    phone.get_by_role("heading", name="感谢您的评价").wait_for()
    assert_fits_the_window(phone, "thanks")


def test_the_window_device_and_the_staff_page_fit_a_phone(phone, live_app):
    sign_in(phone, "admin")
    phone.goto("/window/rate")
    assert_fits_the_window(phone, "/window/rate")
    phone.goto("/evaluations")
    assert_fits_the_window(phone, "/evaluations")
    screenshot(phone, "evaluation-staff-phone")
