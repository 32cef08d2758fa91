"""联络员 (seed 002 art. 14): a department's liaison with the center receives what the center
tells the department, and handles no case."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Notification, db
from app.models.outbox import IN_APP
from app.services.authorization import expiry as letter_expiry
from app.services.workflow import tasks
from tests.cases.service_item_steps import start_case
from tests.conftest import user
from tests.organization.organization_steps import make_staff, send

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def liaison(client):
    return make_staff(client, "msa_liaison", [("liaison_officer", "MSA")], qualification=None)


def _told(username: str, kind: str) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.recipient_user_id == user(username).id, Notification.kind == kind,
        Notification.channel == IN_APP)))


def test_a_liaison_is_held_within_a_department(client):
    refused = send(client, "POST", "/api/staff", {
        "username": "no_unit", "displayName": "测试", "password": "correct horse",
        "roles": [{"role": "liaison_officer"}]})
    assert refused.status_code == 400
    assert refused.json["errors"] == [{"field": "roles[0].department",
                                       "message": "liaison_officer is held within a department"}]


def test_the_liaison_is_told_of_the_departments_letter_ending(client, liaison):
    with time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=SHANGHAI), tick=False):
        letter_expiry.warn_expiring()
    assert len(_told("msa_liaison", "letter_expiring")) == 1
    assert _told("leader", "letter_expiring")  # with the approving leader, as before


def test_the_liaison_is_told_when_a_window_clerk_is_sent_back(client, liaison):
    person = make_staff(client, "sent_home", [("window_clerk", "MSA")])
    sent = send(client, "POST", f"/api/staff/{person['id']}/send-back", {"reason": "考核不合格"})
    assert sent.status_code == 200
    assert len(_told("msa_liaison", "staff_sent_back")) == 1


def test_a_liaison_handles_no_case(client, liaison):
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI), tick=False):
        start_case(client, "MSA-002")
        assert tasks.inbox(user("msa_liaison")) == []
