"""The item catalog: versions, validation, import and export, the service guide, pages."""
from __future__ import annotations

import csv
import io
import re

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.models import AuditEvent, Case, Center, Department, Item, db
from tests.conftest import headers_for


def _admin():
    return headers_for("admin")


def new_item(code: str = "MSA-900", **changes) -> dict:
    body = {"code": code, "basicCode": "MSA00900", "name": "测试事项", "department": "MSA",
            "kind": "promise", "legalDays": 20, "promisedDays": 10, "processKey": "service_item",
            "materials": [{"code": "application_form", "name": "申请书", "required": True,
                           "deferrable": False, "copies": 1}]}
    return {**body, **changes}


def create(client, **changes):
    response = client.post("/api/items", json=new_item(**changes), headers=_admin())
    assert response.status_code == 201, response.json
    return response.json


def item_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item))


# --- versions ----------------------------------------------------------------------------------

def test_create_then_revise_makes_version_two_and_keeps_version_one(client):
    created = create(client, code="MSA-901")
    assert (created["version"], created["current"], created["legalDays"]) == (1, True, 20.0)
    assert created["materials"][0] == {"code": "application_form", "name": "申请书",
                                       "required": True, "deferrable": False, "copies": 1}
    response = client.put("/api/items/MSA-901", json={"promisedDays": 7.5}, headers=_admin())
    assert response.status_code == 200, response.json
    assert (response.json["version"], response.json["promisedDays"]) == (2, 7.5)
    assert response.json["name"] == "测试事项"  # fields left out keep their values
    assert [v["current"] for v in response.json["versions"]] == [False, True]
    old = client.get("/api/items/MSA-901/versions/1", headers=_admin()).json
    assert (old["promisedDays"], old["current"]) == (10.0, False)
    actions = db.session.scalars(sa.select(AuditEvent.action).where(
        AuditEvent.action.like("item.%"), AuditEvent.detail["code"].as_string() == "MSA-901")
        .order_by(AuditEvent.id)).all()
    assert actions == ["item.created", "item.revised"]


def test_case_keeps_the_version_it_was_accepted_under(client):
    start = client.post("/api/process-definitions/key/service_item/start", json={"variables": {
        "item_code": "MSA-001", "applicant": {"name": "张三", "phone": "13800000000"}}},
        headers=headers_for("clerk"))
    assert start.status_code == 201, start.json
    before = client.get("/api/items/MSA-001", headers=_admin()).json["version"]
    response = client.put("/api/items/MSA-001", json={"name": "个体工商户设立登记（新）"},
                          headers=_admin())
    assert response.json["version"] == before + 1
    case = db.session.scalar(sa.select(Case).where(Case.instance_id == start.json["id"]))
    db.session.refresh(case)
    assert (case.item.version, case.item.name) == (before, "个体工商户设立登记")
    assert client.get("/api/items/MSA-001", headers=_admin()).json["version"] == before + 1


def test_revise_without_change_keeps_the_version(client):
    create(client, code="MSA-902")
    response = client.put("/api/items/MSA-902", json={"name": " 测试事项 "}, headers=_admin())
    assert response.status_code == 200
    assert response.json["version"] == 1 and len(response.json["versions"]) == 1


def test_retire_withdraws_the_item_and_keeps_history(client):
    create(client, code="MSA-903")
    assert client.delete("/api/items/MSA-903", headers=_admin()).status_code == 204
    assert client.get("/api/items/MSA-903", headers=_admin()).json["code"] == "item_not_found"
    assert client.get("/api/items/MSA-903/versions/1", headers=_admin()).status_code == 200
    codes = [i["code"] for i in
             client.get("/api/items?department=MSA", headers=_admin()).json["items"]]
    assert "MSA-903" not in codes
    again = create(client, code="MSA-903")  # a withdrawn code can come back
    assert again["version"] == 2


def test_listing_filters(client):
    create(client, code="HRS-901", department="HRS", kind="instant", promisedDays=0,
           name="灵活就业登记")
    found = client.get("/api/items?department=HRS&kind=instant&q=灵活", headers=_admin()).json
    assert [i["code"] for i in found["items"]] == ["HRS-901"] and found["next"] is None
    assert client.get("/api/items?kind=nonsense", headers=_admin()).status_code == 400


# --- validation --------------------------------------------------------------------------------

