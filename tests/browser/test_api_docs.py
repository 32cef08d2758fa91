"""An integrator reads the API reference (/api/docs) before holding a token: Swagger UI,
served by this server, shows the contract by area and opens an operation, and nothing is
fetched from another site (the page guard fails on any CSP or console error)."""
import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def test_the_api_reference_shows_and_opens_an_operation(page):
    page.goto("/api/docs")
    page.locator('.opblock-tag[data-tag="Absences"]').wait_for()  # areas in name order
    assert page.get_by_text("OAS 3.1").is_visible()
    assert page.get_by_role("button", name="Authorize").is_visible()
    page.locator(".opblock-summary", has_text="/api/absences").first.click()
    page.get_by_text("Parameters", exact=True).first.wait_for()
    page.get_by_role("button", name="Try it out").first.wait_for()
    assert page.get_by_text("x-permission").first.is_visible()  # who may call it
    assert page.get_by_text('"items"').first.is_visible()  # the answer's example
    screenshot(page, "api-docs")
