"""Test harness: one schema per run (built by the migrations), a savepoint per test.

Set TEST_DATABASE_URL to run against PostgreSQL, TEST_REDIS_URL for the Redis broker tests;
with REQUIRE_SERVICES=1 (CI) their absence fails the run instead of skipping.
"""
from __future__ import annotations

import os
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import sqlalchemy.orm  # noqa: F401
import time_machine

from app import create_app, demo
from app.models import db
from app.services import auth, calendar
from app.services.calendar import admin as calendar_admin
from app.services.workflow import deployment
from app.services.workflow.actor import Actor

DATA = Path(__file__).parent / "data"
REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
DEMO_DAY = date(2026, 3, 2)
# GOVFLOW_TEST_TODAY=2031-01-15 runs the whole suite with the clock started on that morning
# (ticking), so that nothing depends on the year the suite happens to run in.
TEST_TODAY = os.environ.get("GOVFLOW_TEST_TODAY")


@pytest.fixture
def demo_year():
    """The clock (ticking) on the demo's first working morning, for tests that act under the
    demo's letters, which cover only the demo's year, but need no particular day."""
    morning = datetime.combine(DEMO_DAY, time(9, 30), ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(morning, tick=True) as traveller:
        yield traveller


def pytest_configure(config):
    if TEST_TODAY:
        morning = datetime.combine(date.fromisoformat(TEST_TODAY), time(9, 30),
                                   ZoneInfo("Asia/Shanghai"))
        config.govflow_clock = time_machine.travel(morning, tick=True)
        config.govflow_clock.start()


def pytest_unconfigure(config):
    if getattr(config, "govflow_clock", None):
        config.govflow_clock.stop()


def pytest_report_header(config):
    return f"clock started on {TEST_TODAY} (GOVFLOW_TEST_TODAY)" if TEST_TODAY else None


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"


def _reset_schema(url: str) -> None:
    if url.startswith("sqlite"):
        return
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    url = _database_url(tmp_path_factory)
    _reset_schema(url)
    application = create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": True, "SERVER_NAME": "localhost",
        "LOOKUP_RATE_LIMIT": "10000 per minute",  # tests/public/test_lookup.py lowers it
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path_factory.mktemp('broker') / 'b.sqlite'}",
    })
    prepare_database(application)
    return application


def prepare_database(application) -> None:
    """Migrate, seed the calendar, load the demo and deploy the processes, committed."""
    with application.app_context():
        from app import migrate
        migrate.upgrade()
        calendar_admin.seed_from_library("CN", Actor.system("tests"))
        # The demo's letters cover 2026, the year the process tests freeze their clock in.
        demo.load(application.config["CENTER_CODE"], today=DEMO_DAY)
        deployment.deploy_directory(application.config["PROCESSES_DIR"], Actor.system("tests"))
        db.session.commit()
        db.session.remove()


@pytest.fixture
def session(app):
    """Everything a test writes is rolled back: services commit only a savepoint."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        # A plain Session: Flask-SQLAlchemy's own ignores `bind` and would use the engine.
        scoped = sa.orm.scoped_session(sa.orm.sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False))
        original, db.session = db.session, scoped
        calendar.invalidate()  # its cache would outlive a rolled-back edit
        try:
            yield scoped
        finally:
            scoped.remove()
            db.session = original
            outer.rollback()
            connection.close()


@pytest.fixture
def client(app, session):
    return app.test_client()


def user(username: str):
    from app.models import User
    return db.session.scalar(sa.select(User).where(User.username == username))


def appoint(department_id: int, person, since: date = date(2000, 1, 1)):
    """A 任命书 naming `person` chief representative of the department from `since`, which
    authorization letters require of their grantee; the department's appointment not yet
    ended ends that day (另行委派). Written directly, as the demo does (the service and its
    rules are tested in tests/authorization/test_appointments.py)."""
    from app.models import AppointmentLetter
    from app.models.appointment import ENDED
    for current in db.session.scalars(sa.select(AppointmentLetter).where(
            AppointmentLetter.department_id == department_id,
            AppointmentLetter.status != ENDED)):
        current.status, current.ended_on, current.end_reason = ENDED, since, "另行委派"
    appointment = AppointmentLetter(
        number=f"测试任〔{department_id}-{person.id}-{since.isoformat()}〕号",
        department_id=department_id, appointee_id=person.id, issuer="局长 测试",
        duties="首席事务代表职责权限范围", issued_on=since, filed_on=since, end_reason="")
    db.session.add(appointment)
    db.session.flush()
    return appointment


def headers_for(username: str) -> dict:
    return {"Authorization": f"Bearer {auth.issue_token(user(username))}"}


@pytest.fixture
def as_user(session):
    return headers_for


def deploy_test_file(*names: str) -> list:
    files = [(n, (DATA / n).read_bytes()) for n in names]
    return deployment.deploy(files, Actor.system("tests"))


def require_service(env_name: str) -> str:
    value = os.environ.get(env_name)
    if not value:
        if REQUIRE_SERVICES:
            pytest.fail(f"{env_name} is not set but REQUIRE_SERVICES=1")
        pytest.skip(f"{env_name} not set")
    return value
