"""The widest pages (the administrator's instance page, monitor and organization, a decision
task's form), each checked at 390 px on its own, so a page that stops fitting a phone is named
by its own test and not only by the journey that passes through it."""
import pytest

from tests.browser import seed
from tests.browser.conftest import assert_fits_the_window, sign_in

pytestmark = pytest.mark.browser
ADMIN_PAGES = {"instance": "/admin/instances/{case}", "dashboard": "/admin/dashboard",
               "organization": "/admin/organization"}


@pytest.fixture(scope="module")
def accepted_case(live_app) -> int:
    return seed.accepted(live_app, "MSA-002", "褚十三")


@pytest.mark.parametrize("where", ADMIN_PAGES)
def test_admin_page_fits_a_phone(phone, accepted_case, where):
    path = ADMIN_PAGES[where].format(case=accepted_case)
    sign_in(phone, "admin")
    phone.goto(path)
    assert_fits_the_window(phone, path)


def test_task_page_fits_a_phone(phone, live_app):
    case = seed.reviewed(live_app, "MSA-002", "卫十四", "材料齐全")
    sign_in(phone, "leader")
    phone.goto(f"/tasks/{case.task_id}")
    assert_fits_the_window(phone, "/tasks/…")
