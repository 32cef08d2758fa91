"""Passwords, API tokens, sessions and login throttling.

Throttling counts failed sign-ins in the database, so it holds across every web process:
at most MAX_PER_NAME failures for one user name from one address, and MAX_PER_ADDRESS
from one address, within WINDOW. Keyed by name and address together, an attacker
elsewhere cannot lock the real user out. An unknown name costs the same password check as
a known one, so the answer's timing does not tell which names exist.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from app.models import LoginFailure, User, db, utcnow
from app.services.workflow.errors import ServiceError, Unauthenticated
from app.services.workflow.transactions import begin_write

WINDOW = timedelta(minutes=15)
MAX_PER_NAME, MAX_PER_ADDRESS = 5, 50
_DUMMY_HASH = generate_password_hash("an unknown user's password is checked all the same")


class TooManyAttempts(ServiceError):
    status, code, title = 429, "too_many_attempts", "Too many attempts"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="api-token")


def authenticate(username: str, password: str, remote_addr: str | None) -> User:
    begin_write()
    username, address = (username or "")[:64], (remote_addr or "unknown")[:64]
    _check_throttle(username, address)
    user = db.session.scalar(sa.select(User).where(User.username == username))
    known = check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "")
    if user is None or not user.active or not known:
        db.session.add(LoginFailure(username=username, remote_addr=address))
        db.session.commit()
        raise Unauthenticated("wrong username or password", code="bad_credentials")
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.username == username,
                                                     LoginFailure.remote_addr == address))
    db.session.commit()
    return user


def _check_throttle(username: str, address: str) -> None:
    since = utcnow() - WINDOW
    db.session.execute(sa.delete(LoginFailure).where(LoginFailure.at < since))
    recent = sa.select(sa.func.count()).select_from(LoginFailure).where(
        LoginFailure.remote_addr == address, LoginFailure.at >= since)
    by_name = db.session.scalar(recent.where(LoginFailure.username == username))
    if by_name >= MAX_PER_NAME or db.session.scalar(recent) >= MAX_PER_ADDRESS:
        db.session.commit()
        raise TooManyAttempts("too many failed sign-ins; wait 15 minutes")


def issue_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "ep": user.session_epoch or 0})


def user_for_token(token: str) -> User | None:
    """The user a bearer token stands for; signing out or a new password revokes it."""
    try:
        claims = _serializer().loads(token, max_age=current_app.config["TOKEN_MAX_AGE_SECONDS"])
    except (BadSignature, SignatureExpired):
        return None
    return _current(claims.get("uid"), claims.get("ep"))


def user_for_session(session_id: str) -> User | None:
    """The user of a session cookie ("<id>:<epoch>"), while that epoch is the user's."""
    user_id, _, epoch = session_id.partition(":")
    if not user_id.isdecimal() or not epoch.isdecimal():
        return None  # a cookie from before epochs, or forged
    return _current(int(user_id), int(epoch))


def _current(user_id, epoch) -> User | None:
    # With the memberships in the same statement: every request asks where the user acts.
    user = db.session.get(User, user_id, options=[joinedload(User.memberships)]) \
        if isinstance(user_id, int) else None
    if user is None or not user.active or (user.session_epoch or 0) != epoch:
        return None
    return user


def end_sessions(user: User) -> None:
    """Sign out everywhere: every session cookie and token of the user stops working."""
    begin_write()
    db.session.refresh(user)
    user.end_sessions()
    db.session.commit()
