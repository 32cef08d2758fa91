"""Documents are the competent department's: its 机关代字, its number sequences per type and
year, its seal on the HTML and PDF notice; the seal and code are an administrator's to set."""
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from pypdf import PdfReader

from app.demo import seals as demo_seals
from app.models import Department, DepartmentSeal, db
from app.services import catalog
from app.services.cases import documents
from tests.cases.service_item_steps import ALL_MATERIALS, case_of, complete, start_case
from tests.conftest import headers_for

ZONE = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"


@pytest.fixture
def msa(session) -> Department:
    return db.session.scalar(db.select(Department).where(Department.code == "MSA"))


def _accept(client, item: str = "MSA-002", accepted_by: str = "clerk") -> int:
    case_id = start_case(client, item)["id"]
    complete(client, case_id, "intake", accepted_by, within_remit=True,
             materials_received=ALL_MATERIALS)
    return case_id


def _images(pdf: bytes) -> int:
    page = PdfReader(BytesIO(pdf)).pages[0]
    objects = page["/Resources"].get("/XObject") or {}
    return sum(1 for o in objects.values() if o.get_object()["/Subtype"] == "/Image")


def test_each_department_and_type_has_its_own_sequence_starting_again_each_year(client, msa):
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=ZONE), tick=False):
        first, second = _accept(client), _accept(client, "MSA-001")
        nrp = start_case(client, "NRP-001")["id"]
        complete(client, nrp, "intake", "clerk", within_remit=True,
                 materials_received=[m["code"] for m in catalog.current("NRP-001").materials])
    with time_machine.travel(datetime(2027, 1, 4, 9, 30, tzinfo=ZONE), tick=False):
        next_year = _accept(client, accepted_by="leader")  # the 2026 letter has ended
    numbers = [documents.issued(i, "accepted").number for i in (first, second, nrp, next_year)]
    assert numbers == ["姚市监受〔2026〕1号", "姚市监受〔2026〕2号", "姚自然资受〔2026〕1号",
                       "姚市监受〔2027〕1号"]
    assert documents.issued(first, "accepted").department_id == msa.id


def test_without_a_document_code_the_number_begins_with_the_department_name(client, msa):
    msa.document_code = ""
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=ZONE), tick=False):
        case_id = _accept(client)
    assert documents.issued(case_id, "accepted").number == "县市场监督管理局受〔2026〕1号"
    assert case_of(case_id).case_no not in documents.issued(case_id, "accepted").number


def test_the_seal_is_printed_on_the_pdf_and_html_notice_and_can_be_removed(client, msa):
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=ZONE), tick=False):
        case_id = _accept(client)
    pdf = client.get(f"/cases/{case_id}/notices/accepted.pdf", headers=headers_for("clerk"))
    assert _images(pdf.data) == 1
    html = client.get(f"/cases/{case_id}/notices/accepted", headers=headers_for("clerk")).text
    assert 'class="seal" src="data:image/png;base64,' in html and "县市场监督管理局" in html
    removed = client.post(f"/admin/organization/departments/{msa.id}/seal/delete",
                          headers=headers_for("admin"))
    assert removed.status_code == 303 and db.session.get(DepartmentSeal, msa.id) is None
    pdf = client.get(f"/cases/{case_id}/notices/accepted.pdf", headers=headers_for("clerk"))
    assert _images(pdf.data) == 0


def test_an_administrator_uploads_a_seal_and_sets_the_code_others_may_not(client, msa):
    page = f"/admin/organization/departments/{msa.id}"
    upload = client.post(f"{page}/seal", headers=headers_for("admin"),
                         data={"file": (BytesIO(demo_seals.png()), "新章.png")})
    assert upload.status_code == 303 and db.session.get(DepartmentSeal, msa.id).filename == "新章.png"
    not_image = client.post(f"{page}/seal", headers=headers_for("admin"),
                            data={"file": (BytesIO(PDF), "seal.pdf")})
    assert not_image.status_code == 400 and "PNG 或 JPEG" in not_image.text
    no_file = client.post(f"{page}/seal", headers=headers_for("admin"), data={})
    assert no_file.status_code == 400
    code = client.post(f"{page}/documents", headers=headers_for("admin"),
                       data={"documentCode": "姚市场监管"})
    assert code.status_code == 303 and msa.document_code == "姚市场监管"
    assert "姚市场监管受〔" in client.get(f"{page}/documents", headers=headers_for("admin")).text
    too_long = client.post(f"{page}/documents", headers=headers_for("admin"),
                           data={"documentCode": "字" * 21})
    assert too_long.status_code == 400 and msa.document_code == "姚市场监管"
    for path in (f"{page}/documents", f"{page}/seal"):
        refused = client.post(path, headers=headers_for("clerk"), data={"documentCode": "x"})
        assert refused.status_code == 403
    assert client.get(f"{page}/documents", headers=headers_for("chief")).status_code == 403


def test_the_seal_image_is_read_once_per_request_and_never_stale(app, msa):
    with app.test_request_context("/"):
        shown = documents.seal_data_uri(msa.id)
        assert shown and shown.startswith("data:image/png;base64,")
        db.session.execute(db.update(DepartmentSeal).where(DepartmentSeal.department_id == msa.id)
                           .values(data=b"changed under the same digest"))
        db.session.expire_all()
        assert documents.seal_data_uri(msa.id) == shown  # read and encoded once per request
        db.session.get(DepartmentSeal, msa.id).store("新章.png", "image/png", b"\x89PNG new", None)
        db.session.flush()
        assert documents.seal_data_uri(msa.id) == "data:image/png;base64,iVBORyBuZXc="
    with app.test_request_context("/"):
        db.session.execute(db.delete(DepartmentSeal).where(DepartmentSeal.department_id == msa.id))
        db.session.expire_all()
        assert documents.seal_data_uri(msa.id) is None
