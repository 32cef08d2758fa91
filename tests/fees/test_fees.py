"""一口式收费: the department assesses a case's fee, only the settlement window's cashier takes
it (once, in full, against a unique receipt number), a result is not delivered while a fee
is unpaid, and refunds never exceed what was paid."""
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, FeeAssessment, FeePayment, FeeRefund, db
from app.services import catalog
from tests.cases.service_item_steps import (ALL_MATERIALS, complete, notices, open_names,
                                            start_case)
from tests.conftest import headers_for

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")


def priced(code: str = "MSA-002", amount: str | None = "20.00", unit: str = "张") -> None:
    item = catalog.current(code)
    item.fee_amount, item.fee_unit = (Decimal(amount) if amount else None), unit
    item.fee, item.fee_basis = "工本费每张 20 元", "《测试收费文件》（测价〔2026〕1号）"
    db.session.commit()  # a savepoint: a refused request's rollback keeps it


def decided(client) -> int:
    """An approved MSA-002 case waiting for 办结送达."""
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    complete(client, case_id, "window_review", "clerk", review_opinion="同意",
             recommendation="approve")
    complete(client, case_id, "department_decision", "leader", decision="approve")
    assert open_names(case_id) == ["deliver"]
    return case_id


def assess(client, case_id: int, who: str = "clerk", expect: int = 201, **body):
    response = client.post(f"/api/cases/{case_id}/fees", json={"quantity": 3, **body},
                           headers=headers_for(who))
    assert response.status_code == expect, response.json
    return response.json


def pay(client, assessment_id: int, who: str = "cashier", expect: int = 201, **body):
    body = {"amount": "60.00", "method": "cash", "receiptNo": "YN2026-000123", **body}
    response = client.post(f"/api/fees/{assessment_id}/payments", json=body,
                           headers=headers_for(who))
    assert response.status_code == expect, response.json
    return response.json


def test_the_department_assesses_at_the_items_rate_and_the_applicant_is_told(client):
    priced()
    case_id = decided(client)
    fee = assess(client, case_id)
    assert (fee["amountFen"], fee["amount"], fee["unitPriceFen"]) == (6000, "60.00", 2000)
    assert "缴〔" in fee["noticeNumber"] and fee["noticeNumber"].endswith("号")
    assert fee["basis"] == "《测试收费文件》（测价〔2026〕1号）"
    [told] = notices(case_id, "fee_assessed")
    assert "¥60.00" in told.body and fee["noticeNumber"] in told.body
    page = client.get(f"/fees/{fee['id']}/notice", headers=headers_for("clerk")).text
    assert "缴费通知书" in page and "¥60.00" in page and fee["noticeNumber"] in page
    case_page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert 'id="fees"' in case_page and "待缴 ¥60.00" in case_page


def test_another_departments_staff_may_not_assess(client):
    priced()
    case_id = decided(client)
    refused = assess(client, case_id, who="nrp_a", expect=403)
    assert refused["code"] == "not_fee_assessor"
    refused = assess(client, case_id, who="cashier", expect=403)
    assert refused["code"] == "not_fee_assessor"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeeAssessment)) == 0


def test_bad_assessments_are_refused_with_every_problem(client):
    priced()
    case_id = decided(client)
    refused = assess(client, case_id, expect=400, quantity="two")
    assert refused["code"] == "invalid_fee_assessment"
    assert refused["errors"][0]["field"] == "quantity"
    priced(amount=None, unit="")  # the standard is text alone: the department types it
    refused = assess(client, case_id, expect=400, amount="12.345")
    assert refused["errors"] == [{"field": "amount", "message": "金额最多精确到分"}]
    assert assess(client, case_id, amount="12.30")["amountFen"] == 1230
    catalog.current("MSA-002").fee = "不收费"
    db.session.commit()
    assert assess(client, case_id, expect=400)["errors"][0]["message"] == "该事项不收费"
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "出具缴费通知书" not in page  # a free item is not offered the assessing form


