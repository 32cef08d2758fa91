"""Case events out: a portal follows 受理, 补正 and 办结 through a cursor feed or signed webhooks,
delivered by the outbox with retries and a dead letter, instead of polling every case."""
import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Notification, db
from app.models.outbox import DEAD, PENDING, SENT
from app.services.linkage import transport
from app.services.workflow import notifications
from tests.cases.service_item_steps import complete, required_materials, start_case
from tests.conftest import headers_for

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
SECRET = "s" * 40


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(MONDAY, tick=True) as traveller:
        yield traveller


def feed(client, username: str = "portal", **query):
    return client.get("/api/events", query_string=query, headers=headers_for(username))


def test_the_feed_gives_each_status_change_once_after_the_cursor(client):
    start = feed(client).json["next"]
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=["application_form"])
    first = feed(client, after=start)
    assert first.status_code == 200
    items = first.json["items"]
    assert [(e["processInstanceId"], e["statusCode"]) for e in items] == [(case_id, 1),
                                                                          (case_id, 6)]
    assert items[1]["statusName"] == "补正（开始）" and items[1]["type"] == "case.status_changed"
    assert items[1]["itemCode"] == "MSA-002" and items[1]["department"] == "MSA"
    assert datetime.fromisoformat(items[1]["occurredAt"]).utcoffset() is not None
    complete(client, case_id, "supplement", "clerk",
             materials_received=required_materials("MSA-002"))
    later = feed(client, after=first.json["next"]).json
    assert [e["statusCode"] for e in later["items"]] == [7, 3] and later["items"][1]["caseNo"]
    assert feed(client, after=later["next"]).json == {"items": [], "next": later["next"]}
    assert len(feed(client, after=start, limit="3").json["items"]) == 3


@pytest.mark.parametrize("query", [{"after": "-1"}, {"after": "x"}, {"limit": "0"},
                                   {"limit": "501"}, {"after": "9" * 40}])
def test_a_bad_cursor_or_limit_is_a_400(client, query):
    response = feed(client, **query)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"


def test_a_clerk_may_not_read_every_departments_events(client):
    response = feed(client, "clerk")
    assert response.status_code == 403 and response.json["code"] == "events_not_allowed"
    assert client.get("/api/events").status_code == 401


class Receiver(BaseHTTPRequestHandler):
    received: list = []
    answer = 204

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), body))
        self.send_response(Receiver.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver(app, monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Receiver.received, Receiver.answer = [], 204
    url = f"http://127.0.0.1:{server.server_port}/hook"
    monkeypatch.setitem(app.config, "WEBHOOKS", {"portal": {"url": url, "secret": SECRET}})
    yield Receiver
    server.shutdown()


def webhook_rows(case_id: int) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.channel == "webhook", Notification.instance_id == case_id)
        .order_by(Notification.id).execution_options(populate_existing=True)))


def test_each_event_is_posted_signed_to_every_webhook(client, receiver):
    case_id = start_case(client, "MSA-002")["id"]
    [row] = webhook_rows(case_id)
    assert row.status == PENDING and row.recipient_address == "portal"
    assert notifications.deliver(row.id) == SENT
    [(headers, body)] = receiver.received
    event = json.loads(body)
    assert (event["processInstanceId"], event["statusCode"], event["center"]) == (case_id, 1,
                                                                                 "532325")
    expected = transport.signature(SECRET, headers["X-Link-Center"],
                                   headers["X-Link-Timestamp"], headers["X-Link-Nonce"], body)
    assert headers["X-Link-Signature"] == expected
    assert headers["X-Govflow-Event"] == "case.status_changed"
    assert headers["X-Govflow-Delivery"] == str(row.id)
    assert notifications.deliver(row.id) == SENT and len(receiver.received) == 1  # once


def test_a_failing_endpoint_is_retried_then_dead_lettered(client, receiver, clock):
    receiver.answer = 500
    case_id = start_case(client, "MSA-002")["id"]
    [row] = webhook_rows(case_id)
    assert notifications.deliver(row.id) == PENDING
    [row] = webhook_rows(case_id)
    assert "HTTP 500" in row.last_error and row.attempts == 1
    for _ in range(notifications.MAX_ATTEMPTS - 1):
        clock.move_to(row.next_attempt_at)
        notifications.deliver(row.id)
        [row] = webhook_rows(case_id)
    assert row.status == DEAD and len(receiver.received) == notifications.MAX_ATTEMPTS
    dead = client.get("/api/webhook-deliveries", query_string={"status": "dead"},
                      headers=headers_for("admin")).json["items"]
    assert [d["id"] for d in dead] == [row.id] and dead[0]["event"]["statusCode"] == 1
    assert client.post(f"/api/webhook-deliveries/{row.id}/retry",
                       headers=headers_for("portal")).status_code == 403
    receiver.answer = 204
    retried = client.post(f"/api/webhook-deliveries/{row.id}/retry", headers=headers_for("admin"))
    assert retried.status_code == 200 and retried.json["status"] == "pending"
    again = client.post(f"/api/webhook-deliveries/{row.id}/retry", headers=headers_for("admin"))
    assert again.status_code == 409 and again.json["code"] == "webhook_delivery_not_dead"
    assert notifications.deliver(row.id) == SENT


def test_without_webhooks_no_rows_are_queued(client):
    case_id = start_case(client, "MSA-002")["id"]
    assert webhook_rows(case_id) == []
