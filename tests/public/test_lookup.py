"""办件查询: the applicant finds a case by its number and a check only they hold, sees where
it stands in words, and downloads its notices through a signed link; nobody else's data,
no staff names, and a rate limit per client address."""
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.extensions import limiter
from app.models import User, db
from app.services.cases import QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH, public_lookup
from app.services.linkage import effects
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import ALL_MATERIALS, case_of, complete
from tests.conftest import headers_for

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
ID_NUMBER = "53232519800101123X"
NOT_FOUND = "未找到该办件，或查询码/证件号码后六位不符"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def fresh_limits(app):
    limiter.reset()
    yield
    limiter.reset()


def _accepted(client, item_code="MSA-002"):
    response = client.post("/api/process-definitions/key/service_item/start", json={
        "variables": {"item_code": item_code, "applicant_id_number": ID_NUMBER.lower(),
                      "applicant": {"name": "张三", "phone": "13800000000"}}},
        headers=headers_for("clerk"))
    assert response.status_code == 201, response.json
    case_id = response.json["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    return case_of(case_id)


def _csrf(client, path="/public/lookup") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def _look_up(client, case_no, check, **extra):
    return client.post("/public/lookup", data={"csrf_token": _csrf(client), "case_no": case_no,
                                               "check": check}, **extra)


def test_acceptance_gives_an_unguessable_query_code_printed_on_the_notice(client):
    case = _accepted(client)
    assert len(case.query_code) == QUERY_CODE_LENGTH
    assert set(case.query_code) <= set(QUERY_CODE_ALPHABET) and not set("01OIL") & set(
        QUERY_CODE_ALPHABET)
    notice = client.get(f"/cases/{case.instance_id}/notices/accepted",
                        headers=headers_for("clerk")).get_data(as_text=True)
    assert case.case_no in notice and f"查询码：{case.query_code}" in notice


def test_the_query_code_or_the_id_digits_find_the_case_in_any_case(client):
    case = _accepted(client)
    assert public_lookup.find(case.case_no, case.query_code.lower()) == case
    assert public_lookup.find(f" {case.case_no} ", ID_NUMBER[-6:].lower()) == case
    by_code = _look_up(client, case.case_no, case.query_code)
    assert by_code.status_code == 200
    page = by_code.get_data(as_text=True)
    assert case.item.name in page and case.item.department.name in page
    assert "受理通知书" in page and "承诺办结期限" in page
    assert by_code.headers["Cache-Control"] == "no-store"
    assert _look_up(client, case.case_no, ID_NUMBER[-6:]).status_code == 200


def test_a_wrong_check_and_an_unknown_number_get_the_same_answer(client):
    case = _accepted(client)
    wrong = _look_up(client, case.case_no, "ABCDEFGH")
    unknown = _look_up(client, "NO-SUCH-CASE", case.query_code)
    short = _look_up(client, case.case_no, case.query_code[:3])
    for response in (wrong, unknown, short):
        assert response.status_code == 404
        assert NOT_FOUND in response.get_data(as_text=True)
        assert case.item.name not in response.get_data(as_text=True)
    strip = lambda r: r.get_data(as_text=True).replace(case.case_no, "").replace(  # noqa: E731
        "NO-SUCH-CASE", "")
    assert re.sub(r'value="[^"]*"', "", strip(wrong)) == re.sub(r'value="[^"]*"', "",
                                                                 strip(unknown))
    empty = _look_up(client, "", "")
    assert empty.status_code == 400


def test_the_lookup_form_needs_its_csrf_token(client):
    response = client.post("/public/lookup", data={"case_no": "x", "check": "y"})
    assert response.status_code == 400


def test_the_get_form_prefills_the_case_number_from_the_qr_link(client):
    page = client.get("/public/lookup?case_no=532325-ABC").get_data(as_text=True)
    assert 'value="532325-ABC"' in page and 'name="check"' in page


def test_the_attempt_beyond_the_limit_is_refused_with_429(client, app):
    app.config["LOOKUP_RATE_LIMIT"] = "3 per minute"
    try:
        token = _csrf(client)
        answers = [client.post("/public/lookup", data={"csrf_token": token, "case_no": "X",
                                                        "check": "ABCDEFGH"}).status_code
                   for _ in range(4)]
        assert answers == [404, 404, 404, 429]
        page = client.post("/public/lookup", data={"csrf_token": token, "case_no": "X",
                                                    "check": "ABCDEFGH"})
        assert page.status_code == 429 and "操作过于频繁" in page.get_data(as_text=True)
        english = client.post("/public/lookup?lang=en", data={"csrf_token": token})
        assert english.status_code == 429
        problem = client.post("/public/lookup", data={"csrf_token": token},
                              headers={"Accept": "application/json"})
        assert problem.status_code == 429 and problem.json["code"] == "too_many_requests"
        other = client.post("/public/lookup", data={"csrf_token": token},
                            environ_base={"REMOTE_ADDR": "10.0.0.7"})
        assert other.status_code == 400  # another address has its own count
    finally:
        app.config["LOOKUP_RATE_LIMIT"] = "10000 per minute"


def test_a_case_in_supplement_shows_what_is_missing(client):
    case = _accepted(client)
    effects.supplement_requested(case, Actor.system("tests"), ["premises_proof"])
    db.session.commit()
    page = _look_up(client, case.case_no, case.query_code).get_data(as_text=True)
    assert "需要补正的材料" in page and "经营场所证明" in page and "待补正材料" in page


def test_a_case_sent_to_supplement_before_acceptance_is_found_by_its_registration_number(
        client):
    from app.services.cases import notices
    response = client.post("/api/process-definitions/key/service_item/start", json={
        "variables": {"item_code": "MSA-002", "applicant": {"name": "李四"}}},
        headers=headers_for("clerk"))
    case_id = response.json["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=["application_form", "id_card"])  # 经营场所证明 missing
    case = case_of(case_id)
    assert case.status_code == 6 and case.case_no is None and case.query_code
    registration = notices.registration_no(case)
    told = notices.build(case, notices.SUPPLEMENT, {})
    assert f"接件登记号：{registration}。查询码：{case.query_code}。" in "".join(told["body"])
    page = _look_up(client, registration, case.query_code).get_data(as_text=True)
    assert "接件登记号" in page and "尚未受理" in page
    assert "需要补正的材料" in page and "经营场所证明" in page
    wrong = _look_up(client, registration, "WRONG123")
    assert wrong.status_code == 404 and NOT_FOUND in wrong.get_data(as_text=True)


def test_no_staff_names_on_the_page(client):
    case = _accepted(client)
    page = _look_up(client, case.case_no, case.query_code).get_data(as_text=True)
    names = [u.display_name for u in db.session.scalars(db.select(User))
             if len(u.display_name) >= 2]
    assert names and not [name for name in names if name in page]
    assert "退出" not in page and "/admin" not in page
    assert "张三" not in page  # not even the applicant's own name


def test_a_notice_downloads_only_with_its_signed_token(client, app):
    case = _accepted(client)
    page = _look_up(client, case.case_no, case.query_code).get_data(as_text=True)
    link = re.search(r'href="(/public/lookup/notice/[^"]+)"', page).group(1)
    pdf = client.get(link)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get("/public/lookup/notice/accepted").status_code == 404
    assert client.get(link[:-3] + "abc").status_code == 404
    forged = public_lookup.notice_token("another-secret" * 3, case, "accepted")
    assert client.get(f"/public/lookup/notice/{forged}").status_code == 404
    token = link.rsplit("/", 1)[1]
    assert public_lookup.notice_for_token(app.config["SECRET_KEY"], token) is not None
    with time_machine.travel(MONDAY.timestamp() + public_lookup.NOTICE_TOKEN_MAX_AGE + 5):
        assert client.get(link).status_code == 404
    never = public_lookup.notice_token(app.config["SECRET_KEY"], case, "concluded")
    assert client.get(f"/public/lookup/notice/{never}").status_code == 404


def test_each_notice_pdf_carries_a_qr_code_to_the_lookup_with_its_url(client, app):
    from io import BytesIO

    from pypdf import PdfReader
    case = _accepted(client)
    pdf = client.get(f"/cases/{case.instance_id}/notices/accepted.pdf",
                     headers=headers_for("clerk"))
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(pdf.data)).pages)
    url = f"{app.config['PUBLIC_BASE_URL']}/public/lookup?case_no={case.case_no}"
    assert url in text.replace("\n", "") and f"查询码：{case.query_code}" in text
    assert client.get(url.split("5000", 1)[1]).status_code == 200


