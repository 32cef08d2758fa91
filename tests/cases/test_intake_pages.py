"""The window's intake page, the case page and the written notices (HTML and PDF)."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Case, db
from app.services import catalog
from app.services.cases import notices
from app.services.workflow import instances
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import ALL_MATERIALS, case_of, complete, start_case
from tests.conftest import headers_for, user

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _intake(client, **fields):
    form = {"item": "MSA-002", "applicant_name": "张三", "phone": "13800000000", **fields}
    return client.post("/intake", data=form, headers=headers_for("clerk"))


def _notice(instance_id: int, kind: str) -> dict:
    instance = instances.viewable(instance_id, user("admin"))
    return notices.build(case_of(instance_id), kind, instances.variables(instance))


def test_intake_page_lists_the_clerks_items_with_materials(client):
    page = client.get("/intake", headers=headers_for("clerk")).get_data(as_text=True)
    assert "MSA-002" in page and "食品经营许可证核发" in page
    assert "HEA-001" not in page
    assert "经营场所证明" in page and "可容缺" in page


def test_starting_a_case_from_the_form_redirects_to_the_case_page(client):
    response = _intake(client, id_number="530000199001010000", email="a@example.com")
    assert response.status_code == 303
    instance_id = int(response.headers["Location"].rsplit("/", 1)[1])
    case = case_of(instance_id)
    assert (case.applicant_name, case.item.code, case.status_code) == ("张三", "MSA-002", 1)
    assert case.applicant_contact == {"phone": "13800000000", "email": "a@example.com"}
    page = client.get(f"/cases/{instance_id}", headers=headers_for("clerk"))
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "已接件" in text and "2026-03-02 09:30" in text and "/tasks/" in text


def test_missing_applicant_name_comes_back_with_the_message_and_values(client):
    response = _intake(client, applicant_name=" ", phone="13900000000")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "请填写申请人姓名或名称" in text and "13900000000" in text


def test_a_start_the_services_refuse_comes_back_beside_its_field_with_the_input(client):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    response = _intake(client, applicant_name="张三", id_number="5" * 41, phone="13900000000")
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert re.search(r'id="intake-id_number-error"[^>]*>[^<]*内容过长，请删减', text), text[-3000:]
    assert 'value="13900000000"' in text and 'value="张三"' in text
    assert "is too long" not in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == before


def test_item_without_a_deployed_process_is_unavailable(client):
    fields = {**catalog.as_fields(catalog.current("MSA-002")), "code": "MSA-099",
              "basic_code": "MSA-099", "kind": "report", "process_key": "not_deployed_yet"}
    catalog.create(fields, Actor.system("tests"))
    page = client.get("/intake", headers=headers_for("clerk")).get_data(as_text=True)
    row = page[page.rindex("MSA-099"):]  # the catalog table, after the item picker
    assert "暂未开通" in row[:row.index("</tr>")]
    response = _intake(client, item="MSA-099")
    assert response.status_code == 400
    assert "尚未上线" in response.get_data(as_text=True)


def test_accepted_case_has_an_acceptance_notice_with_number_and_deadline(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    case = case_of(case_id)
    notice = _notice(case_id, "accepted")
    # issued by the department, under its 机关代字 and its own sequence of 受理通知书
    assert notice["title"] == "受理通知书" and notice["number"] == "姚市监受〔2026〕1号"
    assert any(case.case_no in p for p in notice["body"])
    assert any("10 个工作日" in p and "2026年03月16日" in p for p in notice["body"])
    signature = notice["signature"]
    assert (signature["name"], signature["date"]) == ("县市场监督管理局", "2026年03月02日")
    assert signature["seal"].startswith("data:image/png;base64,")
    assert notice["contacts"]["place"] == "姚安县政务服务中心"  # where it was handled
    assert notice["recipient"] == "张三" and notice["remedies"] == []
    second = start_case(client, "MSA-001")["id"]
    complete(client, second, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert _notice(second, "accepted")["number"] == "姚市监受〔2026〕2号"
    assert _notice(case_id, "accepted")["number"] == "姚市监受〔2026〕1号"  # kept as issued


def test_acceptance_notice_pages_html_and_pdf(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    html = client.get(f"/cases/{case_id}/notices/accepted", headers=headers_for("clerk"))
    assert html.status_code == 200 and "受理通知书" in html.get_data(as_text=True)
    assert "http" not in html.get_data(as_text=True).split("<body>")[0]  # no external requests
    pdf = client.get(f"/cases/{case_id}/notices/accepted.pdf", headers=headers_for("clerk"))
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.data.startswith(b"%PDF")
    case_page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).get_data(as_text=True)
    assert f"/cases/{case_id}/notices/accepted" in case_page


def test_supplement_notice_lists_every_missing_material_once(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=["application_form"])
    notice = _notice(case_id, "supplement")
    assert notice["materials"] == ["身份证明", "经营场所证明"]
    assert "1. 身份证明" in notice["body"] and "2. 经营场所证明" in notice["body"]
    # seed 004's 一次性告知单: the item's legal basis, conditions, procedure, fee, time limit
    # and the date to bring the materials by (SUPPLEMENT_WORKING_DAYS = 10 from 2026-03-02)
    text = "\n".join(notice["body"])
    for heading in ("设定依据：", "受理条件：", "办理程序：受理、审查、决定、送达", "收费标准：",
                    "承诺时限：10 个工作日", "请于2026年03月16日前补齐全部材料"):
        assert heading in text, heading
    assert notice["number"] == "姚市监补告〔2026〕1号"
    response = client.get(f"/cases/{case_id}/notices/supplement.pdf", headers=headers_for("clerk"))
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    missing = client.get(f"/cases/{case_id}/notices/accepted", headers=headers_for("clerk"),
                         environ_base={"HTTP_ACCEPT": "application/json"})
    assert missing.status_code == 404 and missing.json["code"] == "notice_not_applicable"


def test_refusal_notice_gives_reasons_and_remedy_rights(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=False, materials_received=[],
             refusal_reasons="属于县卫生健康局职权", redirect_to="县卫生健康局")
    notice = _notice(case_id, "not_accepted")
    assert notice["title"] == "不予受理决定书"
    assert "理由：属于县卫生健康局职权。" in notice["body"]
    assert "请向县卫生健康局提出申请。" in notice["body"]
    # the remedy rights name the bodies the center set, with their time limits
    assert notice["remedies"] == [
        "如不服本决定，可以自收到本决定书之日起六十日内，依法向姚安县人民政府申请行政复议；",
        "或者自收到本决定书之日起六个月内，依法向姚安县人民法院提起行政诉讼。"]
    assert notice["number"] == "姚市监不受〔2026〕1号"


def test_denial_decision_notice_has_reasons_basis_and_remedies(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    complete(client, case_id, "window_review", "clerk", review_opinion="场所不符合要求",
             recommendation="deny")
    complete(client, case_id, "department_decision", "leader", decision="deny",
             decision_reasons="经营场所不符合食品安全要求", legal_basis="《食品经营许可管理办法》第十一条")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    notice = _notice(case_id, "concluded")
    assert notice["title"] == "不予行政许可决定书"
    assert "理由：经营场所不符合食品安全要求。" in notice["body"]
    assert "依法向姚安县人民政府申请行政复议" in notice["remedies"][0]
    assert notice["number"] == "姚市监不许〔2026〕1号"
    assert notices.applicable(case_of(case_id)) == ["accepted", "concluded"]


def test_someone_without_a_part_in_the_case_is_forbidden(client):
    case_id = start_case(client, "MSA-002")["id"]
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/notices/accepted",
                 f"/cases/{case_id}/notices/accepted.pdf"):
        assert client.get(path, headers=headers_for("hea_a")).status_code == 403


def test_deemed_approval_notice_names_the_responsible_unit(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    case = case_of(case_id)  # as the overdue timer and delivery leave it (超时默认)
    case.decision, case.responsible_unit, case.status_code = "deemed_approved", "县市场监督管理局", 11
    case.concluded_at = case.deadline_at
    notice = notices.build(case, "concluded", {})
    assert notice["title"] == "准予行政许可决定书" and notice["remedies"] == []
    assert any("视为同意" in p and "由县市场监督管理局承担" in p for p in notice["body"])
