"""送达: the 办结送达 form records how, when and to whom the decision was delivered; a mail
delivery needs its tracking number; its 回执 is recorded later; the 送达回证 prints it."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, DeliveryRecord, db
from app.services.cases import delivery
from tests.cases.service_item_steps import (ALL_MATERIALS, case_of, complete, instance_state,
                                            open_names, open_task, start_case)
from tests.conftest import headers_for

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def decided(client, decision: str = "approve", accepted_by: str = "clerk") -> int:
    """A 承诺件 decided by the department, waiting for 办结送达; accepted by the window (or,
    in a year no letter grants it 受理决定权, by the leader)."""
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", accepted_by, within_remit=True,
             materials_received=ALL_MATERIALS)
    complete(client, case_id, "window_review", "clerk", review_opinion="材料真实",
             recommendation=decision)
    extra = {} if decision == "approve" else {"decision_reasons": "场所不符合要求",
                                              "legal_basis": "《食品经营许可管理办法》第十一条"}
    complete(client, case_id, "department_decision", "leader", decision=decision, **extra)
    assert open_names(case_id) == ["deliver"]
    return case_id


def test_a_mail_delivery_needs_its_carrier_and_tracking_number(client):
    case_id = decided(client)
    refused = complete(client, case_id, "deliver", "clerk", expect=400, delivery_method="mail")
    assert {e["field"] for e in refused.json["errors"]} == {"mail_carrier", "tracking_number"}
    blank = complete(client, case_id, "deliver", "clerk", expect=400, delivery_method="mail",
                     mail_carrier="EMS", tracking_number="")
    assert [e["field"] for e in blank.json["errors"]] == ["tracking_number"]
    assert delivery.of_case(case_id) == [] and open_names(case_id) == ["deliver"]
    assert case_of(case_id).status_code != 11


def test_a_proxy_collecting_at_the_window_gives_name_and_id_number(client):
    case_id = decided(client)
    refused = complete(client, case_id, "deliver", "clerk", expect=400, delivery_method="window",
                       by_proxy=True, proxy_name="李四")
    assert [e["field"] for e in refused.json["errors"]] == ["proxy_id_number"]
    complete(client, case_id, "deliver", "clerk", delivery_method="window", by_proxy=True,
             proxy_name="李四", proxy_id_number="53232519900101123x")
    [row] = delivery.of_case(case_id)
    assert (row.method, row.by_proxy, row.proxy_name, row.proxy_id_number) == \
        ("window", True, "李四", "53232519900101123X")
    assert row.recipient_name == "张三" and row.delivered_on.isoformat() == "2026-03-02"
    receipt = client.get(f"/cases/{case_id}/deliveries/{row.id}/receipt",
                         headers=headers_for("clerk")).text
    assert "送达回证" in receipt and "当场领取" in receipt and "代领人：李四" in receipt
    assert "准予行政许可决定书" in receipt and "电子证照（" in receipt


def test_delivery_is_recorded_with_date_and_recipient_then_the_receipt_later(client,
                                                                          frozen_clock):
    case_id = decided(client)
    complete(client, case_id, "deliver", "clerk", delivery_method="mail", mail_carrier="中国邮政EMS",
             tracking_number="1100123456789", delivered_on="2026-03-01", recipient_name="张三丰")
    assert case_of(case_id).status_code == 11 and instance_state(case_id) == "completed"
    [row] = delivery.of_case(case_id)
    assert (row.carrier, row.tracking_number, row.recipient_name) == \
        ("中国邮政EMS", "1100123456789", "张三丰")
    assert row.delivered_on.isoformat() == "2026-03-01" and row.receipt_on is None
    [event] = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == "delivery.recorded"))
    assert event.detail["tracking_number"] == "1100123456789"
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "1100123456789" in page and 'name="receipt_on"' in page
    url = f"/cases/{case_id}/deliveries/{row.id}/receipt"
    early = client.post(url, headers=headers_for("clerk"), data={"receipt_on": "2026-02-27"})
    assert early.status_code == 400 and row.receipt_on is None
    assert client.post(url, headers=headers_for("supervisor"), data={"receipt_on": "2026-03-02"}
                       ).status_code == 403
    frozen_clock.move_to(datetime(2026, 3, 5, 10, tzinfo=ZoneInfo("Asia/Shanghai")))
    saved = client.post(url, headers=headers_for("clerk"), data={"receipt_on": "2026-03-04"})
    assert saved.status_code == 303
    db.session.refresh(row)
    assert row.receipt_on.isoformat() == "2026-03-04"
    again = client.post(url, headers=headers_for("clerk"), data={"receipt_on": "2026-03-05"})
    assert again.status_code == 409
    printed = client.get(url, headers=headers_for("clerk")).text
    assert "回执日期：2026年03月04日" in printed and "邮件单号：1100123456789" in printed
    pdf = client.get(url + ".pdf", headers=headers_for("clerk"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_an_electronic_delivery_keeps_the_address_and_moment_sent(client):
    case_id = decided(client, "deny")
    refused = complete(client, case_id, "deliver", "clerk", expect=400,
                       delivery_method="electronic")
    assert [e["field"] for e in refused.json["errors"]] == ["electronic_address"]
    complete(client, case_id, "deliver", "clerk", delivery_method="electronic",
             electronic_address="zhangsan@example.com")
    [row] = delivery.of_case(case_id)
    assert row.electronic_address == "zhangsan@example.com" and row.sent_at is not None
    receipt = client.get(f"/cases/{case_id}/deliveries/{row.id}/receipt",
                         headers=headers_for("clerk")).text
    assert "不予行政许可决定书" in receipt and "zhangsan@example.com" in receipt
    window = client.post(f"/cases/{case_id}/deliveries/{row.id}/receipt",
                         headers=headers_for("clerk"), data={"receipt_on": "2026-03-02"})
    assert window.status_code == 409  # only mail has a 回执


def test_a_future_or_malformed_delivery_date_is_refused_and_nothing_recorded(client):
    case_id = decided(client)
    future = complete(client, case_id, "deliver", "clerk", expect=400, delivery_method="window",
                      delivered_on="2026-03-09")
    assert future.json["code"] == "delivery_date_in_future"
    bad = complete(client, case_id, "deliver", "clerk", expect=400, delivery_method="window",
                   delivered_on="03/02/2026")
    assert [e["field"] for e in bad.json["errors"]] == ["delivered_on"]
    assert db.session.scalar(sa.select(sa.func.count(DeliveryRecord.id))) == 0
    assert open_names(case_id) == ["deliver"]


def test_the_task_page_asks_for_the_delivery_and_keeps_a_refused_mail_form(client):
    case_id = decided(client)
    task = open_task(case_id, "deliver")
    page = client.get(f"/tasks/{task.id}", headers=headers_for("clerk")).text
    for field in ("delivered_on", "recipient_name", "by_proxy", "proxy_id_number",
                  "mail_carrier", "tracking_number", "electronic_address"):
        assert f'name="{field}"' in page, field
    refused = client.post(f"/tasks/{task.id}", headers=headers_for("clerk"),
                          data={"delivery_method": "mail", "mail_carrier": "EMS"})
    assert refused.status_code == 400 and "邮件单号" in refused.text
    assert delivery.of_case(case_id) == []
    done = client.post(f"/tasks/{task.id}", headers=headers_for("clerk"),
                       data={"delivery_method": "mail", "mail_carrier": "EMS",
                             "tracking_number": "EA123456789CN"})
    assert done.status_code == 303
    assert [r.tracking_number for r in delivery.of_case(case_id)] == ["EA123456789CN"]
