"""Links to centers served by other deployments: signed HTTP requests, refused when replayed.

Each peer deployment shares one secret with us (LINK_PEERS, from the environment). A request
carries the sending center, a timestamp, a fresh nonce and an HMAC-SHA256 over the four of
them and the body. The receiver refuses an unknown sender, a timestamp outside the allowed
skew, a bad signature, or a nonce it has already seen within that window (a replay).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.models import LinkNonce, db, utcnow
from app.services.workflow.errors import Unauthenticated

PATH = "/api/link/messages"
CENTER, TIMESTAMP, NONCE, SIGNATURE = ("X-Link-Center", "X-Link-Timestamp", "X-Link-Nonce",
                                       "X-Link-Signature")


class LinkRefused(Unauthenticated):
    code, title = "link_refused", "Link request refused"


class PeerUnavailable(Exception):
    """The peer did not acknowledge: the message stays in the outbox and is retried."""


def peers() -> dict:
    return current_app.config.get("LINK_PEERS") or {}


def is_remote(center_code: str) -> bool:
    return center_code in peers()


def signature(secret: str, center: str, timestamp: str, nonce: str, body: bytes) -> str:
    signed = f"{center}\n{timestamp}\n{nonce}\n".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signed_headers(secret: str, center: str, body: bytes) -> dict:
    timestamp, nonce = str(int(time.time())), secrets.token_hex(16)
    return {"Content-Type": "application/json", CENTER: center, TIMESTAMP: timestamp,
            NONCE: nonce, SIGNATURE: signature(secret, center, timestamp, nonce, body)}


def post(envelope: dict) -> None:
    """Send one message to the peer serving its center; return only once acknowledged."""
    peer = peers()[envelope["to_center"]]
    body = json.dumps(envelope, ensure_ascii=False).encode()
    request = urllib.request.Request(
        peer["url"].rstrip("/") + PATH, data=body, method="POST",
        headers=signed_headers(peer["secret"], envelope["from_center"], body))
    timeout = current_app.config.get("LINK_TIMEOUT_SECONDS", 10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as err:
        raise PeerUnavailable(f"HTTP {err.code}: {err.read()[:300].decode(errors='replace')}")
    except (urllib.error.URLError, OSError, ValueError) as err:
        raise PeerUnavailable(f"{type(err).__name__}: {err}") from None
    if answer.get("acknowledged") != envelope["uid"]:
        raise PeerUnavailable(f"the peer did not acknowledge {envelope['uid']}")


def verify(headers, body: bytes) -> str:
    """The peer center that signed this request; LinkRefused (with the reason) otherwise."""
    center = headers.get(CENTER, "")
    peer = peers().get(center)
    if peer is None:
        raise LinkRefused(f"center {center or '(none)'} is not a configured peer",
                          code="link_unknown_peer")
    timestamp, nonce = headers.get(TIMESTAMP, ""), headers.get(NONCE, "")
    skew = current_app.config.get("LINK_MAX_SKEW_SECONDS", 300)
    if not timestamp.isdecimal() or abs(time.time() - int(timestamp)) > skew:
        raise LinkRefused("the request's timestamp is missing or too old", code="link_stale")
    expected = signature(peer["secret"], center, timestamp, nonce, body)
    if not nonce or not hmac.compare_digest(expected, headers.get(SIGNATURE, "")):
        raise LinkRefused("the request's signature does not match", code="link_bad_signature")
    _remember(center, nonce, skew)
    return center


def _remember(center: str, nonce: str, skew: int) -> None:
    """A nonce is accepted once: a second request with it is a replay."""
    db.session.execute(sa.delete(LinkNonce).where(
        LinkNonce.seen_at < utcnow() - timedelta(seconds=2 * skew)))
    try:
        with db.session.begin_nested():
            db.session.add(LinkNonce(peer=center, nonce=nonce[:64]))
    except IntegrityError:
        raise LinkRefused("this request was already received (replay)",
                          code="link_replayed") from None
