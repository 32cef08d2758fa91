"""制证权 (seed 003) decides who makes an approval's licence: the window under a letter
granting it, otherwise the department's approving leader; a window without it may not hand
over a licence nobody has made."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Notification, db
from app.services.cases import licences
from tests.cases.service_item_steps import case_of, complete, open_names, open_task
from tests.committee.committee_steps import reissue_letter
from tests.conftest import headers_for, user
from tests.delivery.test_delivery import decided

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_the_window_makes_the_licence_under_its_letter(client):
    """The demo letter grants MSA's window 制证权 over 食品经营许可 (MSA-002)."""
    case_id = decided(client)
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    licence = licences.of_case(case_id)
    assert (licence.made_by, licence.made_under) == (user("clerk").id, "MSA授〔2026〕1号")
    shown = client.get(f"/api/cases/{case_id}/licence", headers=headers_for("clerk")).json
    assert shown["madeUnder"] == "MSA授〔2026〕1号"


def test_without_the_power_the_leader_makes_it_before_the_window_delivers(client):
    reissue_letter("MSA", {"MSA-002": ["acceptance", "delivery"]}, "chief")
    case_id = decided(client)
    refused = complete(client, case_id, "deliver", "clerk", expect=403,
                       delivery_method="window").json
    assert refused["code"] == "licence_not_made" and "未授予事项 MSA-002 的制证权" in refused["detail"]
    assert open_task(case_id, "deliver").candidate_role == "window_clerk"  # stays at the window
    assert licences.of_case(case_id) is None and case_of(case_id).decision is None
    told = db.session.scalars(sa.select(Notification).where(
        Notification.kind == "licence_awaiting", Notification.instance_id == case_id)).all()
    assert {n.recipient_user_id for n in told} >= {user("leader").id}
    again = len(told)
    complete(client, case_id, "deliver", "clerk", expect=403, delivery_method="window")
    assert db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.kind == "licence_awaiting", Notification.instance_id == case_id)) == again
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert 'id="licence-awaiting"' in page and "licence/make" not in page
    by_clerk = client.post(f"/api/cases/{case_id}/licence", headers=headers_for("clerk"))
    assert by_clerk.status_code == 403 and by_clerk.json["code"] == "certificate_power_missing"
    assert "licence/make" in client.get(f"/cases/{case_id}", headers=headers_for("leader")).text
    made = client.post(f"/api/cases/{case_id}/licence", headers=headers_for("leader"))
    assert made.status_code == 201, made.json
    assert made.json["madeBy"] == user("leader").id and made.json["madeUnder"] is None
    twice = client.post(f"/api/cases/{case_id}/licence", headers=headers_for("leader"))
    assert twice.status_code == 409 and twice.json["code"] == "licence_already_made"
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert open_names(case_id) == [] and case_of(case_id).decision == "approve"
    assert licences.of_case(case_id).number == made.json["number"]


def test_the_leader_who_delivers_makes_it_himself(client):
    """No 投递权 and no 制证权: the delivery is the leader's, and so is the licence."""
    reissue_letter("MSA", {"MSA-002": ["acceptance"]}, "chief")
    case_id = decided(client)
    assert open_task(case_id, "deliver").candidate_role == "approving_leader"
    complete(client, case_id, "deliver", "leader", delivery_method="window")
    licence = licences.of_case(case_id)
    assert (licence.made_by, licence.made_under) == (user("leader").id, "")


def test_a_denial_has_nothing_to_make(client):
    reissue_letter("MSA", {"MSA-002": ["acceptance", "delivery"]}, "chief")
    case_id = decided(client, "deny")
    refused = client.post(f"/api/cases/{case_id}/licence", headers=headers_for("leader"))
    assert refused.status_code == 409 and refused.json["code"] == "licence_not_due"
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert licences.of_case(case_id) is None


def test_the_case_page_form_makes_it_for_the_leader(client):
    reissue_letter("MSA", {"MSA-002": ["acceptance", "delivery"]}, "chief")
    case_id = decided(client)
    assert client.post(f"/cases/{case_id}/licence/make",
                       headers=headers_for("clerk")).status_code == 403
    done = client.post(f"/cases/{case_id}/licence/make", headers=headers_for("leader"))
    assert done.status_code == 303 and licences.of_case(case_id).made_by == user("leader").id
