"""The item's licence validity (licence_validity_years) is the catalog's: set through the
API, the admin form and the spreadsheet, 0 for 长期有效, anything but whole years refused."""
import csv
import io

from app.services import catalog
from tests.catalog.test_catalog import HEADER, create, export, new_item, sheet_bytes, upload
from tests.conftest import headers_for


def test_the_validity_is_set_exported_and_imported(client):
    created = create(client, code="MSA-950", licenceValidityYears=5)
    assert created["licenceValidityYears"] == 5
    assert create(client, code="MSA-951")["licenceValidityYears"] == 0  # 长期有效
    rows = list(csv.reader(io.StringIO(export(client, "csv").decode("utf-8-sig"))))
    column = rows[0].index("证照有效期（年，0 为长期有效） (licence_validity_years)")
    assert [r[column] for r in rows if r[0] == "MSA-950"] == ["5"]
    changed = [HEADER + ["licence_validity_years"],
               ["MSA-950", "MSA00900", "测试事项", "MSA", "promise", 20, 10, "service_item",
                "application_form:申请书:required::1", 3]]
    response = upload(client, sheet_bytes(changed), "years.xlsx")
    assert response.json == {"created": 0, "revised": 1, "unchanged": 0}, response.json
    assert catalog.current("MSA-950").licence_validity_years == 3


def test_anything_but_whole_years_up_to_a_hundred_is_refused(client):
    for bad in (2.5, -1, 101, "五年"):
        response = client.post("/api/items", headers=headers_for("admin"),
                               json={**new_item("MSA-960"), "licenceValidityYears": bad})
        assert response.status_code == 400, bad
        assert [e["field"] for e in response.json["errors"]] == ["licenceValidityYears"]
    assert catalog.find_current("MSA-960") is None


def test_the_admin_form_sets_it(client):
    create(client, code="MSA-961")
    page = client.get("/admin/items/MSA-961/edit", headers=headers_for("admin"))
    assert page.status_code == 200 and 'name="licence_validity_years"' in page.text

