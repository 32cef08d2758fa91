"""三级联动 between centers of one deployment: each level its own instance, linked by messages."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.models.linkage import DELIVERED
from tests.cases.service_item_steps import (case_of, complete, instance_state, notices, open_names,
                                            required_materials)
from tests.linkage.link_steps import (CITY, COUNTY, PROVINCE, level_instance, messages, pump,
                                      report_up)

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_a_county_case_is_decided_by_the_city_and_delivered_by_the_county(client):
    county = report_up(client)
    origin = case_of(county).case_no
    assert origin.startswith(COUNTY) and instance_state(county) == "running"
    assert open_names(county) == []  # waiting for the city
    [sent] = messages(origin)
    assert sent.name == "report_up" and sent.to_center == CITY and sent.status == "pending"

    pump()
    city = level_instance(county, CITY)
    city_case = case_of(city)
    assert city_case.case_no.startswith(CITY) and city_case.item.code == "CX-HCD-004"
    assert city_case.status_code == 3 and city_case.deadline_at is not None
    assert open_names(city) == ["review"]  # decided here: no option to report further
    complete(client, city, "review", "cx_hcd_leader", outcome="approve",
             review_opinion="符合三级资质标准")
    assert case_of(city).decision == "approve" and instance_state(city) == "completed"

    pump()
    assert open_names(county) == ["deliver"]
    complete(client, county, "deliver", "hcd_a", delivery_method="window")
    county_case = case_of(county)
    assert county_case.status_code == 11 and instance_state(county) == "completed"
    [done] = notices(county, "concluded")
    assert "准予许可" in done.body
    assert all(m.status == DELIVERED for m in messages(origin) + messages(origin, "in"))



def test_a_case_goes_up_to_the_province_which_asks_for_more_materials_then_decides(client):
    county = report_up(client, "HEA-003", "hea_a")
    origin = case_of(county).case_no
    pump()
    city = level_instance(county, CITY)
    assert open_names(city) == ["review_or_report"]  # the province decides this item
    complete(client, city, "review_or_report", "cx_hea_leader", outcome="report_up",
             review_opinion="初审同意，报省级审批")
    pump()
    province = level_instance(county, PROVINCE)
    assert case_of(province).case_no.startswith(PROVINCE) and open_names(province) == ["review"]

    # 补正: the province asks; it reaches the county window through the city
    complete(client, province, "review", "yn_hea_leader", outcome="supplement",
             review_opinion="缺少营业执照副本", missing=["business_licence"])
    assert case_of(province).status_code == 6
    pump()
    assert open_names(county) == ["upper_supplement"]
    county_case = case_of(county)
    assert county_case.status_code == 6
    [notice] = notices(county, "missing_materials")  # 一次性告知 from the accepting window
    assert "营业执照" in notice.body
    complete(client, county, "upper_supplement", "hea_a",
             materials_received=required_materials("HEA-003"))
    assert case_of(county).status_code == 7
    pump()
    assert open_names(province) == ["review"] and case_of(province).status_code == 7

    complete(client, province, "review", "yn_hea_leader", outcome="deny",
             review_opinion="不符合条件", decision_reasons="从业人员资质不符合要求",
             legal_basis="《母婴保健法》第三十三条")
    pump()
    assert case_of(city).decision == "deny" and instance_state(city) == "completed"
    assert open_names(county) == ["deliver"]
    complete(client, county, "deliver", "hea_a", delivery_method="mail",
             mail_carrier="中国邮政EMS", tracking_number="1100123456789")
    county_case = case_of(county)
    assert county_case.status_code == 13
    [done] = notices(county, "concluded")
    assert "从业人员资质不符合要求" in done.body and "行政复议" in done.body
    names = [(m.from_center, m.to_center, m.name) for m in messages(origin)]
    assert names == [
        (COUNTY, CITY, "report_up"), (CITY, COUNTY, "level_status"),
        (CITY, PROVINCE, "report_up"), (PROVINCE, CITY, "level_status"),
        (CITY, COUNTY, "level_status"), (PROVINCE, CITY, "level_reply"),
        (CITY, COUNTY, "level_reply"), (COUNTY, CITY, "supplement_reply"),
        (CITY, PROVINCE, "supplement_reply"), (PROVINCE, CITY, "level_reply"),
        (CITY, COUNTY, "level_reply")]


def test_a_message_for_a_suspended_instance_is_kept_and_delivered_on_resume(client):
    from app.services.workflow.actor import Actor
    from app.services.workflow.instances import admin as instance_admin
    from tests.conftest import user
    county = report_up(client)
    pump()
    city = level_instance(county, CITY)
    admin = Actor.of(user("admin"))
    instance_admin.suspend(county, admin)
    complete(client, city, "review", "cx_hcd_leader", outcome="approve", review_opinion="同意")
    pump()
    origin = case_of(county).case_no
    [kept] = [m for m in messages(origin, "in") if m.name == "level_reply"]
    assert kept.status == "pending" and "suspended" in kept.last_error
    instance_admin.resume(county, admin)
    with time_machine.travel(MONDAY + timedelta(minutes=6), tick=False):
        pump()
    assert open_names(county) == ["deliver"]


def test_a_message_received_twice_is_stored_and_caught_once(client):
    from app.models import db
    from app.services.linkage import delivery as linkage
    from app.services.workflow.actor import Actor
    county = report_up(client)
    origin = case_of(county).case_no
    [sent] = messages(origin)
    first = linkage.receive(sent.envelope, Actor.system("t"))
    again = linkage.receive(sent.envelope, Actor.system("t"))
    assert first.id == again.id
    db.session.commit()  # as the endpoint does
    pump()
    pump()
    assert len(messages(origin, "in")) == 2  # the report and the city's 受理 status
    assert linkage.deliver_inbound(first.id, Actor.system("t")) == "delivered"
    level_instance(county, CITY)  # one city case


def test_reporting_up_from_the_top_is_refused_and_nothing_is_written(client):
    import sqlalchemy as sa

    from app.models import Center, db
    from tests.linkage.link_steps import start_report
    province = db.session.scalar(sa.select(Center).where(Center.code == PROVINCE))
    assert province.parent_id is None
    county = start_report(client)
    complete(client, county, "intake", "hcd_a", within_remit=True,
             materials_received=required_materials("HCD-004"))
    county_center = db.session.scalar(sa.select(Center).where(Center.code == COUNTY))
    county_center.parent_id = None
    db.session.flush()
    response = complete(client, county, "preliminary_review", "hcd_a", expect=400,
                        preliminary_opinion="同意", recommendation="approve")
    assert response.json["code"] == "no_upper_level"
    assert open_names(county) == ["preliminary_review"]
    assert messages(case_of(county).case_no) == []


def _attach(instance_id: int, filename: str, username: str = "hcd_a") -> None:
    import io

    from werkzeug.datastructures import FileStorage

    from app.services.workflow import attachments
    from app.services.workflow.actor import Actor
    from tests.conftest import user
    upload = FileStorage(io.BytesIO(b"%PDF-1.4 " + filename.encode()), filename=filename)
    attachments.add(instance_id, upload, Actor.of(user(username)))


def _files(instance_id: int) -> list[str]:
    import sqlalchemy as sa

    from app.models import Attachment, db
    return list(db.session.scalars(sa.select(Attachment.filename).where(
        Attachment.instance_id == instance_id).order_by(Attachment.id)))


def test_the_files_go_up_with_the_report_and_with_each_supplement(client):
    from tests.linkage.link_steps import OPINION, start_report
    county = start_report(client)
    complete(client, county, "intake", "hcd_a", within_remit=True,
             materials_received=required_materials("HCD-004"))
    _attach(county, "申请书.pdf")
    complete(client, county, "preliminary_review", "hcd_a", **OPINION)
    pump()
    city = level_instance(county, CITY)
    assert _files(city) == ["申请书.pdf"]
    complete(client, city, "review", "cx_hcd_leader", outcome="supplement",
             review_opinion="请补充营业执照", missing=["business_licence"])
    pump()
    _attach(county, "营业执照.pdf")
    complete(client, county, "upper_supplement", "hcd_a",
             materials_received=required_materials("HCD-004"))
    pump()
    assert _files(city) == ["申请书.pdf", "营业执照.pdf"]  # each once
    assert open_names(city) == ["review"]
    origin = case_of(county).case_no
    carried = [f for m in messages(origin) + messages(origin, "in")
               for f in m.envelope.get("attachments", [])]
    assert len(carried) == 4 and not any("data" in f for f in carried)  # bytes not kept twice
