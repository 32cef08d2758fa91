"""Passwords, API tokens and login throttling."""
from __future__ import annotations

import threading
import time

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.models import User, db
from app.services.errors import ServiceError, Unauthenticated

_FAILURE_WINDOW, _MAX_FAILURES = 300, 5
_failures: dict[str, list[float]] = {}
_failures_lock = threading.Lock()


class TooManyAttempts(ServiceError):
    status, code, title = 429, "too_many_attempts", "Too many attempts"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="api-token")


def authenticate(username: str, password: str, remote_addr: str | None) -> User:
    key = f"{username}|{remote_addr}"
    _check_throttle(key)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    if user is None or not user.active or not user.check_password(password or ""):
        _note_failure(key)
        raise Unauthenticated("wrong username or password", code="bad_credentials")
    with _failures_lock:
        _failures.pop(key, None)
    return user


def issue_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "pw": user.password_hash[-8:]})


def user_for_token(token: str) -> User | None:
    """The user a bearer token stands for; a password change revokes old tokens."""
    try:
        claims = _serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE_SECONDS"])
    except (BadSignature, SignatureExpired):
        return None
    user = db.session.get(User, claims.get("uid"))
    if user is None or not user.active or user.password_hash[-8:] != claims.get("pw"):
        return None
    return user


def _check_throttle(key: str) -> None:
    now = time.monotonic()
    with _failures_lock:
        recent = [t for t in _failures.get(key, []) if now - t < _FAILURE_WINDOW]
        _failures[key] = recent
    if len(recent) >= _MAX_FAILURES:
        raise TooManyAttempts("too many failed sign-ins; wait five minutes")


def _note_failure(key: str) -> None:
    with _failures_lock:
        _failures.setdefault(key, []).append(time.monotonic())