def test_a_reported_case_names_the_level_that_holds_it(client):
    from tests.linkage.link_steps import pump, report_up
    county = case_of(report_up(client))
    page = _look_up(client, county.case_no, county.query_code).get_data(as_text=True)
    assert "正在报送上级" in page
    pump()
    page = _look_up(client, county.case_no, county.query_code).get_data(as_text=True)
    assert "当前办理层级" in page and "市级" in page and "已上报上级办理" in page
    assert "审查决定" not in page  # the upper level's own steps stay there


def test_extensions_and_pauses_are_explained_with_both_deadlines(client):
    case = _accepted(client, "MSA-003")
    promised = case.deadline_at

    def post(path, body, username="clerk"):
        response = client.post(path, json=body, headers=headers_for(username))
        assert response.status_code in (200, 201), response.json
        return response.json
    extension = post(f"/api/cases/{case.instance_id}/extensions",
                     {"days": 2, "reason": "需要现场核查"})
    post(f"/api/extensions/{extension['id']}/decision", {"approve": True, "note": "同意"},
         "leader")
    post(f"/api/cases/{case.instance_id}/pauses",
         {"kind": "special", "procedure": "hearing", "days": 3, "reason": "申请人要求听证"})
    page = _look_up(client, case.case_no, case.query_code).get_data(as_text=True)
    assert "因需要现场核查，经批准延长办理期限 2 个工作日" in page
    assert "需要进行听证（预计 3 个工作日）" in page and "目前仍在进行中" in page
    assert "当前办结期限" in page and "暂停计时" in page
    view = public_lookup.view(case_of(case.instance_id))
    assert view.promised_deadline == promised and view.current_deadline > promised
