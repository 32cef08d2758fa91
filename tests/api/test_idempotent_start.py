"""A start sent with an Idempotency-Key can be retried safely: the same key and request from
the same caller start one instance, however often it is sent and however the sends race."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import IdempotentRequest, ProcessInstance, User, db, utcnow
from app.services import auth
from app.services.workflow import idempotency
from tests.conftest import deploy_test_file, headers_for, prepare_database, require_service
from tests.concurrency import committed_app, delete_instance

CASE = {"itemCode": "MSA-002", "applicant": {"name": "张三", "phone": "13800000000"}}


def _instances() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ProcessInstance))


def _start(client, key: str | None, body: dict = CASE, username: str = "clerk"):
    headers = headers_for(username) | ({"Idempotency-Key": key} if key else {})
    return client.post("/api/cases", json=body, headers=headers)


def test_a_retried_start_answers_with_the_case_the_first_started(client):
    before = _instances()
    first = _start(client, "portal-2026-000123")
    again = _start(client, "portal-2026-000123")
    assert first.status_code == again.status_code == 201, again.json
    assert again.json["id"] == first.json["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert again.json["case"]["caseNo"] == first.json["case"]["caseNo"]
    assert _instances() == before + 1


def test_the_same_key_with_another_request_is_refused_and_writes_nothing(client):
    _start(client, "k-1")
    before = _instances()
    other = _start(client, "k-1", {**CASE, "businessKey": "ANOTHER"})
    assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"
    assert other.json["errors"][0]["field"] == "Idempotency-Key"
    assert _instances() == before


def test_keys_belong_to_their_caller_and_a_start_without_one_starts_each_time(client):
    mine = _start(client, "shared-key")
    theirs = _start(client, "shared-key", username="admin")
    assert theirs.status_code == 201 and theirs.json["id"] != mine.json["id"]
    before = _instances()
    _start(client, None), _start(client, None)
    assert _instances() == before + 2


@pytest.mark.parametrize("key", ["x" * 256, "has space", "\t"])
def test_a_key_that_is_not_visible_ascii_is_named(client, key):
    before = _instances()
    refused = _start(client, key)
    assert refused.status_code == 400 and refused.json["code"] == "invalid_idempotency_key"
    assert _instances() == before


def test_a_process_start_is_idempotent_too(client):
    headers = headers_for("admin") | {"Idempotency-Key": "two-step-1"}
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    url = "/api/process-definitions/key/two_step/start"
    first = client.post(url, json={"businessKey": "B-1"}, headers=headers)
    again = client.post(url, json={"businessKey": "B-1"}, headers=headers)
    assert first.status_code == 201 and again.json["id"] == first.json["id"]
    other = client.post(url, json={"businessKey": "B-2"}, headers=headers)
    assert other.status_code == 422 and other.json["code"] == "idempotency_key_reused"


def test_a_key_older_than_the_setting_is_forgotten_and_purged(client, app):
    first = _start(client, "old-key")
    row = db.session.scalar(sa.select(IdempotentRequest).where(IdempotentRequest.key == "old-key"))
    assert row.instance_id == first.json["id"]
    hours = app.config["IDEMPOTENCY_KEY_HOURS"]
    row.created_at = utcnow() - timedelta(hours=hours + 1)
    db.session.flush()
    again = _start(client, "old-key")
    assert again.status_code == 201 and again.json["id"] != first.json["id"]
    stale = db.session.scalar(sa.select(IdempotentRequest).where(IdempotentRequest.key == "old-key"))
    stale.created_at = utcnow() - timedelta(hours=hours + 1)
    db.session.flush()
    assert idempotency.purge(hours) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IdempotentRequest)) == 0


RACERS = 4


def _race(application) -> None:
    """RACERS requests with one key at one moment, each in its own thread and session."""
    with application.app_context():
        clerk = db.session.scalar(sa.select(User).where(User.username == "clerk"))
        headers = {"Authorization": f"Bearer {auth.issue_token(clerk)}",
                   "Idempotency-Key": f"race-{utcnow().timestamp()}"}
        db.session.commit()
        db.session.remove()
    barrier, answers = threading.Barrier(RACERS), []

    def send():
        with application.test_client() as racer:
            barrier.wait(timeout=30)
            answers.append(racer.post("/api/cases", json=CASE, headers=headers))

    threads = [threading.Thread(target=send) for _ in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    ids = {answer.json.get("id") for answer in answers}
    try:
        assert [answer.status_code for answer in answers] == [201] * RACERS, \
            [answer.json for answer in answers]
        assert len(ids) == 1
        assert sum("Idempotent-Replayed" in answer.headers for answer in answers) == RACERS - 1
    finally:
        with application.app_context():
            for instance_id in ids - {None}:
                db.session.execute(sa.delete(IdempotentRequest).where(
                    IdempotentRequest.instance_id == instance_id))
                delete_instance(instance_id, None)
            db.session.remove()


def test_racing_retries_start_one_case_on_sqlite_file(tmp_path):
    application = committed_app(f"sqlite:///{tmp_path / 'race.sqlite'}", tmp_path)
    prepare_database(application)
    _race(application)


@pytest.mark.postgres
def test_racing_retries_start_one_case_on_postgresql(app, tmp_path):
    _race(committed_app(require_service("TEST_DATABASE_URL"), tmp_path))
