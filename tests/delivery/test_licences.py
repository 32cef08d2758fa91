"""电子证照: an approval concluded (准予, 超时默认) produces one licence with the department's
own 证 number per year and the item's validity; a denial none; it is public in 结果公示
without more personal data; it can be revoked with a reason, audited."""
from datetime import datetime
from zoneinfo import ZoneInfo

import re

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, Center, Licence, db
from app.services import catalog
from app.services.cases import licences
from app.services.workflow import timers
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput
from tests.cases.service_item_steps import ALL_MATERIALS, case_of, complete, start_case
from tests.conftest import headers_for, user
from tests.delivery.test_delivery import decided

ZONE = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZONE)


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def delivered(client, decision: str = "approve", accepted_by: str = "clerk") -> int:
    """In a year no letter grants the window 受理决定权 and 投递权, the leader both accepts
    and delivers."""
    case_id = decided(client, decision, accepted_by)
    complete(client, case_id, "deliver", accepted_by, delivery_method="window")
    return case_id


def test_an_approval_produces_one_licence_numbered_per_department_and_year(client,
                                                                          frozen_clock):
    catalog.current("MSA-002").licence_validity_years = 5
    first, second = delivered(client), delivered(client)
    one, two = licences.of_case(first), licences.of_case(second)
    assert (one.number, two.number) == ("姚市监证〔2026〕1号", "姚市监证〔2026〕2号")
    assert (one.valid_from.isoformat(), one.valid_until.isoformat()) == ("2026-03-02",
                                                                         "2031-03-01")
    assert one.holder == "张三" and one.status == "valid" and one.item.code == "MSA-002"
    assert licences.issue_on_approval(case_of(first), Actor.system("t")) is one  # once
    assert db.session.scalar(sa.select(sa.func.count(Licence.id))) == 2
    frozen_clock.move_to(datetime(2027, 1, 4, 9, 30, tzinfo=ZONE))
    # The demo's letters end on 2026-12-31: in 2027 the leader accepts and delivers.
    assert licences.of_case(delivered(client, accepted_by="leader")).number \
        == "姚市监证〔2027〕1号"
    page = client.get(f"/cases/{first}", headers=headers_for("clerk")).text
    assert "姚市监证〔2026〕1号" in page and 'id="case-licence"' in page
    printed = client.get(f"/cases/{first}/licence", headers=headers_for("clerk")).text
    assert "行政许可证件（电子证照）" in printed and "2026年03月02日至2031年03月01日" in printed
    assert "县市场监督管理局" in printed and 'class="seal"' in printed
    pdf = client.get(f"/cases/{first}/licence.pdf", headers=headers_for("clerk"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_a_denial_has_no_licence_and_no_licence_page(client):
    case_id = delivered(client, "deny")
    assert case_of(case_id).status_code == 13 and licences.of_case(case_id) is None
    assert client.get(f"/cases/{case_id}/licence", headers=headers_for("clerk")).status_code == 404


def test_a_deemed_approval_has_a_long_term_licence_when_the_item_gives_no_validity(client,
                                                                                frozen_clock):
    case_id = start_case(client, "MSA-002")["id"]  # 超时默认 enabled, no validity: 长期有效
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    complete(client, case_id, "window_review", "clerk", review_opinion="同意",
             recommendation="approve")
    frozen_clock.move_to(datetime(2026, 3, 17, 8, 0, tzinfo=ZONE))
    for instance_id in timers.due_instance_ids(now=datetime.now(ZoneInfo("UTC"))):
        timers.fire(instance_id, Actor.system("timer"))
    assert licences.of_case(case_id) is None  # not before 办结
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    licence = licences.of_case(case_id)
    assert case_of(case_id).decision == "deemed_approved" and licence.valid_until is None
    assert licences.validity_text(licence) == "自2026年03月17日起长期有效"


def test_the_public_results_show_the_licence_but_no_more_personal_data(client):
    case_id = delivered(client)
    licence = licences.of_case(case_id)
    text = client.get("/public/decisions").text
    assert licence.number in text and "长期有效" in text and "有效）" in text
    assert "张*" in text and "张三" not in text and "13800000000" not in text
    assert client.get(f"/cases/{case_id}/licence").status_code in (302, 401)  # staff only


def test_the_applicants_lookup_shows_the_licence_and_nothing_more_of_the_person(client):
    catalog.current("MSA-002").licence_validity_years = 3
    case = case_of(delivered(client))
    form = client.get("/public/lookup").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    found = client.post("/public/lookup", data={"csrf_token": token, "case_no": case.case_no,
                                                "check": case.query_code})
    assert found.status_code == 200
    [shown] = re.findall(r'<dd id="lookup-licence">(.*?)</dd>', found.text, re.S)
    assert licences.of_case(case.instance_id).number in shown
    assert "2026-03-02" in shown and "2029-03-01" in shown and "有效" in shown
    assert "张三" not in found.text and "13800000000" not in found.text
    english = client.post("/public/lookup?lang=en", data={
        "csrf_token": token, "case_no": case.case_no, "check": case.query_code}).text
    assert "Electronic licence" in english and "until 2029-03-01" in english


def test_revocation_needs_a_reason_is_audited_and_happens_once(client):
    case_id = delivered(client)
    case, actor = case_of(case_id), Actor.of(user("leader"))
    with pytest.raises(InvalidInput) as blank:
        licences.revoke_licence(case, actor, "  ")
    assert blank.value.code == "licence_reason_required"
    licence = licences.revoke_licence(case, actor, "告知承诺内容与实际不符")
    assert (licence.status, licence.status_reason) == ("revoked", "告知承诺内容与实际不符")
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "licence.revoked"))
    assert event.detail["number"] == licence.number
    with pytest.raises(Conflict):
        licences.cancel_licence(case, actor, "again")
    assert "已撤销" in client.get("/public/decisions").text


def test_the_case_page_form_revokes_for_the_leader_only(client):
    case_id = delivered(client)
    url = f"/cases/{case_id}/licence/status"
    form = {"status": "revoked", "reason": "以欺骗手段取得"}
    assert client.post(url, headers=headers_for("clerk"), data=form).status_code == 403
    blank = client.post(url, headers=headers_for("leader"), data={"status": "revoked"})
    assert blank.status_code == 400 and licences.of_case(case_id).status == "valid"
    assert client.post(url, headers=headers_for("leader"), data=form).status_code == 303
    assert licences.of_case(case_id).status == "revoked"
    page = client.get(f"/cases/{case_id}/licence", headers=headers_for("clerk")).text
    assert "已撤销" in page and "以欺骗手段取得" in page


def test_the_case_page_section_and_the_centers_page_speak_english(client):
    from tests.test_i18n import _chrome_in_chinese, _data_strings, _english
    case_id = delivered(client)
    licence = licences.of_case(case_id)
    data = _data_strings() + [licence.number, "张三"]
    page = _english(client, f"/cases/{case_id}", "clerk")
    section = page[page.index('id="delivery-heading"'):page.index("</section>",
                                                                  page.index("delivery-heading"))]
    assert _chrome_in_chinese(section, data) == []
    center = _english(client, "/admin/organization/centers/1", "admin")
    data += [value for c in db.session.scalars(sa.select(Center))
             for value in (c.region, c.address, c.office_hours, c.review_body, c.court) if value]
    found = _chrome_in_chinese(center[center.index("<main"):], data)
    assert found == [], found
