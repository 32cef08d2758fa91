"""Sample forms (空白表格, 示范文本) of an item's materials (行政许可法 art. 30): an administrator
uploads them on the item's page, anyone downloads them from the public guide; fees and their
basis; the guide's contacts; the filters of the catalog and of 结果公示; the demo's share."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, Center, Item, SampleForm, db
from app.services import calendar
from app.services.workflow import attachments
from tests.conftest import headers_for
from tests.public.test_catalog_public import _case, item, make_department

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 40


def upload(client, code="SF-001", material="form", kind="blank", data=PDF, name="申请表.pdf",
           who="admin"):
    return client.post(f"/admin/items/{code}/materials/{material}/forms",
                       headers=headers_for(who), content_type="multipart/form-data",
                       data={"kind": kind, "file": (io.BytesIO(data), name)})


@pytest.fixture
def unit(session):
    department = make_department("SF")
    row = item(department, "SF-001", name="示范事项")
    row.fee, row.fee_basis = "不收费", "《中华人民共和国行政许可法》第五十八条"
    db.session.flush()
    return department


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_an_administrator_uploads_a_form_and_anyone_downloads_it(client, unit, app):
    assert upload(client).status_code == 303
    assert upload(client, kind="sample", data=DOCX, name="申请表示范.docx").status_code == 303
    guide = client.get("/public/items/SF-001")  # no login
    assert guide.status_code == 200
    text = guide.text
    assert "下载空白表格" in text and "下载示范文本" in text and "申请表示范.docx" in text
    assert "尚未在网上公布" not in text
    href = "/public/items/SF-001/materials/form/blank"
    assert href in text
    with app.test_client() as anonymous:
        download = anonymous.get(href)
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    sample = client.get("/public/items/SF-001/materials/form/sample")
    assert sample.mimetype.endswith("wordprocessingml.document") and sample.data == DOCX
    [added] = [e for e in events("item.sample_form_added") if e.detail["code"] == "SF-001"
               and e.detail["kind"] == "blank"]
    assert added.actor == "admin" and added.detail["filename"] == "申请表.pdf"
    # a second upload replaces the first, audited as such
    assert upload(client, data=PDF + b"%v2").status_code == 303
    assert client.get(href).data == PDF + b"%v2"
    assert [e.detail["material"] for e in events("item.sample_form_replaced")] == ["form"]


def test_the_other_materials_say_their_forms_are_not_online(client, unit):
    text = client.get("/public/items/SF-001").text
    assert "尚未在网上公布" in text and "下载空白表格" not in text


def test_a_bad_type_or_an_oversize_file_is_refused_with_a_clear_problem(client, unit,
                                                                         monkeypatch):
    script = upload(client, data=b"<script>alert(1)</script>", name="x.html")
    assert script.status_code == 400 and "不允许上传" in script.text and ".html" in script.text
    disguised = upload(client, data=b"<html></html>", name="form.pdf")
    assert disguised.status_code == 400 and "文件内容与其扩展名不符" in disguised.text
    monkeypatch.setattr(attachments, "MAX_FILE_BYTES", 64)
    big = upload(client, data=PDF + b"x" * 64, name="big.pdf")
    assert big.status_code == 413 and "文件过大" in big.text and "申请材料" in big.text
    empty = upload(client, data=b"", name="empty.pdf")
    assert empty.status_code == 400 and "空的" in empty.text
    wrong_kind = upload(client, kind="photo")
    assert wrong_kind.status_code == 400 and "请选择空白表格或示范文本" in wrong_kind.text
    no_file = client.post("/admin/items/SF-001/materials/form/forms", headers=headers_for("admin"),
                          content_type="multipart/form-data", data={"kind": "blank"})
    assert no_file.status_code == 400 and "请选择要上传的文件" in no_file.text
    assert upload(client, material="nope").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SampleForm)
                             .where(SampleForm.item_code == "SF-001")) == 0
    assert events("item.sample_form_added") == []


def test_only_an_administrator_uploads_or_removes(client, unit, app):
    assert upload(client).status_code == 303  # (commits the fixture: a refusal rolls back)
    assert upload(client, kind="sample", who="clerk").status_code == 403
    assert upload(client, kind="sample", who="chief").status_code == 403
    remove = "/admin/items/SF-001/materials/form/forms/blank/delete"
    assert client.post(remove, headers=headers_for("clerk")).status_code == 403
    with app.test_client() as anonymous:  # no session: to the login page, nothing stored
        assert anonymous.post(remove).status_code in (302, 400, 401)
        anonymous_upload = anonymous.post(
            "/admin/items/SF-001/materials/form/forms", content_type="multipart/form-data",
            data={"kind": "sample", "file": (io.BytesIO(PDF), "a.pdf")})
        assert anonymous_upload.status_code in (302, 400, 401)
    assert client.get("/public/items/SF-001/materials/form/blank").status_code == 200
    assert client.get("/public/items/SF-001/materials/form/sample").status_code == 404
    assert client.post(remove, headers=headers_for("admin")).status_code == 303
    assert client.get("/public/items/SF-001/materials/form/blank").status_code == 404
    [removed] = events("item.sample_form_removed")
    assert removed.actor == "admin" and removed.detail["filename"] == "申请表.pdf"


def test_the_admin_item_page_lists_the_forms_with_an_upload_per_material(client, unit):
    upload(client)
    page = client.get("/admin/items/SF-001", headers=headers_for("admin"))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and "申请表.pdf" in page.text
    assert "/admin/items/SF-001/materials/lease/forms" in page.text
    assert "/admin/items/SF-001/materials/form/forms/blank/delete" in page.text


def test_a_form_follows_its_material_across_versions_and_leaves_with_it(client, unit):
    upload(client, material="lease")
    admin = headers_for("admin")
    revised = client.put("/api/items/SF-001", json={"name": "示范事项（修订）"}, headers=admin)
    assert revised.status_code == 200, revised.json
    assert client.get("/public/items/SF-001/materials/lease/blank").status_code == 200
    materials = [m for m in revised.json["materials"] if m["code"] != "lease"]
    assert client.put("/api/items/SF-001", json={"materials": materials},
                      headers=admin).status_code == 200
    assert client.get("/public/items/SF-001/materials/lease/blank").status_code == 404
    assert "/materials/lease/" not in client.get("/public/items/SF-001").text
    assert client.delete("/api/items/SF-001", headers=admin).status_code in (200, 204)
    assert client.get("/public/items/SF-001/materials/form/blank").status_code == 404


def test_the_guide_shows_the_fee_and_its_basis_and_prints(client, unit):
    text = client.get("/public/items/SF-001").text
    assert "收费标准" in text and "不收费" in text
    assert "收费依据" in text and "第五十八条" in text
    assert "@media print" in text and "data-print" in text
    english = client.get("/public/items/SF-001?lang=en").text
    assert "Free of charge" in english


def test_the_fee_basis_is_edited_imported_and_exported_like_any_item_field(client, unit):
    admin = headers_for("admin")
    changed = client.put("/api/items/SF-001", json={"fee": "每件 10 元",
                                                    "feeBasis": "《测试收费文件》"}, headers=admin)
    assert changed.status_code == 200 and changed.json["feeBasis"] == "《测试收费文件》"
    exported = client.get("/api/catalog/export?format=csv", headers=admin)
    assert exported.status_code == 200 and "收费依据 (fee_basis)" in exported.data.decode("utf-8-sig")
    assert "《测试收费文件》" in exported.data.decode("utf-8-sig")
    too_long = client.put("/api/items/SF-001", json={"feeBasis": "x" * 2001}, headers=admin)
    assert too_long.status_code == 400


def test_the_guide_falls_back_on_the_configured_contacts(client, unit, app, monkeypatch):
    center = db.session.get(Center, unit.center_id)
    saved = (center.address, center.phone, center.office_hours)
    center.address, center.phone, center.office_hours = "", "", ""
    db.session.flush()
    monkeypatch.setitem(app.config, "CENTER_ADDRESS", "示例县政务服务中心大厅")
    monkeypatch.setitem(app.config, "CENTER_PHONE", "0878-1234567")
    monkeypatch.setitem(app.config, "CENTER_OFFICE_HOURS", "周一至周五 9:00-17:00")
    try:
        text = client.get("/public/items/SF-001").text
        assert "示例县政务服务中心大厅" in text and "0878-1234567" in text
        assert "周一至周五 9:00-17:00" in text
    finally:
        center.address, center.phone, center.office_hours = saved
    assert "示例县政务服务中心大厅" not in client.get("/public/items/SF-001").text


def test_the_catalog_filters_by_kind_and_groups_by_department(client, unit):
    item(unit, "SF-002", kind="instant", name="即办示范事项")
    promise = client.get("/public/items?department=SF&kind=promise").text
    assert "示范事项" in promise and "即办示范事项" not in promise
    instant = client.get("/public/items?department=SF&kind=instant").text
    assert "即办示范事项" in instant and "SF-001" not in instant
    assert client.get("/public/items?kind=bogus").status_code == 200
    everything = client.get("/public/items").text
    assert everything.count('class="public-department"') >= 9  # the demo's 8 and SF
    assert f'id="d-SF">{unit.name}' in everything


def _local(day: datetime) -> datetime:
    return day.replace(tzinfo=calendar.local_zone()).astimezone(timezone.utc)


def test_decisions_filter_by_month_and_show_the_decision_number(client, unit):
    current = db.session.scalar(sa.select(Item).where(Item.code == "SF-001",
                                                      Item.superseded_at.is_(None)))
    march = _case(current, "SFD-0301", "赵六", 11)
    april = _case(current, "SFD-0401", "钱七", 11)
    march.concluded_at = _local(datetime(2026, 3, 31, 23, 30))  # late on the last local day
    april.concluded_at = _local(datetime(2026, 4, 1, 0, 30))
    db.session.flush()
    page = client.get("/public/decisions?department=SF&month=2026-03").text
    assert "SFD-0301" in page and "SFD-0401" not in page and "赵*" in page
    assert "决〔2026〕SFD-0301号" in page
    assert 'value="2026-03"' in page
    assert "SFD-0401" in client.get("/public/decisions?department=SF&month=2026-04").text
    both = client.get("/public/decisions?department=SF&month=2026-13").text
    assert "SFD-0301" in both and "SFD-0401" in both


def test_the_decision_pager_keeps_the_filters(client, unit, monkeypatch):
    from app.services.cases import public_results
    monkeypatch.setattr(public_results, "PAGE_SIZE", 1)
    current = db.session.scalar(sa.select(Item).where(Item.code == "SF-001",
                                                      Item.superseded_at.is_(None)))
    for number in range(2):
        case = _case(current, f"SFP-{number}", "孙八", 11)
        case.concluded_at = _local(datetime(2026, 5, 10 + number, 10))
    db.session.flush()
    page = client.get("/public/decisions?department=SF&month=2026-05").text
    assert "department=SF" in page and "month=2026-05" in page and "page=2" in page


def test_the_demo_guides_offer_fees_and_forms(client):
    text = client.get("/public/items/MSA-002").text
    assert "下载空白表格" in text and "下载示范文本" in text and "第五十八条" in text
    download = client.get("/public/items/MSA-002/materials/application_form/blank")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert "工本费" in client.get("/public/items/HRS-002").text
