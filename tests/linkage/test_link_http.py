"""三级联动 between two deployments on 127.0.0.1: the county's server and the city's.

Each runs on its own SQLite file and knows the other as a peer with a shared secret; messages
go over signed HTTP from each one's outbox and are retried until acknowledged.
"""
from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine
from werkzeug.serving import make_server

from app import create_app, demo, migrate
from app.models import AuditEvent, Case, CaseLink, HumanTask, LinkMessage, User, db, utcnow
from app.services import auth
from app.services.calendar import admin as calendar_admin
from app.services.linkage import admin as link_admin
from app.services.linkage import delivery as linkage
from app.services.linkage import transport as link_transport
from app.services.workflow import deployment
from app.services.workflow.actor import Actor
from tests.linkage.link_steps import CITY, COUNTY, OPINION

SECRET = "s" * 48


class Deployment:
    """One server: its app, its database, and a live HTTP server that can be stopped."""

    def __init__(self, name: str, home: str, tmp_path, peer: str):
        self.app = create_app({
            "TESTING": True, "SECRET_KEY": f"{name}-secret", "CENTER_CODE": home,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}.sqlite",
            "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / name}-broker.sqlite",
            "LINK_PEERS": {}})
        self.peer, self.server, self.thread = peer, None, None
        self.port = _free_port()
        with self.app.app_context():
            migrate.upgrade()
            calendar_admin.seed_from_library("CN", Actor.system("tests"))
            demo.load("532325")
            deployment.deploy_directory(self.app.config["PROCESSES_DIR"], Actor.system("tests"))
            db.session.commit()
            db.session.remove()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def link_to(self, other: "Deployment") -> None:
        self.app.config["LINK_PEERS"] = {self.peer: {"url": other.url, "secret": SECRET}}

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)

    @contextmanager
    def context(self):
        with self.app.app_context():
            try:
                yield
            finally:
                db.session.remove()

    def pump(self) -> int:
        with self.context():
            return linkage.pump(Actor.system("links"))

    def complete(self, instance_id: int, name: str, username: str, **variables) -> None:
        with self.context():
            task = db.session.scalar(sa.select(HumanTask).where(
                HumanTask.instance_id == instance_id, HumanTask.name == name,
                HumanTask.state == "open"))
            assert task is not None, f"no open {name} in {instance_id}"
            token = auth.issue_token(db.session.scalar(
                sa.select(User).where(User.username == username)))
        response = self.app.test_client().post(
            f"/api/tasks/{task.id}/complete", json={"variables": variables},
            headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.json


def _free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def servers(tmp_path):
    county = Deployment("county", COUNTY, tmp_path, peer=CITY)
    city = Deployment("city", CITY, tmp_path, peer=COUNTY)
    county.link_to(city)
    city.link_to(county)
    county.start()
    city.start()
    yield county, city
    for each in (county, city):
        if each.thread.is_alive():
            each.stop()


def _start_and_report(county: Deployment) -> int:
    with county.context():
        token = auth.issue_token(db.session.scalar(sa.select(User).where(User.username == "hcd_a")))
    response = county.app.test_client().post(
        "/api/process-definitions/key/three_level_report/start",
        json={"variables": {"item_code": "HCD-004", "applicant": {"name": "姚安建工有限公司"}}},
        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.json
    instance_id = response.json["id"]
    county.complete(instance_id, "intake", "hcd_a", within_remit=True,
                    materials_received=["application_form", "business_licence", "id_card"])
    county.complete(instance_id, "preliminary_review", "hcd_a", **OPINION)
    return instance_id


def _outbox(deployment: Deployment) -> list[tuple[str, str, int]]:
    with deployment.context():
        return [(m.name, m.status, m.attempts) for m in db.session.scalars(
            sa.select(LinkMessage).where(LinkMessage.direction == "out").order_by(LinkMessage.id))]


def _city_instance(city: Deployment) -> int:
    with city.context():
        return db.session.scalar(sa.select(CaseLink.instance_id).where(
            CaseLink.center_code == CITY))


def _case(deployment: Deployment, instance_id: int) -> tuple[int, str | None]:
    with deployment.context():
        case = db.session.scalar(sa.select(Case).where(Case.instance_id == instance_id))
        return case.status_code, case.decision


def test_a_case_crosses_deployments_and_survives_the_city_server_being_down(servers):
    county, city = servers
    city.stop()  # the city's server is down for a while
    county_instance = _start_and_report(county)
    county.pump()
    [(name, status, attempts)] = _outbox(county)
    assert (name, status, attempts) == ("report_up", "pending", 1)  # queued, not lost
    with county.context():
        [row] = db.session.scalars(sa.select(LinkMessage))
        assert "URLError" in row.last_error and row.next_attempt_at > utcnow()

    city.start()
    county.pump()
    assert _outbox(county)[0][:2] == ("report_up", "pending")  # not due yet: backoff
    with time_machine.travel(utcnow() + timedelta(seconds=20), tick=True):
        county.pump()
        assert _outbox(county)[0][:2] == ("report_up", "delivered")
        city.pump()  # the city opens its own case
        city_instance = _city_instance(city)
        assert _case(city, city_instance)[0] == 3
        city.complete(city_instance, "review", "cx_hcd_leader", outcome="approve",
                      review_opinion="同意")
        city.pump()
        county.pump()
        county.complete(county_instance, "deliver", "hcd_a", delivery_method="window")
    assert _case(county, county_instance) == (11, "approve")
    with county.context():
        levels = {lv["center"]: lv for lv in _timeline(county, county_instance)["levels"]}
    assert levels[CITY]["stage"] == "concluded" and levels[CITY]["caseNo"].startswith(CITY)


def _timeline(county: Deployment, instance_id: int) -> dict:
    token = auth.issue_token(db.session.scalar(sa.select(User).where(User.username == "hcd_a")))
    response = county.app.test_client().get(f"/api/process-instances/{instance_id}/linkage",
                                            headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.json
    return response.json


def _post(deployment: Deployment, body: bytes, headers: dict):
    import urllib.error
    import urllib.request
    request = urllib.request.Request(deployment.url + link_transport.PATH, data=body,
                                     method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def _refusals(deployment: Deployment) -> list[str]:
    with deployment.context():
        return [e.detail["code"] for e in db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "link.refused")
            .order_by(AuditEvent.id))]


def test_forged_and_replayed_requests_are_refused_and_audited(servers):
    county, city = servers
    envelope = {"uid": "11111111-2222-3333-4444-555555555555", "name": "report_up",
                "from_center": COUNTY, "to_center": CITY, "origin_case_no": "X1",
                "payload": {}, "levels": []}
    body = json.dumps(envelope).encode()
    forged = link_transport.signed_headers("x" * 48, COUNTY, body)  # not the shared secret
    assert _post(city, body, forged)[0] == 401
    unknown = link_transport.signed_headers(SECRET, "999999", body)
    assert _post(city, body, unknown)[0] == 401
    stale = link_transport.signed_headers(SECRET, COUNTY, body)
    stale[link_transport.TIMESTAMP] = str(int(time.time()) - 3600)
    stale[link_transport.SIGNATURE] = link_transport.signature(
        SECRET, COUNTY, stale[link_transport.TIMESTAMP], stale[link_transport.NONCE], body)
    assert _post(city, body, stale)[0] == 401
    tampered = link_transport.signed_headers(SECRET, COUNTY, body)
    assert _post(city, body.replace(b"X1", b"X2"), tampered)[0] == 401

    genuine = link_transport.signed_headers(SECRET, COUNTY, body)
    status, answer = _post(city, body, genuine)
    assert status == 202 and answer == {"acknowledged": envelope["uid"]}
    status, answer = _post(city, body, genuine)  # the same request again: a replay
    assert status == 401 and answer["code"] == "link_replayed"
    assert _refusals(city) == ["link_bad_signature", "link_unknown_peer", "link_stale",
                               "link_bad_signature", "link_replayed"]
    with city.context():  # stored once
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LinkMessage)) == 1


