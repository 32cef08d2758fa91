"""Sessions and sign-ins: signing out or a new password ends every session cookie and API
token issued before; failed sign-ins are throttled in the database (so across processes),
by name and address, unknown names alike and at the same cost; every response carries the
security headers; behind TRUSTED_PROXIES the client's address is the forwarded one."""
import re

import pytest
import sqlalchemy as sa

from app import create_app
from app.models import LoginFailure, db
from app.services import auth
from tests.conftest import user

PASSWORD = "demo"


def sign_in(client, username: str, password: str = PASSWORD, address: str = "10.0.0.1"):
    page = client.get("/login", environ_base={"REMOTE_ADDR": address}).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token" value="([^"]+)"', page)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token.group(1)},
                       environ_base={"REMOTE_ADDR": address})


def api_token(client, username: str, password: str = PASSWORD, address: str = "10.0.0.1"):
    return client.post("/api/auth/token", json={"username": username, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_a_session_cookie_copied_before_sign_out_is_dead_after_it(app, client):
    assert sign_in(client, "clerk").status_code == 302
    copied = client.get_cookie("session").value
    assert client.get("/").status_code == 200
    page = client.get("/").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post("/logout", data={"csrf_token": csrf}).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_api_token_dies_with_a_new_password_and_with_sign_out(client):
    token = api_token(client, "clerk").json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/tasks", headers=bearer).status_code == 200
    person = user("clerk")
    person.set_password("a-new-long-password")
    db.session.commit()
    assert client.get("/api/tasks", headers=bearer).status_code == 401
    token = api_token(client, "clerk", "a-new-long-password").json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.post("/api/auth/logout", headers=bearer).status_code == 204
    assert client.get("/api/tasks", headers=bearer).status_code == 401


def test_a_deactivated_user_is_refused_with_a_valid_token(client):
    token = api_token(client, "msa_b").json["token"]
    person = user("msa_b")
    person.active = False
    db.session.commit()
    assert client.get("/api/tasks", headers={"Authorization": f"Bearer {token}"}).status_code \
        == 401


def test_failures_are_throttled_by_name_and_address_and_hold_in_another_process(app, client):
    for _ in range(auth.MAX_PER_NAME):
        assert api_token(client, "clerk", "wrong").status_code == 401
    refused = api_token(client, "clerk")  # even the right password, from this address
    assert refused.status_code == 429 and refused.json["code"] == "too_many_attempts"
    assert api_token(client, "clerk", address="10.9.9.9").status_code == 200  # the clerk's own
    # Counted in the database, which every web process reads (not in a process's memory).
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LoginFailure).where(
        LoginFailure.username == "clerk", LoginFailure.remote_addr == "10.0.0.1")) == \
        auth.MAX_PER_NAME
    page = sign_in(client, "clerk")
    assert page.status_code == 429 and "登录失败次数过多" in page.text


def test_an_unknown_name_is_throttled_and_checked_at_the_same_cost(client, monkeypatch):
    checked = []
    original = auth.check_password_hash
    monkeypatch.setattr(auth, "check_password_hash",
                        lambda stored, given: checked.append(stored) or original(stored, given))
    assert api_token(client, "nobody", "x", address="10.1.1.1").status_code == 401
    assert api_token(client, "clerk", "x", address="10.1.1.1").status_code == 401
    assert len(checked) == 2  # one hash check whether the name exists or not
    for _ in range(auth.MAX_PER_NAME - 1):
        api_token(client, "nobody", "x", address="10.1.1.1")
    assert api_token(client, "nobody", "x", address="10.1.1.1").status_code == 429


@pytest.mark.parametrize("path", ["/login", "/api/health", "/api/tasks", "/no-such-page"])
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in headers


def test_hsts_only_over_https(client):
    assert "max-age" in client.get("/login", base_url="https://localhost").headers[
        "Strict-Transport-Security"]


@pytest.mark.parametrize("proxies, expected", [(0, "10.0.0.7"), (1, "203.0.113.5")])
def test_the_client_address_behind_trusted_proxies(app, proxies, expected):
    other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI":
                        app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-secret",
                        "TRUSTED_PROXIES": proxies})
    seen = []
    other.before_request(lambda: seen.append(__import__("flask").request.remote_addr))
    other.test_client().get("/api/health", headers={"X-Forwarded-For": "203.0.113.5"},
                            environ_base={"REMOTE_ADDR": "10.0.0.7"})
    assert seen == [expected]