def test_validation_lists_every_problem(client):
    body = new_item(code="bad code", kind="fast", category="x", approvalLevel="town",
                    legalDays=-1, promisedDays=1.25, department="NOPE",
                    jointDepartments=["ZZZ"], processKey="",
                    materials=[{"code": "a", "name": "甲", "required": False, "deferrable": True},
                               {"code": "a", "name": "乙", "required": True, "copies": 0}])
    del body["name"]
    response = client.post("/api/items", json=body, headers=_admin())
    assert response.status_code == 400 and response.json["code"] == "invalid_item"
    fields = sorted(e["field"] for e in response.json["errors"])
    assert fields == ["approvalLevel", "category", "code", "department", "jointDepartments",
                      "kind", "legalDays", "materials/1/copies", "name", "processKey",
                      "promisedDays"]
    count = item_count()
    body["materials"][1]["copies"] = 1
    response = client.post("/api/items", json=body, headers=_admin())
    assert {"materials/0/deferrable", "materials/1/code"} <= {
        e["field"] for e in response.json["errors"]}
    assert item_count() == count


def test_promised_longer_than_legal_is_rejected(client):
    response = client.post("/api/items", json=new_item(legalDays=5, promisedDays=5.5),
                           headers=_admin())
    assert response.status_code == 400
    assert response.json["errors"] == [{"field": "promisedDays",
                                        "message": "承诺时限不能超过法定时限（5 个工作日）"}]


def test_joint_item_needs_joint_departments(client):
    response = client.post("/api/items", json=new_item(kind="joint"), headers=_admin())
    assert response.json["errors"] == [{"field": "jointDepartments",
                                        "message": "联办件必须指定联办部门"}]
    created = create(client, kind="joint", jointDepartments=["NRP", "HRS"])
    assert created["jointDepartments"] == ["NRP", "HRS"]


def test_duplicate_code_conflicts(client):
    create(client, code="MSA-904")
    response = client.post("/api/items", json=new_item(code="MSA-904"), headers=_admin())
    assert response.status_code == 409 and response.json["code"] == "item_exists"


def test_non_admin_may_not_write(client):
    response = client.post("/api/items", json=new_item(), headers=headers_for("clerk"))
    assert response.status_code == 403 and response.json["code"] == "not_admin"
    assert client.delete("/api/items/MSA-001", headers=headers_for("clerk")).status_code == 403


# --- import and export -------------------------------------------------------------------------

def export(client, fmt: str) -> bytes:
    response = client.get(f"/api/catalog/export?format={fmt}", headers=_admin())
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="item-catalog.{fmt}"'
    return response.data


def upload(client, data: bytes, filename: str):
    return client.post("/api/catalog/import", headers=_admin(),
                       data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def current_items() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Item)
                             .where(Item.superseded_at.is_(None)))


def test_csv_export_round_trips_unchanged(client):
    create(client, code="MSA-910", legalDays=2.5, promisedDays=0.5, legalBasis="=SUM(A1)",
           materials=[{"code": "a", "name": "申请书", "required": True, "deferrable": True,
                       "copies": 2}, {"code": "b", "name": "照片", "required": False}])
    data = export(client, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["实施编码 (code)", "基本编码 (basic_code)", "事项名称 (name)"]
    [row] = [r for r in rows if r[0] == "MSA-910"]
    assert row[4] == "承诺件" and row[7:9] == ["2.5", "0.5"] and row[12] == "'=SUM(A1)"
    assert row[14] == "a:申请书:required:deferrable:2;b:照片:optional::1"
    response = upload(client, data, "catalog.csv")
    assert response.status_code == 200, response.json
    assert response.json == {"created": 0, "revised": 0, "unchanged": current_items()}
    assert client.get("/api/items/MSA-910", headers=_admin()).json["legalBasis"] == "=SUM(A1)"


def test_xlsx_export_round_trips_unchanged(client):
    create(client, code="MSA-911", kind="joint", jointDepartments=["NRP"], absentDefault=True,
           legalBasis='=HYPERLINK("http://example.com")')
    data = export(client, "xlsx")
    sheet = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True)}
    assert rows["MSA-911"][4:13] == ("联办件", "行政许可", None, 20, 10, "否", "是", "NRP",
                                     '=HYPERLINK("http://example.com")')  # text, not a formula
    response = upload(client, data, "whatever.xlsx")
    assert response.status_code == 200, response.json
    assert response.json == {"created": 0, "revised": 0, "unchanged": current_items()}


