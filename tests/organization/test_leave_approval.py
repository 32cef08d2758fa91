"""请假经中心同意 (seed 004: 否则一律不准请假，擅自离岗的作旷工处理; seed 002 arts. 22, 30): a
leave the center files is approved with the filing; one the person files waits for the
center; days away without its consent are recorded as 擅自离岗."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Notification, Violation, db
from app.models.accountability import UNAPPROVED_ABSENCE
from app.services.supervision import sweep
from tests.conftest import headers_for, user
from tests.organization.organization_steps import audit_events
from tests.supervision.steps import unit

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _file(client, username: str, starts: str, ends: str, by: str, expect: int = 201) -> dict:
    response = client.post("/api/absences", headers=headers_for(by), json={
        "userId": user(username).id, "startsOn": starts, "endsOn": ends, "reason": "leave"})
    assert response.status_code == expect, response.json
    return response.json


def _unapproved() -> list[Violation]:
    return list(db.session.scalars(sa.select(Violation).where(
        Violation.kind == UNAPPROVED_ABSENCE)))


def _sweep(now: datetime) -> None:
    for _ in range(2):  # twice: a finding is recorded once
        sweep.run(now)


def test_the_center_filing_a_leave_approves_it(client, clock):
    filed = _file(client, "clerk", "2026-03-03", "2026-03-03", by="admin")
    assert filed["approvedAt"] is not None and filed["approvedBy"] == user("admin").id


def test_a_leave_the_person_files_waits_for_the_centers_approval(client, clock):
    filed = _file(client, "clerk", "2026-03-04", "2026-03-05", by="clerk")
    assert filed["approvedAt"] is None
    path = f"/api/absences/{filed['id']}/approve"
    assert client.post(path, headers=headers_for("chief")).status_code == 403
    approved = client.post(path, headers=headers_for("admin"))
    assert approved.status_code == 200 and approved.json["approvedBy"] == user("admin").id
    [event] = audit_events("absence.approved")
    assert event.detail == {"absence_id": filed["id"], "user_id": user("clerk").id}
    told = db.session.scalars(sa.select(Notification).where(
        Notification.kind == "absence_approved")).all()
    assert [n.recipient_user_id for n in told if n.channel == "in_app"] == [user("clerk").id]
    again = client.post(path, headers=headers_for("admin"))
    assert again.status_code == 409 and again.json["code"] == "absence_approved"


def test_away_without_the_centers_consent_is_recorded_once_as_leaving_the_post(client, clock):
    filed = _file(client, "clerk", "2026-03-02", "2026-03-03", by="clerk")
    approved_ahead = _file(client, "msa_b", "2026-03-09", "2026-03-09", by="msa_b")
    client.post(f"/api/absences/{approved_ahead['id']}/approve", headers=headers_for("admin"))
    _sweep(MONDAY)
    [violation] = _unapproved()
    assert (violation.staff_id, violation.department_id) == (user("clerk").id, unit("MSA").id)
    assert "未经中心同意" in violation.description
    client.post(f"/api/absences/{filed['id']}/approve", headers=headers_for("admin"))  # late
    clock.move_to(datetime(2026, 3, 9, 9, 30, tzinfo=SHANGHAI))
    _sweep(datetime(2026, 3, 9, 9, 30, tzinfo=SHANGHAI))
    assert len(_unapproved()) == 1  # msa_b's leave was approved before it began


def test_the_absences_page_shows_what_waits_and_offers_the_approval(client, clock):
    filed = _file(client, "clerk", "2026-03-04", "2026-03-05", by="clerk")
    admin_page = client.get("/admin/absences", headers=headers_for("admin")).text
    assert "待中心同意" in admin_page and "同意请假" in admin_page
    assert "同意请假" not in client.get("/admin/absences", headers=headers_for("clerk")).text
    done = client.post(f"/admin/absences/{filed['id']}/approve", headers=headers_for("admin"))
    assert done.status_code == 303
    assert "待中心同意" not in client.get("/admin/absences", headers=headers_for("admin")).text
