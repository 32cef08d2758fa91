"""The item's reason to take longer than seed 004's 2 working days (long_decision_reason):
API, spreadsheet, item form and service guide."""
from __future__ import annotations

import csv
import io

from tests.catalog.test_catalog import FORM, create, export, new_item, upload
from tests.conftest import headers_for

COLUMN = "延长审批的原因 (long_decision_reason)"


def admin():
    return headers_for("admin")


def test_the_api_takes_a_known_reason_only(client):
    created = create(client, code="MSA-960", longDecisionReason="expert_review")
    assert created["longDecisionReason"] == "expert_review"
    assert create(client, code="MSA-961")["longDecisionReason"] == ""
    response = client.post("/api/items", json=new_item(code="MSA-962",
                                                       longDecisionReason="because"),
                           headers=admin())
    assert response.status_code == 400
    [error] = response.json["errors"]
    assert error["field"] == "longDecisionReason" and "专家论证" in error["message"]


def test_the_spreadsheet_column_exports_and_imports_the_chinese_names(client):
    create(client, code="MSA-963", longDecisionReason="site_survey")
    rows = list(csv.reader(io.StringIO(export(client, "csv").decode("utf-8-sig"))))
    index = rows[0].index(COLUMN)
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code["MSA-963"][index] == "现场踏勘" and by_code["HRS-003"][index] == ""
    sheet = io.StringIO()
    csv.writer(sheet).writerows([["code", "延长审批的原因"], ["MSA-963", "专家论证"],
                                 ["MSA-002", ""]])
    response = upload(client, sheet.getvalue().encode("utf-8"), "reasons.csv")
    assert response.status_code == 200, response.json
    assert response.json["revised"] == 2
    items = {code: client.get(f"/api/items/{code}", headers=admin()).json
             for code in ("MSA-963", "MSA-002")}
    assert items["MSA-963"]["longDecisionReason"] == "expert_review"
    assert items["MSA-002"]["longDecisionReason"] == ""  # an empty cell: no reason
    bad = io.StringIO()
    csv.writer(bad).writerows([["code", "long_decision_reason"], ["MSA-963", "随便"]])
    refused = upload(client, bad.getvalue().encode("utf-8"), "bad.csv")
    assert refused.status_code == 400
    assert refused.json["errors"][0]["field"] == "long_decision_reason"


def test_the_item_form_and_page_show_the_reason(client):
    created = client.post("/admin/items/new", headers=admin(),
                          data={**FORM, "long_decision_reason": "higher_level"})
    assert created.status_code == 302
    page = client.get("/admin/items/MSA-940", headers=admin()).text
    assert "延长审批的原因" in page and "上报上级" in page
    form = client.get("/admin/items/MSA-940/edit", headers=admin()).text
    assert '<option value="higher_level" selected>' in form
    english = client.get("/admin/items/MSA-940?lang=en", headers=admin()).text
    assert "Referral to a higher authority" in english


def test_the_guide_publishes_the_department_decision_limit(client):
    body = client.get("/api/items/HRS-003/guide", headers=headers_for("clerk")).json
    assert body["decisionTimeLimit"].startswith("受理后 2 个工作日内作出决定")
    assert "30 个工作日" in body["decisionTimeLimit"] and body["longDecisionReason"] == ""
    assert body["labels"]["decisionTimeLimit"] == "部门审批时限"
    surveyed = client.get("/api/items/MSA-002/guide", headers=headers_for("clerk")).json
    assert surveyed["decisionTimeLimit"].startswith("需现场踏勘，按承诺办结时限办理")
    instant = client.get("/api/items/MSA-001/guide", headers=headers_for("clerk")).json
    assert instant["decisionTimeLimit"] == ""
    page = client.get("/guide/MSA-002", headers=headers_for("clerk")).text
    assert "部门审批时限" in page and "需现场踏勘" in page
    assert "部门审批时限" not in client.get("/guide/MSA-001", headers=headers_for("clerk")).text
    english = client.get("/guide/MSA-002?lang=en", headers=headers_for("clerk")).text
    assert "Department decision limit" in english and "On-site inspection" in english