def test_only_the_cashier_records_a_payment_in_full(client):
    priced()
    case_id = decided(client)
    fee = assess(client, case_id)
    for who in ("clerk", "admin", "supervisor"):
        assert pay(client, fee["id"], who=who, expect=403)["code"] == "not_cashier"
    short = pay(client, fee["id"], expect=400, amount="50")
    assert short["code"] == "invalid_payment" and short["errors"][0]["field"] == "amount"
    assert pay(client, fee["id"], expect=400, method="cheque")["errors"][0]["field"] == "method"
    paid = pay(client, fee["id"], amount=60)  # a JSON number is read as its decimal spelling
    assert (paid["amountFen"], paid["receiptNo"], paid["gateway"]) == (6000, "YN2026-000123",
                                                                     "cashier")
    again = pay(client, fee["id"], expect=409, receiptNo="YN2026-000124")
    assert again["code"] == "fee_already_paid"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "fee.paid"))


def test_a_receipt_number_is_recorded_once(client):
    priced()
    first, second = decided(client), decided(client)
    pay(client, assess(client, first)["id"])
    duplicate = pay(client, assess(client, second)["id"], expect=409)
    assert duplicate["code"] == "receipt_number_used"
    assert duplicate["errors"][0]["field"] == "receiptNo"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeePayment)) == 1


def test_the_result_is_not_delivered_while_the_fee_is_unpaid(client):
    priced()
    case_id = decided(client)
    fee = assess(client, case_id)
    refused = complete(client, case_id, "deliver", "clerk", expect=409, delivery_method="window")
    assert refused.json["code"] == "fee_unpaid"
    assert open_names(case_id) == ["deliver"]
    pay(client, fee["id"])
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert open_names(case_id) == []
    record = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "核定收费" in record and "YN2026-000123 ¥60.00" in record


def test_a_case_without_fees_is_delivered(client):
    case_id = decided(client)
    complete(client, case_id, "deliver", "clerk", delivery_method="window")


def test_refunds_never_exceed_what_was_paid(client):
    priced()
    case_id = decided(client)
    paid = pay(client, assess(client, case_id)["id"])
    url = f"/api/fee-payments/{paid['id']}/refunds"
    refused = client.post(url, json={"amount": "10.00", "reason": "多收"},
                          headers=headers_for("clerk"))
    assert refused.status_code == 403 and refused.json["code"] == "not_cashier"
    no_reason = client.post(url, json={"amount": "10.00"}, headers=headers_for("cashier"))
    assert no_reason.status_code == 400 and no_reason.json["errors"][0]["field"] == "reason"
    first = client.post(url, json={"amount": "40.00", "reason": "少发一张证"},
                        headers=headers_for("cashier"))
    assert first.status_code == 201 and first.json["amountFen"] == 4000
    beyond = client.post(url, json={"amount": "20.01", "reason": "再退"},
                         headers=headers_for("cashier"))
    assert beyond.status_code == 400 and beyond.json["code"] == "refund_exceeds_paid"
    rest = client.post(url, json={"amount": "20.00", "reason": "申请人撤回"},
                       headers=headers_for("cashier"))
    assert rest.status_code == 201
    assert sum(db.session.scalars(sa.select(FeeRefund.amount_fen))) == 6000


@pytest.mark.parametrize("value", ["abc", "-1", "1e3000", "1.001", None, True])
def test_bad_amounts_are_refused_not_failed(client, value):
    priced(amount=None, unit="")
    case_id = decided(client)
    refused = assess(client, case_id, expect=400, amount=value)
    assert refused["code"] == "invalid_fee_assessment"


def test_no_fee_is_assessed_after_delivery_or_before_acceptance(client):
    priced()
    case_id = decided(client)
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert assess(client, case_id, expect=409)["code"] == "fee_case_not_open"
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "出具缴费通知书" not in page
    waiting = start_case(client, "MSA-002")["id"]  # taken in, not yet accepted
    assert assess(client, waiting, expect=409)["code"] == "fee_case_not_open"
