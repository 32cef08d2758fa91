"""The fee pages: the department assesses from the case page, the settlement window finds the
case, takes the fee and prints the receipt; a refused form comes back with its problem."""
import pytest
import sqlalchemy as sa

from app.models import FeeAssessment, FeePayment, db
from tests.cases.service_item_steps import case_of
from tests.conftest import headers_for
from tests.fees.test_fees import decided, priced

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")


def test_assess_on_the_case_page_then_pay_at_the_window(client):
    priced()
    case_id = decided(client)
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "出具缴费通知书" in page and "data-confirm" in page[page.index('id="fees"'):]
    refused = client.post(f"/cases/{case_id}/fees", data={"quantity": "0"},
                          headers=headers_for("clerk"))
    assert refused.status_code == 400 and "数量应为" in refused.text
    done = client.post(f"/cases/{case_id}/fees", data={"quantity": "2"},
                       headers=headers_for("clerk"))
    assert done.status_code == 303
    fee = db.session.scalar(sa.select(FeeAssessment))
    assert fee.amount_fen == 4000
    case_no = case_of(case_id).case_no
    window = client.get(f"/cashier?q={case_no}", headers=headers_for("cashier")).text
    assert fee.notice_number in window and "¥40.00" in window and "登记缴费" in window
    wrong = client.post(f"/cashier/fees/{fee.id}/payments", headers=headers_for("cashier"),
                        data={"q": case_no, "amount": "4", "method": "cash", "receiptNo": "A-0001"})
    assert wrong.status_code == 400 and "须一次足额缴纳" in wrong.text
    paid = client.post(f"/cashier/fees/{fee.id}/payments", headers=headers_for("cashier"),
                       data={"q": case_no, "amount": "40.00", "method": "qr",
                             "receiptNo": "a-0001"})
    assert paid.status_code == 303
    payment = db.session.scalar(sa.select(FeePayment))
    assert payment.receipt_no == "A-0001"
    receipt = client.get(f"/cashier/payments/{payment.id}/receipt",
                         headers=headers_for("cashier")).text
    assert "A-0001" in receipt and "¥40.00" in receipt and "扫码" in receipt
    by_notice = client.get("/cashier", query_string={"q": fee.notice_number},
                           headers=headers_for("cashier")).text
    main = by_notice[by_notice.index("<main"):]
    assert "打印收费凭证" in by_notice and "退费" in by_notice, main


def test_the_window_is_the_cashiers(client):
    assert client.get("/cashier", headers=headers_for("clerk")).status_code == 403
    assert client.get("/cashier?q=nothing", headers=headers_for("cashier")).status_code == 200


def test_a_fee_notice_is_shown_to_those_who_see_the_case(client):
    priced()
    case_id = decided(client)
    client.post(f"/cases/{case_id}/fees", data={"quantity": "1"}, headers=headers_for("clerk"))
    fee = db.session.scalar(sa.select(FeeAssessment))
    assert client.get(f"/fees/{fee.id}/notice", headers=headers_for("cashier")).status_code == 200
    assert client.get(f"/fees/{fee.id}/notice", headers=headers_for("hrs_a")).status_code == 403


def test_the_fee_pages_read_in_english(client):
    from tests.test_i18n import _chrome_in_chinese, _data_strings, _english
    priced()
    case_id = decided(client)
    client.post(f"/cases/{case_id}/fees", data={"quantity": "1"}, headers=headers_for("clerk"))
    fee = db.session.scalar(sa.select(FeeAssessment))
    data = _data_strings() + ["张三", fee.notice_number, fee.description, fee.basis, "张"]
    for path, who in ((f"/cases/{case_id}", "clerk"), (f"/cashier?q={case_of(case_id).case_no}",
                                                        "cashier"),
                      ("/fees/reconciliation", "cashier")):
        html = _english(client, path, who)
        html = html[html.index('id="fees"'):html.index("</section>", html.index('id="fees"'))] \
            if path.startswith("/cases/") else html
        assert _chrome_in_chinese(html, data) == [], path
