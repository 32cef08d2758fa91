"""日对账: per department, for a local date, what was assessed, paid (by method) and refunded;
every sum reconciles to the cent, and a movement counts on its local date."""
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from openpyxl import load_workbook

from app.services import money
from tests.cases.service_item_steps import complete, required_materials, start_case
from tests.conftest import headers_for
from tests.fees.test_fees import priced

LOCAL = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int, minute: int = 0) -> time_machine.travel:
    return time_machine.travel(datetime(2026, 3, day, hour, minute, tzinfo=LOCAL), tick=False)


def accepted(client, code: str) -> int:
    case_id = start_case(client, code)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=required_materials(code))
    return case_id


def assess(client, case_id: int, **body) -> int:
    response = client.post(f"/api/cases/{case_id}/fees", json=body, headers=headers_for("clerk"))
    assert response.status_code == 201, response.json
    return response.json["id"]


def pay(client, assessment_id: int, amount: str, method: str, receipt: str) -> int:
    response = client.post(f"/api/fees/{assessment_id}/payments", headers=headers_for("cashier"),
                           json={"amount": amount, "method": method, "receiptNo": receipt})
    assert response.status_code == 201, response.json
    return response.json["id"]


def refund(client, payment_id: int, amount: str) -> None:
    response = client.post(f"/api/fee-payments/{payment_id}/refunds",
                           headers=headers_for("cashier"), json={"amount": amount, "reason": "多收"})
    assert response.status_code == 201, response.json


def the_day(client) -> None:
    """MSA: ¥60.00 paid in cash at 23:30, ¥20.00 assessed and paid after midnight.
    NRP: ¥0.10 by scan and ¥0.20 by card, ¥0.05 of the first refunded."""
    priced("MSA-002")
    priced("NRP-001", amount=None, unit="")
    with at(2, 9, 30):
        shop, late, land, road = (accepted(client, "MSA-002"), accepted(client, "MSA-002"),
                                  accepted(client, "NRP-001"), accepted(client, "NRP-001"))
        fees = [assess(client, shop, quantity=3), assess(client, late, quantity=1),
                assess(client, land, amount="0.10"), assess(client, road, amount="0.20")]
    with at(2, 10):
        scanned = pay(client, fees[2], "0.10", "qr", "R-0003")
        pay(client, fees[3], "0.20", "card", "R-0004")
    with at(2, 11):
        refund(client, scanned, "0.05")
    with at(2, 23, 30):
        pay(client, fees[0], "60.00", "cash", "R-0001")
    with at(3, 0, 30):
        pay(client, fees[1], "20.00", "transfer", "R-0002")


def test_the_day_reconciles_to_the_cent_across_departments_methods_and_refunds(client):
    the_day(client)
    body = client.get("/api/fees/reconciliation?day=2026-03-02",
                      headers=headers_for("cashier")).json
    rows = {r["department"]: r for r in body["departments"]}
    [shop] = [r for name, r in rows.items() if "市场" in name]
    [land] = [r for name, r in rows.items() if name != shop["department"]]
    assert (shop["assessedCount"], shop["assessed"]["amountFen"]) == (2, 8000)
    assert (shop["paidCount"], shop["paid"]["amount"], shop["byMethod"]["cash"]["amountFen"]) \
        == (1, "60.00", 6000)
    assert (land["paid"]["amountFen"], land["byMethod"]["qr"]["amountFen"],
            land["byMethod"]["card"]["amountFen"]) == (30, 10, 20)
    assert (land["refundCount"], land["refunded"]["amountFen"], land["net"]["amount"]) \
        == (1, 5, "0.25")
    total = body["total"]
    assert (total["assessed"]["amountFen"], total["paid"]["amountFen"],
            total["refunded"]["amountFen"], total["net"]["amount"]) == (8030, 6030, 5, "60.25")
    assert total["byMethod"]["transfer"]["amountFen"] == 0  # paid after midnight: the 3rd's
    for row in [*body["departments"], total]:
        assert sum(m["amountFen"] for m in row["byMethod"].values()) == row["paid"]["amountFen"]
        assert row["paid"]["amountFen"] - row["refunded"]["amountFen"] == row["net"]["amountFen"]
    assert sum(r["net"]["amountFen"] for r in body["departments"]) == total["net"]["amountFen"]
    next_day = client.get("/api/fees/reconciliation?day=2026-03-03",
                          headers=headers_for("cashier")).json["total"]
    assert (next_day["paidCount"], next_day["byMethod"]["transfer"]["amount"]) == (1, "20.00")


def test_the_page_and_the_spreadsheet_show_the_same_sums(client):
    the_day(client)
    page = client.get("/fees/reconciliation?day=2026-03-02", headers=headers_for("cashier")).text
    total = page[page.index('id="reconciliation-total"'):]
    assert "¥80.30" in total and "¥60.25" in total and "¥0.05" in total
    sheet = client.get("/fees/reconciliation/2026-03-02.xlsx", headers=headers_for("cashier"))
    book = load_workbook(io.BytesIO(sheet.data))
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert rows[-1][0] == "合计" and money.to_fen(rows[-1][-1]) == 6025
    assert len(list(book.worksheets[1].iter_rows())) == 1 + 3 + 1  # header, payments, refund


def test_a_department_reconciles_only_its_own_and_others_not_at_all(client):
    the_day(client)
    own = client.get("/api/fees/reconciliation?day=2026-03-02", headers=headers_for("nrp_a")).json
    assert len(own["departments"]) == 1 and own["total"]["paid"]["amountFen"] == 30
    refused = client.get("/api/fees/reconciliation?day=2026-03-02",
                         headers=headers_for("designer"))
    assert refused.status_code == 403 and refused.json["code"] == "not_fee_viewer"
    bad = client.get("/api/fees/reconciliation?day=soon", headers=headers_for("cashier"))
    assert bad.status_code == 400 and bad.json["code"] == "invalid_day"


def test_money_is_never_a_float(client):
    the_day(client)
    body = client.get("/api/fees/reconciliation?day=2026-03-02",
                      headers=headers_for("cashier")).json

    def floats(value):
        if isinstance(value, dict):
            return [f for v in value.values() for f in floats(v)]
        if isinstance(value, list):
            return [f for v in value for f in floats(v)]
        return [value] if isinstance(value, float) else []

    assert floats(body) == []
    assert money.to_fen(0.1) + money.to_fen(0.2) == money.to_fen("0.30") == 30
    assert (money.shown(123450), money.shown(-5)) == ("¥1,234.50", "-¥0.05")
    assert money.to_fen("1,234.5") == 123450
