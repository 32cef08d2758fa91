"""送达 and 电子证照 through the API: the case's deliveries, the mail's 回执, the licence."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.cases.service_item_steps import complete
from tests.conftest import headers_for
from tests.delivery.test_delivery import decided

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def test_the_delivery_its_receipt_and_the_licence_read_through_the_api(client):
    case_id = decided(client)
    assert client.get(f"/api/cases/{case_id}/licence",
                      headers=headers_for("clerk")).json["code"] == "licence_not_found"
    complete(client, case_id, "deliver", "clerk", delivery_method="mail",
             mail_carrier="中国邮政", tracking_number="1190000000009")
    [row] = client.get(f"/api/cases/{case_id}/deliveries",
                       headers=headers_for("clerk")).json["items"]
    assert (row["method"], row["trackingNumber"], row["receiptOn"]) == ("mail",
                                                                        "1190000000009", None)
    assert row["deliveredOn"] == "2026-03-02"
    bad = client.post(f"/api/deliveries/{row['id']}/receipt", json={"receiptOn": "2026-02-01"},
                      headers=headers_for("clerk"))
    assert bad.status_code == 400 and bad.json["code"] == "delivery_receipt_date_invalid"
    assert [e["field"] for e in bad.json["errors"]] == ["receiptOn"]  # as the client sent it
    other = client.post(f"/api/deliveries/{row['id']}/receipt", json={"receiptOn": "2026-03-02"},
                        headers=headers_for("nrp_a"))
    assert other.status_code == 403
    done = client.post(f"/api/deliveries/{row['id']}/receipt", json={"receiptOn": "2026-03-02"},
                       headers=headers_for("clerk"))
    assert done.status_code == 200 and done.json["receiptOn"] == "2026-03-02"
    licence = client.get(f"/api/cases/{case_id}/licence", headers=headers_for("clerk")).json
    assert licence["number"].startswith("姚市监证〔2026〕") and licence["status"] == "valid"
    assert licence["itemCode"] == "MSA-002" and licence["holder"]


def test_who_cannot_see_the_case_sees_neither(client):
    case_id = decided(client)
    for path in ("deliveries", "licence"):
        response = client.get(f"/api/cases/{case_id}/{path}", headers=headers_for("hea_a"))
        assert response.status_code in (403, 404)
