"""Attachments (附件): checked uploads, listed and downloaded by those who work the case."""
import hashlib
import io
import re

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, db
from app.services.workflow import attachments
from app.services.workflow.errors import InvalidInput
from tests.cases.service_item_steps import open_task, start_case
from tests.conftest import headers_for

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _upload(client, instance_id: int, content: bytes, name: str, username: str = "clerk"):
    return client.post(f"/api/process-instances/{instance_id}/attachments",
                       data={"file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", headers=headers_for(username))


def test_upload_list_and_download_the_exact_bytes(client):
    case_id = start_case(client, "MSA-002")["id"]
    added = _upload(client, case_id, PDF, "申请书.pdf")
    assert added.status_code == 201, added.json
    assert added.json["filename"] == "申请书.pdf" and added.json["size"] == len(PDF)
    assert added.json["sha256"] == hashlib.sha256(PDF).hexdigest()
    listed = client.get(f"/api/process-instances/{case_id}/attachments",
                        headers=headers_for("clerk"))
    assert [a["id"] for a in listed.json["items"]] == [added.json["id"]]
    download = client.get(f"/api/attachments/{added.json['id']}", headers=headers_for("clerk"))
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Disposition"].startswith("attachment;")
    [event] = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == case_id, AuditEvent.action == "attachment.added"))
    assert event.detail["filename"] == "申请书.pdf" and event.detail["sha256"] == added.json["sha256"]


def test_too_large_file_is_refused(client, monkeypatch):
    monkeypatch.setattr(attachments, "MAX_FILE_BYTES", 64)
    case_id = start_case(client, "MSA-002")["id"]
    response = _upload(client, case_id, PDF + b"x" * 64, "big.pdf")
    assert response.status_code == 413 and response.json["code"] == "file_too_large"


def test_wrong_type_or_content_is_refused(client):
    case_id = start_case(client, "MSA-002")["id"]
    script = _upload(client, case_id, b"<script>alert(1)</script>", "x.html")
    assert script.status_code == 400 and script.json["code"] == "file_type_not_allowed"
    disguised = _upload(client, case_id, b"<html></html>", "scan.pdf")
    assert disguised.status_code == 400 and disguised.json["code"] == "file_content_mismatch"
    assert client.get(f"/api/process-instances/{case_id}/attachments",
                      headers=headers_for("clerk")).json == {"items": [], "next": None}


def test_who_cannot_see_the_case_may_not_attach_list_or_download(client):
    case_id = start_case(client, "MSA-002")["id"]
    added = _upload(client, case_id, PNG, "photo.png")
    assert added.status_code == 201
    outsider = headers_for("hea_a")
    assert _upload(client, case_id, PNG, "p.png", "hea_a").status_code == 403
    assert client.get(f"/api/process-instances/{case_id}/attachments",
                      headers=outsider).status_code == 403
    assert client.get(f"/api/attachments/{added.json['id']}", headers=outsider).status_code == 403
    assert client.get(f"/api/attachments/{added.json['id']}",
                      headers=headers_for("admin")).data == PNG


def test_upload_from_the_task_page_is_listed_there(client):
    task = open_task(start_case(client, "MSA-002")["id"], "intake")
    clerk = headers_for("clerk")
    response = client.post(f"/tasks/{task.id}/attachments", headers=clerk,
                           content_type="multipart/form-data",
                           data={"file": (io.BytesIO(PDF), "身份证明.pdf")})
    assert response.status_code == 303
    page = client.get(f"/tasks/{task.id}", headers=clerk).text
    assert re.search(r'<a href="/api/attachments/\d+">身份证明.pdf</a>', page)
    assert 'enctype="multipart/form-data"' in page
    refused = client.post(f"/tasks/{task.id}/attachments", headers=clerk,
                          content_type="multipart/form-data",
                          data={"file": (io.BytesIO(b"MZ"), "tool.exe")})
    assert refused.status_code == 400 and "不允许上传 .exe 类型的文件。" in refused.text


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "C:\\scans\\a.pdf"])
def test_file_names_lose_their_paths(name):
    assert "/" not in attachments.clean_filename(name)
    assert "\\" not in attachments.clean_filename(name)


def test_empty_name_is_refused():
    with pytest.raises(InvalidInput):
        attachments.clean_filename("../")
