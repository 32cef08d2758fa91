"""Browser tests: headless Chromium (the system's, driven by Playwright) against a live server.

The server is the real application in a thread (werkzeug `make_server`, 127.0.0.1, a port the
OS picks), on its OWN SQLite file set up by the `flask setup` command, so these tests run the
same whatever TEST_DATABASE_URL says; `make test` runs them in its SQLite pass only.

Clock: the center's clock reads DEMO_DAY 09:30 (Asia/Shanghai) when the browser tests begin
and runs on in real time from there (time_machine, tick=True), while a browser test or the
setup runs. time_machine patches the whole process, so the server thread reads the same clock;
outside the browser tests the real clock is back. Deadlines, letters and the calendar page are
those of DEMO_DAY, and the clock never jumps back between tests.

Set CHROMIUM to use another browser binary. Without one the tests are skipped, or fail when
REQUIRE_SERVICES=1 (CI). Never `playwright install`: nothing is downloaded.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from datetime import time as clock_time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace
from unittest import mock
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from werkzeug.security import generate_password_hash
from werkzeug.serving import make_server

from app import create_app
from app.models import HumanTask, db
from app.services.workflow import instances
from app.services.workflow.actor import Actor
from tests.conftest import DEMO_DAY, REQUIRE_SERVICES

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # the `test` extra brings it
    if REQUIRE_SERVICES:
        pytest.fail("playwright is not installed but REQUIRE_SERVICES=1", pytrace=False)
    pytest.skip("playwright is not installed (pip install -e '.[test]')",
                allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
# Kept as CI artifacts: .ci/run says where. A relative SCREENSHOT_DIR is the working directory's.
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR") or ROOT / "artifacts" / "screenshots")
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
VIEWPORT = {"width": 1280, "height": 800}
PASSWORD = "demo"  # every demo account's
START = datetime.combine(DEMO_DAY, clock_time(9, 30), ZoneInfo("Asia/Shanghai"))


class CenterClock:
    """DEMO_DAY 09:30 plus the real time elapsed since the browser tests began."""

    def __init__(self, start: datetime):
        self.start, self.began = start, time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)

    @contextmanager
    def running(self):
        with time_machine.travel(self.now(), tick=True):
            yield


@pytest.fixture(scope="package")
def center_clock() -> CenterClock:
    return CenterClock(START)


@pytest.fixture(autouse=True)
def _center_time(center_clock):
    with center_clock.running():
        yield


# -- the live server ------------------------------------------------------------------------

@pytest.fixture(scope="package")
def live_app(tmp_path_factory, center_clock):
    """The application on its own database, set up by the same command as `make run`."""
    folder = tmp_path_factory.mktemp("browser")
    app = create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'govflow.sqlite'}",
        "SECRET_KEY": "browser-tests",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{folder / 'broker.sqlite'}",
        "CELERY_ALWAYS_EAGER": True,
    })
    # The demo's 40-odd accounts with a cheap hash: scrypt would take seconds to write them
    # and again at every sign-in; checking reads the method from the stored hash.
    cheap_hash = mock.patch("app.models.identity.generate_password_hash",
                            lambda password: generate_password_hash(password, "pbkdf2:sha256:1"))
    with center_clock.running(), cheap_hash, app.app_context():
        # `setup`: migrations, working-day calendar, processes/, demo data (letters of the
        # clock's year, DEMO_DAY's).
        result = app.test_cli_runner().invoke(args=["setup"])
    if result.exception is not None:
        raise result.exception
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture(scope="package")
def live_server(live_app) -> str:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


# -- the browser ----------------------------------------------------------------------------

def _chromium_path() -> str:
    wanted = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    found = shutil.which(wanted)
    if found is None:
        if REQUIRE_SERVICES:
            pytest.fail(f"no Chromium at {wanted} (set CHROMIUM) but REQUIRE_SERVICES=1")
        pytest.skip(f"no Chromium at {wanted} (set CHROMIUM)")
    return found


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all browser tests (package scope: it and the live server
    stop as soon as the last browser test is done, not at the end of the whole run)."""
    executable = _chromium_path()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True,
                                              # native controls (date, file) in Chinese, where
                                              # Debian's chromium-l10n is installed
                                              args=["--no-sandbox", "--lang=zh-CN"])
        try:
            yield chromium
        finally:
            chromium.close()


FAILED_LOAD = re.compile(r"^Failed to load resource: the server responded with a status of "
                         r"(\d{3})\b")