def sheet_bytes(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


HEADER = ["code", "basic_code", "name", "department", "kind", "legal_days", "promised_days",
          "process_key", "materials"]


def test_import_creates_revises_and_accepts_chinese_values(client):
    rows = [["实施编码", "基本编码", "事项名称", "实施部门", "办件类型", "法定时限",
             "承诺时限（工作日）", "流程标识", "超时默认"],
            ["NRP-901", "NRP00901", "临时用地审批", "NRP", "承诺件", 20, 15, "service_item", "是"],
            ["NRP-902", "NRP00902", "地名核准", "NRP", "即办件", 15, 0, "service_item", "否"]]
    response = upload(client, sheet_bytes(rows), "new.xlsx")
    assert response.status_code == 200, response.json
    assert response.json == {"created": 2, "revised": 0, "unchanged": 0}
    created = client.get("/api/items/NRP-901", headers=_admin()).json
    assert (created["kind"], created["overdueDefault"], created["promisedDays"]) == (
        "promise", True, 15.0)
    assert client.get("/api/items/NRP-902", headers=_admin()).json["kind"] == "instant"
    rows[2][4] = "上报件"
    response = upload(client, sheet_bytes(rows), "again.xlsx")
    assert response.json == {"created": 0, "revised": 1, "unchanged": 1}
    revised = client.get("/api/items/NRP-902", headers=_admin()).json
    assert (revised["kind"], revised["version"]) == ("report", 2)


def test_import_with_one_bad_row_writes_nothing(client):
    good = ["HRS-910", "HRS00910", "好的事项", "HRS", "instant", 5, 0, "service_item", ""]
    rows = [HEADER, good, ["HRS-911", "HRS00911", "坏的事项", "HRS", "快件", 5, 6, "service_item",
                           "a:申请书:optional:deferrable:1"],
            [*good[:2], "重复", *good[3:]]]
    before = item_count()
    response = upload(client, sheet_bytes(rows), "bad.xlsx")
    assert response.status_code == 400 and response.json["code"] == "import_invalid"
    assert response.json["errors"] == [
        {"row": 3, "field": "kind",
         "message": "须为以下之一：instant（即办件）、promise（承诺件）、joint（联办件）、report（上报件）"},
        {"row": 3, "field": "promised_days", "message": "承诺时限不能超过法定时限（5 个工作日）"},
        {"row": 3, "field": "materials/0/deferrable", "message": "只有必要材料才能容缺"},
        {"row": 4, "field": "code", "message": "与第 2 行编码重复"}]
    assert item_count() == before
    assert client.get("/api/items/HRS-910", headers=_admin()).status_code == 404


def test_import_reports_bad_cells_and_rejects_unknown_files(client):
    text = ("code,name,overdue_default,materials,colour\n"
            "MSA-001,个体工商户设立登记,也许,x:y:z,红\n")
    response = upload(client, text.encode("gb18030"), "gbk.csv")
    assert response.status_code == 400
    assert response.json["errors"] == [
        {"row": 1, "field": "colour", "message": "无法识别的列"},
        {"row": 2, "field": "overdue_default", "message": "应为 是 或 否"},
        {"row": 2, "field": "materials", "message": "第 1 项材料：必要或可选、容缺的写法无法识别"}]
    for data, name, code in [(b"\xd0\xcf\x11\xe0old", "old.xls", "import_file_invalid"),
                             (b"hello", "notes.txt", "import_file_invalid"),
                             (b"PK\x03\x04broken", "broken.xlsx", "import_file_invalid")]:
        response = upload(client, data, name)
        assert (response.status_code, response.json["code"]) == (400, code)
    assert client.get("/api/catalog/export?format=pdf", headers=_admin()).status_code == 400
    assert upload(client, b"code\n", "x.csv").json == {"created": 0, "revised": 0,
                                                     "unchanged": 0}


def test_import_needs_an_administrator(client):
    response = client.post("/api/catalog/import", headers=headers_for("clerk"),
                           data={"file": (io.BytesIO(b"code\n"), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 403


# --- the service guide -------------------------------------------------------------------------

def test_guide_has_the_legally_required_fields(client):
    create(client, code="MSA-920", legalBasis="《食品安全法》第三十五条", fee="不收费",
           overdueDefault=True, acceptanceConditions="具有与经营的食品品种相适应的场所",
           materials=[{"code": "a", "name": "申请书", "required": True, "deferrable": True},
                      {"code": "b", "name": "照片", "required": False, "copies": 2}])
    body = client.get("/api/items/MSA-920/guide", headers=headers_for("clerk")).json
    assert (body["itemName"], body["implementationCode"], body["basicCode"]) == (
        "测试事项", "MSA-920", "MSA00900")
    assert (body["kind"], body["category"], body["implementingBody"]) == (
        "承诺件", "行政许可", "县市场监督管理局")
    assert (body["legalTimeLimit"], body["promisedTimeLimit"]) == ("20 个工作日", "10 个工作日")
    assert body["steps"] == ["受理", "审查", "决定", "送达"]
    assert body["materials"] == [
        {"name": "申请书", "required": True, "requirement": "必要", "deferrable": True,
         "deferral": "可容缺受理", "copies": 1},
        {"name": "照片", "required": False, "requirement": "非必要", "deferrable": False,
         "deferral": "不可容缺", "copies": 2}]
    assert body["legalBasis"] == "《食品安全法》第三十五条" and body["fee"] == "不收费"
    assert body["overdueDefault"].startswith("本事项实行超时默认")
    assert "六十日内" in body["remedies"][0] and "行政复议" in body["remedies"][0]
    assert "六个月内" in body["remedies"][1] and "行政诉讼" in body["remedies"][1]
    assert body["labels"]["legalBasis"] == "设定依据" and body["version"] == 1
    center = db.session.get(Center, db.session.scalar(
        sa.select(Department.center_id).where(Department.code == "MSA")))
    assert (body["address"], body["consultationPhone"], body["complaintPhone"],
            body["officeHours"]) == (center.address, center.phone, center.complaint_phone,
                                     center.office_hours)


def test_instant_item_guide_steps(client):
    body = client.get("/api/items/MSA-001/guide", headers=_admin()).json
    assert body["steps"] == ["受理", "审查", "当场决定", "送达"]
    assert body["promisedTimeLimit"] == "即办（当场办结）"


# --- pages -------------------------------------------------------------------------------------

def test_pages_render_for_admin(client):
    create(client, code="MSA-930", name="页面事项")
    client.put("/api/items/MSA-930", json={"fee": "50元"}, headers=_admin())
    admin = _admin()
    listing = client.get("/admin/items?q=页面", headers=admin)
    assert listing.status_code == 200 and "MSA-930" in listing.text
    detail = client.get("/admin/items/MSA-930", headers=admin)
    assert detail.status_code == 200 and "版本历史" in detail.text and "50元" in detail.text
    assert "<td>20</td>" in detail.text  # working days as written, not 20.0 or 2E+1
    old = client.get("/admin/items/MSA-930?version=1", headers=admin)
    assert "此版本已失效" in old.text and "不收费" in old.text
    edit = client.get("/admin/items/MSA-930/edit", headers=admin)
    assert edit.status_code == 200 and 'name="csrf_token"' in edit.text
    assert "application_form:申请书:required::1" in edit.text
    assert client.get("/admin/items/new", headers=admin).status_code == 200
    assert client.get("/admin/catalog/import", headers=admin).status_code == 200
    guide_page = client.get("/guide/MSA-930", headers=headers_for("clerk"))
    assert guide_page.status_code == 200 and "@media print" in guide_page.text
    assert "办事指南" in guide_page.text and "行政诉讼" in guide_page.text
    assert client.get("/admin/items", headers=headers_for("clerk")).status_code == 403


FORM = {"code": "MSA-940", "basic_code": "MSA00940", "name": "表单事项", "department": "MSA",
        "kind": "promise", "category": "licensing", "approval_level": "county",
        "legal_days": "20", "promised_days": "10", "process_key": "service_item",
        "materials": "application_form:申请书:required:deferrable:1\nphotos:照片:optional::2"}


def test_form_rejects_bad_input_then_creates_and_revises(client):
    admin = _admin()
    bad = client.post("/admin/items/new", headers=admin,
                      data={**FORM, "promised_days": "30", "name": "", "materials": "x"})
    assert bad.status_code == 400
    assert "承诺时限不能超过法定时限" in bad.text and "必填" in bad.text
    assert "第 1 项材料" in bad.text and 'value="MSA-940"' in bad.text
    assert client.get("/api/items/MSA-940", headers=admin).status_code == 404
    created = client.post("/admin/items/new", headers=admin, data=FORM)
    assert created.status_code == 302 and created.location.endswith("/admin/items/MSA-940")
    materials = client.get("/api/items/MSA-940", headers=admin).json["materials"]
    assert materials[1] == {"code": "photos", "name": "照片", "required": False,
                            "deferrable": False, "copies": 2}
    edited = client.post("/admin/items/MSA-940/edit", headers=admin,
                         data={**FORM, "overdue_default": "y"})
    assert edited.status_code == 302
    item = client.get("/api/items/MSA-940", headers=admin).json
    assert (item["version"], item["overdueDefault"]) == (2, True)


def test_import_page_shows_row_errors_and_summary(client):
    admin = _admin()
    rows = [HEADER, ["HRS-950", "HRS00950", "页面导入", "HRS", "即办件", 5, 9, "service_item", ""]]
    bad = client.post("/admin/catalog/import", headers=admin, content_type="multipart/form-data",
                      data={"file": (io.BytesIO(sheet_bytes(rows)), "a.xlsx")})
    assert bad.status_code == 400 and "承诺时限不能超过法定时限" in bad.text
    assert re.search(r"<td>2</td>\s*<td>承诺时限（工作日） \(promised_days\)</td>", bad.text)
    rows[1][6] = 0
    good = client.post("/admin/catalog/import", headers=admin, content_type="multipart/form-data",
                       data={"file": (io.BytesIO(sheet_bytes(rows)), "a.xlsx")})
    assert good.status_code == 200 and "新增 1 项，修订 0 项" in good.text
