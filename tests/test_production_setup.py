"""Production can be used: the first administrator is created from the command line, a
production start refuses placeholder secrets, and a bad setting is one line naming it."""
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import ConfigError, build_config
from app.models import AuditEvent, User, db

ROOT = Path(__file__).resolve().parents[1]
STRONG = "9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c"


@pytest.fixture
def runner(app, session):
    return app.test_cli_runner()


def test_the_first_administrator_is_created_and_signs_in(app, runner, client, monkeypatch):
    monkeypatch.setenv("GOVFLOW_ADMIN_PASSWORD", "a-long-enough-password")
    result = runner.invoke(args=["create-admin", "--username", "wang.min",
                                 "--display-name", "中心管理员 王敏"])
    assert result.exit_code == 0, result.output
    person = db.session.scalar(sa.select(User).where(User.username == "wang.min"))
    assert person.is_admin and person.display_name == "中心管理员 王敏"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "staff.created",
                                                         AuditEvent.actor == "system:cli"))
    response = client.post("/api/auth/token", json={"username": "wang.min",
                                                    "password": "a-long-enough-password"})
    assert response.status_code in (200, 201), response.json
    again = runner.invoke(args=["create-admin", "--username", "wang.min"])
    assert again.exit_code == 1 and "username" in again.output and "Traceback" not in again.output


def test_a_weak_password_is_refused_and_nothing_is_created(runner, monkeypatch):
    monkeypatch.setenv("GOVFLOW_ADMIN_PASSWORD", "short")
    result = runner.invoke(args=["create-admin", "--username", "li.si"])
    assert result.exit_code == 1 and "password" in result.output
    assert db.session.scalar(sa.select(User).where(User.username == "li.si")) is None


def test_the_password_is_asked_twice_when_not_in_the_environment(runner, monkeypatch):
    monkeypatch.delenv("GOVFLOW_ADMIN_PASSWORD", raising=False)
    result = runner.invoke(args=["create-admin", "--username", "zhao.liu"],
                           input="another-long-password\nanother-long-password\n")
    assert result.exit_code == 0, result.output
    assert db.session.scalar(sa.select(User).where(User.username == "zhao.liu")).is_admin


@pytest.mark.parametrize("secret", [None, "change-me", "short", "x" * 40,
                                    "please-change-me-before-going-live-0123456789"])
def test_production_refuses_a_missing_or_placeholder_secret(tmp_path, monkeypatch, secret):
    monkeypatch.setenv("APP_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        build_config(str(tmp_path))


def test_production_takes_a_random_secret_and_development_any(tmp_path, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", STRONG)
    assert build_config(str(tmp_path))["SECRET_KEY"] == STRONG
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("SECRET_KEY", "change-me")
    assert build_config(str(tmp_path))["SECRET_KEY"] == "change-me"


@pytest.mark.parametrize("name, value", [
    ("TIMER_SWEEP_SECONDS", "abc"), ("SMTP_PORT", "-1"), ("SESSION_COOKIE_SECURE", "maybe"),
    ("APP_ENV", "prod"), ("TIMEZONE", "Mars/Base"), ("LINK_PEERS", "{bad"),
    ("DATABASE_URL", "not a url")])
def test_a_bad_setting_names_itself(tmp_path, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        build_config(str(tmp_path))


def test_an_entry_point_with_a_bad_setting_says_one_line_and_exits_2(tmp_path):
    env = {**os.environ, "TIMER_SWEEP_SECONDS": "abc", "FLASK_APP": "app"}
    result = subprocess.run([sys.executable, "-m", "flask", "routes"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert "TIMER_SWEEP_SECONDS must be a whole number" in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_overrides_raise_instead_of_exiting(monkeypatch):
    monkeypatch.setenv("TIMER_SWEEP_SECONDS", "abc")
    with pytest.raises(ConfigError):
        create_app({"TESTING": True})