@dataclass
class PageGuard:
    """What a page did that a test must not accept: requests leaving this machine, console
    errors and uncaught script errors. Chromium reports every 4xx/5xx response as a console
    error; a test that provokes one on purpose says so with `allow_status`."""
    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    allowed: set[tuple[int, str]] = field(default_factory=set)

    def allow_status(self, status: int, path: str) -> None:
        """A response `status` from `path` is what the test wants (e.g. a refused form)."""
        self.allowed.add((status, path))

    def on_request(self, request) -> None:
        self.requests.append(f"{request.method} {request.url}")
        if not is_local(request.url):
            self.external.append(request.url)

    def on_console(self, message) -> None:
        if message.type != "error":
            return
        url = message.location.get("url", "")
        failed = FAILED_LOAD.match(message.text)
        if failed and (int(failed.group(1)), urlsplit(url).path) in self.allowed:
            return
        self.console_errors.append(f"{message.text} ({url})")

    def problems(self) -> list[str]:
        return ([f"request to another host: {url}" for url in self.external]
                + [f"console error: {text}" for text in self.console_errors]
                + [f"page error: {text}" for text in self.page_errors])


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


GUARD = pytest.StashKey[PageGuard]()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh browser context (no cookies) and page at 1280x800 on the live server."""
    yield from _guarded_page(browser, live_server, request, VIEWPORT)


# The two widths every journey is walked at: a desktop and a phone (iPhone 12-14).
JOURNEY_VIEWPORTS = {1440: {"width": 1440, "height": 900}, 390: {"width": 390, "height": 844}}


@pytest.fixture(params=sorted(JOURNEY_VIEWPORTS, reverse=True), ids=lambda w: f"{w}px")
def wide_and_narrow(browser, live_server, request):
    """A fresh page at 1440 px, then (the test's second run) at 390 px."""
    yield from _guarded_page(browser, live_server, request, JOURNEY_VIEWPORTS[request.param])


@pytest.fixture
def phone(browser, live_server, request):
    """A fresh page at 390 px."""
    yield from _guarded_page(browser, live_server, request, JOURNEY_VIEWPORTS[390])


def _guarded_page(browser, live_server, request, viewport):
    guard = PageGuard()
    request.node.stash[GUARD] = guard
    context = browser.new_context(viewport=viewport, base_url=live_server, locale="zh-CN",
                                  timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    context.on("request", guard.on_request)

    def keep_local(route):  # recorded by on_request; never let it leave the machine
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route(re.compile(r"^https?://"), keep_local)
    tab = context.new_page()
    tab.on("console", guard.on_console)
    tab.on("pageerror", lambda error: guard.page_errors.append(str(error)))
    try:
        yield tab
    finally:
        context.close()


@pytest.fixture
def page_guard(page, request) -> PageGuard:
    return request.node.stash[GUARD]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """A browser test that passed still fails for what its page did behind its back."""
    result = yield
    guard = item.stash.get(GUARD, None)
    if guard is not None and guard.problems():
        pytest.fail("the page misbehaved:\n  " + "\n  ".join(guard.problems()), pytrace=False)
    return result


# -- helpers the tests share ----------------------------------------------------------------

def screenshot(page, name: str, fits: bool = True) -> Path:
    """Save the whole page as <SCREENSHOT_DIR>/<name>.png; unless `fits` is False it must fit
    the window's width (no horizontal scrolling)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    scrolled = page.evaluate("[scrollX, scrollY]")
    page.screenshot(path=str(path), full_page=True)
    # A full-page shot resizes the window for a moment and leaves the page scrolled where
    # Chromium does not know it: the next click would then miss (it jumps back on mousedown).
    page.evaluate("([x, y]) => scrollTo(x, y)", scrolled)
    if fits:
        assert_fits_the_window(page, name)
    return path


def assert_fits_the_window(page, name: str) -> None:
    width, window = page.evaluate(
        "[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= window, f"{name}: the page is {width} px wide, the window {window} px"


def sign_in(page, username: str, shot: str | None = None) -> None:
    """Sign in through the login form (and photograph it filled in, if `shot` is given)."""
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    if shot:
        screenshot(page, shot)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/$"))


@pytest.fixture
def group_case(live_app):
    """A case nobody took in at a window (started by the system): its intake task waits in
    the pool of MSA's window clerks (`clerk` and `msa_b`) to be claimed."""
    with live_app.app_context():
        instance = instances.start("service_item", Actor.system("browser-tests"), variables={
            "item_code": "MSA-001", "applicant": {"name": "王五", "phone": "13900000000"}})
        task = db.session.scalar(sa.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.name == "intake",
            HumanTask.state == "open"))
        assert task is not None and task.assignee_id is None
        return SimpleNamespace(instance_id=instance.id, task_id=task.id, title=task.title)


class Journey:
    """One user's journey at one window width; its screenshots are
    <SCREENSHOT_DIR>/<journey>-<width>-<step>.png, each checked to fit the window."""

    def __init__(self, page, name: str):
        self.page, self.name = page, name
        self.width = page.viewport_size["width"]

    @property
    def on_a_phone(self) -> bool:
        return self.width < 600

    def shot(self, step: str) -> Path:
        return screenshot(self.page, f"{self.name}-{self.width}-{step}")
