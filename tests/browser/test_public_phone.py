"""The public catalog and publicity pages at 390 px, without signing in (issue 17)."""
import pytest

from tests.browser.conftest import assert_fits_the_window

pytestmark = pytest.mark.browser
PAGES = {"items": "/public/items", "guide": "/public/items/MSA-002",
         "authorizations": "/public/authorizations", "decisions": "/public/decisions",
         "search": "/public/items?q=许可&department=MSA"}


@pytest.mark.parametrize("where", PAGES)
def test_public_page_fits_a_phone(phone, where):
    phone.goto(PAGES[where])
    assert phone.locator("h1").count() == 1
    assert_fits_the_window(phone, PAGES[where])