def test_a_peer_speaks_only_of_the_cases_it_is_a_level_of(servers):
    county, city = servers
    envelope = {"uid": "22222222-2222-3333-4444-555555555555", "name": "level_status",
                "from_center": COUNTY, "to_center": CITY, "origin_case_no": "NOT-OURS",
                "payload": {}, "levels": []}
    body = json.dumps(envelope).encode()
    status, answer = _post(city, body, link_transport.signed_headers(SECRET, COUNTY, body))
    assert status == 403 and answer["code"] == "link_not_a_level"
    with city.context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(LinkMessage).where(
            LinkMessage.uid == envelope["uid"])) == 0


def test_refused_messages_cannot_flood_the_audit_trail(servers):
    county, city = servers
    body = b"{}"
    before = len(_refusals(city))
    answers = []
    for _ in range(link_admin.REFUSALS_PER_MINUTE + 5):
        headers = link_transport.signed_headers("x" * 48, "Z" * 5000, body)  # forged, huge
        answers.append(_post(city, body, headers)[0])
    assert answers.count(401) == link_admin.REFUSALS_PER_MINUTE - before
    assert answers[-1] == 429
    assert len(_refusals(city)) == link_admin.REFUSALS_PER_MINUTE
    with city.context():
        rows = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.action == "link.refused")).all()
        assert max(len(r.actor) for r in rows) <= 64
        assert max(len(r.detail["reason"]) for r in rows) <= 300
