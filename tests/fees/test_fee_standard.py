"""The item's structured 收费标准 (fee_amount, fee_unit): edited, exported, imported and shown
in the 办事指南 like any catalog field; amounts are exact to the cent, never floats."""
import pytest

import csv
import io
from decimal import Decimal

from app.services import catalog
from tests.conftest import headers_for

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")


def put(client, **body):
    return client.put("/api/items/MSA-002", json=body, headers=headers_for("admin"))


def test_the_amount_and_unit_are_edited_and_checked(client):
    changed = put(client, feeAmount="20.5", feeUnit="张")
    assert changed.status_code == 200, changed.json
    assert (changed.json["feeAmount"], changed.json["feeUnit"]) == ("20.50", "张")
    assert catalog.current("MSA-002").fee_amount == Decimal("20.50")
    for bad, message in (("1.005", "金额最多精确到分"), ("abc", "金额格式不正确"),
                         ("0", "不收费的请留空")):
        refused = put(client, feeAmount=bad)
        assert refused.status_code == 400
        assert {"field": "feeAmount", "message": message} in refused.json["errors"]
    unit_alone = client.put("/api/items/MSA-003", json={"feeUnit": "张"},
                            headers=headers_for("admin"))
    assert unit_alone.status_code == 400 and unit_alone.json["errors"][0]["field"] == "feeUnit"


def test_the_amount_is_exported_imported_and_shown_in_the_guide(client):
    put(client, feeAmount="1234.5", feeUnit="")
    data = client.get("/api/catalog/export?format=csv", headers=headers_for("admin")).data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    column = rows[0].index("收费金额（元） (fee_amount)")
    [row] = [r for r in rows if r[0] == "MSA-002"]
    assert row[column] == "1234.50"
    row[column] = "99.90"
    out = io.StringIO()
    csv.writer(out).writerows([rows[0], row])
    imported = client.post("/api/catalog/import", headers=headers_for("admin"),
                           data={"file": (io.BytesIO(out.getvalue().encode("utf-8-sig")),
                                          "c.csv")}, content_type="multipart/form-data")
    assert imported.status_code == 200 and imported.json["revised"] == 1, imported.json
    assert catalog.current("MSA-002").fee_amount == Decimal("99.90")
    xlsx = client.get("/api/catalog/export?format=xlsx", headers=headers_for("admin")).data
    again = client.post("/api/catalog/import", headers=headers_for("admin"),
                        data={"file": (io.BytesIO(xlsx), "c.xlsx")},
                        content_type="multipart/form-data")
    assert again.status_code == 200 and again.json["revised"] == 0, again.json
    guide = client.get("/public/items/MSA-002").text
    assert "收费金额" in guide and "¥99.90/件" in guide
    form = client.get("/admin/items/MSA-002/edit", headers=headers_for("admin"))
    assert form.status_code == 200 and 'value="99.90"' in form.text
    assert "¥99.90" in client.get("/admin/items/MSA-002", headers=headers_for("admin")).text


def test_the_one_time_notice_states_the_amount(client):
    from tests.cases.service_item_steps import complete, start_case
    put(client, feeAmount="20", feeUnit="张")
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=["application_form"])
    notice = client.get(f"/cases/{case_id}/notices/supplement", headers=headers_for("clerk"))
    assert notice.status_code == 200
    assert "¥20.00/张" in notice.text
