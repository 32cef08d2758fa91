"""Starts a client may safely retry: with an Idempotency-Key (IETF
draft-ietf-httpapi-idempotency-key-header), the same key from the same caller answers with
the instance the first request started, however many times the request is sent and however
they race.

The key's row is written in the start's own transaction and names the instance it started,
so there is no moment where a key is taken but its instance not there (or the reverse): two
requests racing with one key meet at the unique index, and the second, once the first has
committed, replays it. The same key with another request is refused (422), as the draft
says, so a client bug reusing keys cannot silently return someone else's case.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.models import IdempotentRequest, ProcessInstance, db, utcnow
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, ServiceError
from app.services.workflow.transactions import begin_write

KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as the draft's examples
Created = Callable[[ProcessInstance], None]


class KeyReused(ServiceError):
    status, code, title = 422, "idempotency_key_reused", "Idempotency key reused"


def start_once(actor: Actor, key: str | None, operation: str, body: dict, *,
               keep_hours: int,
               start: Callable[[Created | None], ProcessInstance]) -> tuple[ProcessInstance, bool]:
    """(the instance, whether it is a replay). `start(created)` starts it, calling
    `created(instance)` once the instance has its id, before anything is committed."""
    if key is None:
        return start(None), False
    if not KEY.fullmatch(key) or actor.user_id is None:
        raise InvalidInput("Idempotency-Key must be 1 to 255 visible ASCII characters",
                           code="invalid_idempotency_key",
                           errors=[{"field": "Idempotency-Key", "message": "1-255 visible ASCII"}])
    fingerprint = _fingerprint(operation, body)
    begin_write()  # on SQLite, starts with the same key queue here
    earlier = _earlier(actor.user_id, key, keep_hours)
    if earlier is not None:
        return _replayed(earlier, fingerprint), True
    claim = IdempotentRequest(user_id=actor.user_id, key=key, fingerprint=fingerprint)
    db.session.add(claim)
    try:
        db.session.flush()  # a racing request with this key waits here for the first's commit
    except IntegrityError:
        db.session.rollback()
        return _replayed(_earlier(actor.user_id, key, keep_hours), fingerprint), True
    return start(lambda instance: setattr(claim, "instance_id", instance.id)), False


def purge(keep_hours: int, batch: int = 1000) -> int:
    """Delete up to `batch` keys older than `keep_hours`; how many went."""
    stale = sa.select(IdempotentRequest.id).where(
        IdempotentRequest.created_at < utcnow() - timedelta(hours=keep_hours)).limit(batch)
    ids = list(db.session.scalars(stale))
    if ids:
        db.session.execute(sa.delete(IdempotentRequest).where(IdempotentRequest.id.in_(ids)))
        db.session.commit()
    return len(ids)


def _earlier(user_id: int, key: str, keep_hours: int) -> IdempotentRequest | None:
    row = db.session.scalar(sa.select(IdempotentRequest).where(
        IdempotentRequest.user_id == user_id, IdempotentRequest.key == key))
    if row is not None and row.created_at < utcnow() - timedelta(hours=keep_hours):
        db.session.delete(row)  # forgotten: the key starts afresh
        db.session.flush()
        return None
    return row


def _replayed(earlier: IdempotentRequest | None, fingerprint: str) -> ProcessInstance:
    if earlier is not None and earlier.fingerprint != fingerprint:
        raise KeyReused("this Idempotency-Key was sent before with another request",
                        errors=[{"field": "Idempotency-Key",
                                 "message": "already used for another request"}])
    instance = db.session.get(ProcessInstance, earlier.instance_id) if earlier else None
    if instance is None:  # only if a start forgot to call `created`
        raise Conflict("the request with this Idempotency-Key left no instance",
                       code="idempotency_key_in_progress")
    return instance


def _fingerprint(operation: str, body: dict) -> str:
    canonical = json.dumps([operation, body], sort_keys=True, ensure_ascii=False,
                           separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
