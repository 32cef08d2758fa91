"""Tracking a 上报件 across levels, and administering the messages between them."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Item, Notification, db
from app.services.workflow import timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import case_of, complete, open_names
from tests.conftest import headers_for, user
from tests.linkage.link_steps import CITY, COUNTY, level_instance, messages, pump, report_up

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _timeline(client, instance_id: int, username: str = "hcd_a", expect: int = 200):
    response = client.get(f"/api/process-instances/{instance_id}/linkage",
                          headers=headers_for(username))
    assert response.status_code == expect, response.json
    return response.json


def test_the_county_window_sees_where_the_case_is_at_every_level(client):
    county = report_up(client)
    assert _timeline(client, county)["holder"] is None  # 上报 on its way, nobody holds it
    pump()
    timeline = _timeline(client, county)
    assert timeline["holder"] == CITY and timeline["originCaseNo"] == case_of(county).case_no
    county_level, city_level = timeline["levels"]
    assert county_level["stage"] == "waiting_upper" and county_level["center"] == COUNTY
    assert city_level["department"] == "州住房和城乡建设局" and city_level["tasks"] == ["审查决定"]
    assert city_level["workingDaysLeft"] == 15 and city_level["caseNo"].startswith(CITY)
    assert [m["name"] for m in timeline["messages"]] == ["report_up", "level_status"]
    page = client.get(f"/linkage/{county}", headers=headers_for("hcd_a"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "州住房和城乡建设局" in text and "审查决定" in text and "（当前）" in text
    listing = client.get("/linkage", headers=headers_for("hcd_a")).get_data(as_text=True)
    assert case_of(county).case_no in listing
    _timeline(client, county, "tra_a", expect=403)  # another department's window


def test_the_level_that_holds_the_case_is_reminded_as_its_deadline_nears(client, frozen_clock):
    county = report_up(client)
    pump()
    city = level_instance(county, CITY)
    frozen_clock.move_to(case_of(city).deadline_at - timedelta(hours=20))  # its 预警 day
    for instance_id in timers.due_instance_ids():  # what the worker's sweep does
        timers.fire(instance_id, Actor.system("timer"))
    warned = db.session.scalars(sa.select(Notification).where(
        Notification.kind == "warning", Notification.instance_id == city)).all()
    assert {n.recipient_user_id for n in warned} == {user("cx_hcd_leader").id,
                                                     user("cx_hcd_clerk").id}
    assert not db.session.scalars(sa.select(Notification).where(  # the county does not hold it
        Notification.kind == "warning", Notification.instance_id == county)).all()


def test_a_dead_letter_is_listed_and_redelivered_by_an_administrator(client):
    city_item = db.session.scalar(sa.select(Item).where(Item.code == "CX-HCD-004"))
    city_item.superseded_at = MONDAY  # the city has withdrawn the item meanwhile
    db.session.flush()
    county = report_up(client)
    pump()
    [dead] = [m for m in messages(case_of(county).case_no, "in")]
    assert dead.status == "dead" and "basic code" in dead.last_error
    listed = client.get("/api/link/messages?which=dead", headers=headers_for("admin")).json
    assert [m["id"] for m in listed["items"]] == [dead.id]
    page = client.get("/admin/links?which=dead", headers=headers_for("admin"))
    assert "重新投递" in page.get_data(as_text=True)
    assert client.get("/admin/links", headers=headers_for("hcd_a")).status_code == 403

    city_item.superseded_at = None  # the catalog is put right
    db.session.flush()
    response = client.post(f"/admin/links/{dead.id}/redeliver", data={"which": "dead"},
                           headers=headers_for("admin"))
    assert response.status_code == 303
    assert open_names(level_instance(county, CITY)) == ["review"]
    again = client.post(f"/api/link/messages/{dead.id}/redeliver", headers=headers_for("admin"))
    assert again.status_code == 409 and again.json["code"] == "link_delivered"


def test_redelivery_is_for_administrators(client):
    county = report_up(client)
    [sent] = messages(case_of(county).case_no)
    response = client.post(f"/api/link/messages/{sent.id}/redeliver",
                           headers=headers_for("hcd_a"))
    assert response.status_code == 403


def test_the_window_takes_a_reported_item_in_at_the_intake_page(client):
    response = client.post("/intake", data={"item": "HCD-004", "applicant_name": "姚安建工有限公司",
                                            "phone": "13800000000"},
                           headers=headers_for("hcd_a"))
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
    from app.models import Case, ProcessInstance
    case = db.session.scalar(sa.select(Case).order_by(Case.id.desc()).limit(1))
    instance = db.session.get(ProcessInstance, case.instance_id)
    assert case.item.code == "HCD-004" and instance.definition.key == "three_level_report"
    assert open_names(instance.id) == ["intake"]


def test_a_delivered_message_reads_delivered_on_the_timeline(client):
    """Each level's snapshot lists the messages as they stood when it was taken; the timeline
    shows each message as far as any copy of it has got (it said `pending` forever)."""
    county = report_up(client)
    pump()
    pump()
    statuses = {m["uid"]: m["status"] for m in _timeline(client, county)["messages"]}
    rows = {m.uid: m.status for m in messages(case_of(county).case_no, "out")}
    assert statuses and set(rows) <= set(statuses)
    assert all(statuses[uid] == "delivered" for uid, status in rows.items()
               if status == "delivered")
    page = client.get(f"/linkage/{county}", headers=headers_for("hcd_a")).get_data(as_text=True)
    assert "pending" not in page and "待投递" not in page
