"""The same message delivered twice at once (a sender's retry racing its first attempt)."""
from __future__ import annotations

import threading
import uuid

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, LinkLevel, LinkMessage, db
from app.services.linkage import delivery as linkage
from app.services.workflow.actor import Actor
from tests.conftest import require_service
from tests.linkage.link_steps import CITY, COUNTY
from tests.concurrency import committed_app


def _race(application, envelopes: list[dict]) -> list:
    barrier, outcomes = threading.Barrier(len(envelopes)), []
    threads = [threading.Thread(target=_receive, args=(application, envelope, barrier, outcomes))
               for envelope in envelopes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


def _cleanup(application, origin: str) -> None:
    with application.app_context():
        for model in (LinkMessage, LinkLevel):
            db.session.execute(sa.delete(model).where(model.origin_case_no == origin))
        db.session.execute(sa.delete(AuditEvent).where(AuditEvent.actor == "system:race"))
        db.session.commit()
        db.session.remove()


def _envelope(origin: str, levels: list | None = None) -> dict:
    """A 上报 of a case the city does not know yet: the one message a stranger case may bring."""
    return {"uid": str(uuid.uuid4()), "name": "report_up", "from_center": COUNTY,
            "to_center": CITY, "origin_case_no": origin, "payload": {}, "levels": levels or []}


def _receive(app, envelope: dict, barrier: threading.Barrier, outcomes: list) -> None:
    with app.app_context():
        try:
            barrier.wait()
            outcomes.append(linkage.receive(envelope, Actor.system("race")).id)
            db.session.commit()
        except Exception as err:  # noqa: BLE001 (the test reports whatever happened)
            outcomes.append(err)
        finally:
            db.session.remove()


@pytest.mark.postgres
def test_one_message_received_twice_at_once_is_stored_once(app, tmp_path):
    url = require_service("TEST_DATABASE_URL")
    application = committed_app(url, tmp_path)
    origin = f"RACE-{uuid.uuid4().hex[:8]}"
    envelope = _envelope(origin)
    try:
        outcomes = _race(application, [envelope, envelope])
        assert len(outcomes) == 2 and outcomes[0] == outcomes[1], outcomes
        with application.app_context():
            assert db.session.scalar(sa.select(sa.func.count()).select_from(LinkMessage).where(
                LinkMessage.origin_case_no == origin)) == 1
    finally:
        _cleanup(application, origin)


@pytest.mark.postgres
def test_two_messages_about_the_same_level_at_once_keep_one_snapshot(app, tmp_path):
    url = require_service("TEST_DATABASE_URL")
    application = committed_app(url, tmp_path)
    origin = f"RACE-{uuid.uuid4().hex[:8]}"
    snapshots = [{"center": COUNTY, "as_of": f"2026-03-02T09:3{n}:00+08:00", "stage": str(n)}
                 for n in range(2)]
    try:
        outcomes = _race(application, [_envelope(origin, [s]) for s in snapshots])
        assert all(isinstance(o, int) for o in outcomes) and len(set(outcomes)) == 2, outcomes
        with application.app_context():
            [level] = db.session.scalars(sa.select(LinkLevel).where(
                LinkLevel.origin_case_no == origin))
            assert level.snapshot["stage"] == "1"  # the newer one, whichever came first
    finally:
        _cleanup(application, origin)
