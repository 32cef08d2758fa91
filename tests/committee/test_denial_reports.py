"""否定报备制 (seed 004) through the process: a disputed refusal, or one the window may not
make alone, goes to the unit leader, who confirms or corrects it."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.models import Notification, db
from tests.cases.service_item_steps import (ALL_MATERIALS, case_of, instance_state, notices,
                                            open_names, start_case, task_titles)
from tests.committee.committee_steps import (accepted_case, complete, department, fire_due,
                                             open_task, reissue_letter, reports_of)
from tests.conftest import headers_for, user

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=SHANGHAI)
REFUSAL = {"within_remit": False, "materials_received": [],
           "refusal_reasons": "食品小作坊登记属于县卫生健康局以外的事项，本局不予受理",
           "refusal_legal_basis": "《云南省食品小作坊和食品摊贩管理条例》第八条",
           "redirect_to": "县市场监督管理局食品生产科"}
REPORT: dict = {}  # the report copies the refusal's reasons: the form asks nothing again


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def disputed_refusal(client, item_code: str = "MSA-002") -> int:
    case_id = start_case(client, item_code)["id"]
    complete(client, case_id, "intake", "clerk", applicant_objects=True,
             objection="申请人认为其申请属于本局职权", **REFUSAL)
    return case_id


def test_an_objection_needs_its_wording(client):
    case_id = start_case(client, "MSA-002")["id"]
    response = complete(client, case_id, "intake", "clerk", expect=400, applicant_objects=True,
                        **REFUSAL)
    assert [e["field"] for e in response.json["errors"]] == ["objection"]


def test_refusal_without_objection_by_an_authorized_window_needs_no_report(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", **REFUSAL)
    assert case_of(case_id).status_code == 5 and reports_of(case_id) == []
    [notice] = notices(case_id, "not_accepted")
    assert "法律依据：《云南省食品小作坊和食品摊贩管理条例》第八条" in notice.body


def test_disputed_refusal_confirmed_by_the_leader(client):
    case_id = disputed_refusal(client)
    assert case_of(case_id).status_code == 1  # nothing refused yet: the leader reviews first
    assert open_names(case_id) == ["file_denial_report"]
    assert open_task(case_id, "file_denial_report").assignee_id == user("clerk").id
    complete(client, case_id, "file_denial_report", "clerk", **REPORT)
    [report] = reports_of(case_id)
    assert (report.kind, report.trigger, report.state) == ("not_accepted", "objection", "pending")
    assert report.applicant_name == "张三" and report.applicant_contact == {"phone": "13800000000"}
    assert report.item_code == "MSA-002" and "不予受理" in report.refused
    assert report.reasons == REFUSAL["refusal_reasons"]
    assert report.legal_basis == REFUSAL["refusal_legal_basis"]
    assert report.objection == "申请人认为其申请属于本局职权"
    assert report.handler_id == user("clerk").id and report.number.startswith("MSA否报〔2026〕")
    assert report.review_due_at.astimezone(SHANGHAI).date().isoformat() == "2026-03-04"
    review = open_task(case_id, "leader_review")
    assert review.candidate_role == "approving_leader" and "申请人异议" in review.instructions
    assert "（申请人 张三）" in review.instructions
    assert review.due_at == report.review_due_at
    complete(client, case_id, "leader_review", "clerk", expect=403, leader_decision="confirm",
             leader_opinion="x")  # the window cannot sign for its leader
    complete(client, case_id, "leader_review", "leader", leader_decision="confirm",
             leader_opinion="否定正确，同意不予受理")
    [report] = reports_of(case_id)
    assert report.state == "confirmed" and report.reviewed_by == user("leader").id
    case = case_of(case_id)
    assert case.status_code == 5 and instance_state(case_id) == "completed"
    [told] = notices(case_id, "not_accepted")
    assert REFUSAL["refusal_reasons"] in told.body and "法律依据" in told.body
    assert "行政复议" in told.body and "行政诉讼" in told.body
    written = client.get(f"/cases/{case_id}/notices/not_accepted", headers=headers_for("clerk"))
    assert REFUSAL["refusal_reasons"] in written.text and "第八条" in written.text
    assert "行政复议" in written.text and "六个月" in written.text


def test_disputed_refusal_corrected_goes_back_to_the_handler(client):
    case_id = disputed_refusal(client)
    complete(client, case_id, "file_denial_report", "clerk", **REPORT)
    complete(client, case_id, "leader_review", "leader", leader_decision="correct",
             leader_opinion="属于本局职权，应予受理")
    [report] = reports_of(case_id)
    assert report.state == "corrected" and report.review_opinion == "属于本局职权，应予受理"
    assert case_of(case_id).status_code == 1 and not notices(case_id, "not_accepted")
    assert open_names(case_id) == ["intake"]  # back to handling
    assert open_task(case_id, "intake").assignee_id == user("clerk").id
    told = db.session.scalars(db.select(Notification).where(
        Notification.instance_id == case_id, Notification.kind == "denial_corrected")).all()
    assert {n.recipient_user_id for n in told} == {user("clerk").id}
    assert "属于本局职权，应予受理" in told[0].body
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS)
    assert case_of(case_id).status_code == 3  # accepted after all


def test_without_acceptance_power_the_leader_refuses_and_the_refusal_is_still_reported(client):
    reissue_letter("MSA", {"MSA-001": ["approval"]}, "chief")  # no 受理决定权 over MSA-002
    case_id = start_case(client, "MSA-002")["id"]
    assert open_task(case_id, "intake").candidate_role == "approving_leader"
    complete(client, case_id, "intake", "leader", **REFUSAL)  # no objection
    assert case_of(case_id).status_code == 1
    assert open_names(case_id) == ["file_denial_report"]
    complete(client, case_id, "file_denial_report", "clerk", **REPORT)
    assert reports_of(case_id)[0].trigger == "unauthorized"
    assert open_names(case_id) == ["leader_review"]
    complete(client, case_id, "leader_review", "leader", leader_decision="confirm",
             leader_opinion="同意")
    assert case_of(case_id).status_code == 5


def _denied_at_delivery(client) -> int:
    case_id = accepted_case(client, "MSA-002")
    complete(client, case_id, "window_review", "clerk", review_opinion="场所不符合要求",
             recommendation="deny")
    complete(client, case_id, "department_decision", "leader", decision="deny",
             decision_reasons="经营场所不符合食品安全要求", legal_basis="《食品经营许可管理办法》第十一条")
    complete(client, case_id, "deliver", "clerk", delivery_method="window",
             applicant_objects=True, objection="场所已整改")
    return case_id


def test_disputed_denial_confirmed_is_concluded_with_reasons_and_remedies(client):
    case_id = _denied_at_delivery(client)
    assert open_names(case_id) == ["file_denial_report"] and case_of(case_id).status_code == 3
    complete(client, case_id, "file_denial_report", "clerk")
    [report] = reports_of(case_id)
    assert report.reasons == "经营场所不符合食品安全要求"  # the department's decision's
    assert report.legal_basis == "《食品经营许可管理办法》第十一条"
    assert (report.kind, report.trigger) == ("denied", "objection")
    assert report.case_no == case_of(case_id).case_no and "不予许可" in report.refused
    complete(client, case_id, "leader_review", "leader", leader_decision="confirm",
             leader_opinion="同意")
    case = case_of(case_id)
    assert case.status_code == 13 and instance_state(case_id) == "completed"
    [concluded] = notices(case_id, "concluded")
    assert "经营场所不符合食品安全要求" in concluded.body and "第十一条" in concluded.body
    assert "行政复议" in concluded.body


def test_disputed_denial_corrected_goes_back_to_handling(client):
    case_id = _denied_at_delivery(client)
    complete(client, case_id, "file_denial_report", "clerk", **REPORT)
    complete(client, case_id, "leader_review", "leader", leader_decision="correct",
             leader_opinion="场所已整改，重新审查")
    assert open_names(case_id) == ["window_review"] and case_of(case_id).status_code == 3
    complete(client, case_id, "window_review", "clerk", review_opinion="整改后符合要求",
             recommendation="approve")
    complete(client, case_id, "department_decision", "leader", decision="approve")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert case_of(case_id).status_code == 11


def test_a_denial_the_applicant_accepts_needs_no_report(client):
    case_id = accepted_case(client, "MSA-002")
    complete(client, case_id, "window_review", "clerk", review_opinion="不符合",
             recommendation="deny")
    complete(client, case_id, "department_decision", "leader", decision="deny",
             decision_reasons="不符合", legal_basis="第十一条")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert case_of(case_id).status_code == 13 and reports_of(case_id) == []


def test_a_late_review_is_supervised(client, frozen_clock):
    case_id = disputed_refusal(client)
    complete(client, case_id, "file_denial_report", "clerk", **REPORT)
    frozen_clock.move_to(datetime(2026, 3, 5, 8, 0, tzinfo=SHANGHAI))
    assert case_id in fire_due(datetime.now(ZoneInfo("UTC")))
    [report] = reports_of(case_id)
    assert report.overdue and report.state == "pending"
    supervised = notices(case_id, "denial_review_overdue")
    recipients = {n.recipient_user_id for n in supervised}
    assert user("leader").id in recipients and user("admin").id in recipients
    assert open_names(case_id) == ["leader_review"]  # still the leader's to decide
    complete(client, case_id, "leader_review", "leader", leader_decision="confirm",
             leader_opinion="同意")
    assert reports_of(case_id)[0].overdue and case_of(case_id).status_code == 5


def test_department_is_recorded_for_the_ledger(client):
    case_id = disputed_refusal(client, "NRP-001")
    complete(client, case_id, "file_denial_report", "clerk", **REPORT)
    assert reports_of(case_id)[0].department_id == department("NRP").id
    assert open_task(case_id, "leader_review").candidate_department_id == department("NRP").id


# --- the ledger (否定报备台账) ----------------------------------------------------------------

def _two_reports(client, frozen_clock) -> tuple[int, int]:
    """MSA: one confirmed on 03-02; NRP: one corrected on 03-03."""
    confirmed = disputed_refusal(client)
    complete(client, confirmed, "file_denial_report", "clerk", **REPORT)
    complete(client, confirmed, "leader_review", "leader", leader_decision="confirm",
             leader_opinion="否定正确")
    frozen_clock.move_to(datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI))
    corrected = disputed_refusal(client, "NRP-001")
    complete(client, corrected, "file_denial_report", "clerk", **REPORT)
    complete(client, corrected, "leader_review", "nrp_leader", leader_decision="correct",
             leader_opinion="应予受理")
    return confirmed, corrected


def _ledger(client, who: str = "admin", **args):
    response = client.get("/api/denial-reports", query_string=args, headers=headers_for(who))
    assert response.status_code == 200, response.json
    return response.json


def test_the_ledger_lists_both_outcomes_and_filters(client, frozen_clock):
    confirmed, corrected = _two_reports(client, frozen_clock)
    body = _ledger(client)
    assert body["total"] == 2
    assert [(r["processInstanceId"], r["outcome"]) for r in body["items"]] == [
        (corrected, "corrected"), (confirmed, "confirmed")]  # newest first
    first = body["items"][1]
    assert first["applicant"] == "张三" and first["applicantContact"] == {"phone": "13800000000"}
    assert first["itemCode"] == "MSA-002" and first["kind"] == "not_accepted"
    assert first["reasons"] and first["legalBasis"] and first["handler"] == "窗口人员 张丽"
    assert first["reviewOpinion"] == "否定正确"
    assert [r["outcome"] for r in _ledger(client, outcome="corrected")["items"]] == ["corrected"]
    assert _ledger(client, department=department("MSA").id)["total"] == 1
    assert [r["processInstanceId"] for r in _ledger(client, **{"from": "2026-03-03"})["items"]] \
        == [corrected]
    assert _ledger(client, to="2026-03-02")["total"] == 1
    bad = client.get("/api/denial-reports?from=03/02&outcome=maybe", headers=headers_for("admin"))
    assert bad.status_code == 400 and {e["field"] for e in bad.json["errors"]} == {"from",
                                                                                  "outcome"}
    assert client.get(f"/api/cases/{corrected}/denial-reports",
                      headers=headers_for("clerk")).json["items"][0]["outcome"] == "corrected"


def test_staff_see_their_departments_only(client, frozen_clock):
    _two_reports(client, frozen_clock)
    assert [r["itemCode"] for r in _ledger(client, "leader")["items"]] == ["MSA-002"]
    assert [r["itemCode"] for r in _ledger(client, "nrp_leader")["items"]] == ["NRP-001"]
    assert _ledger(client, "clerk")["total"] == 2  # the clerk serves MSA and NRP
    refused = client.get("/api/denial-reports", headers=headers_for("committee1"))
    assert refused.status_code == 403
    other = _ledger(client, "admin", department=department("NRP").id)["items"][0]["id"]
    assert client.get(f"/api/denial-reports/{other}", headers=headers_for("leader")).status_code \
        == 404


def test_the_ledger_exports_csv_and_xlsx(client, frozen_clock):
    import csv
    import io

    from openpyxl import load_workbook
    _two_reports(client, frozen_clock)
    response = client.get("/api/denial-reports/export?format=csv&outcome=confirmed",
                          headers=headers_for("admin"))
    assert response.status_code == 200 and response.content_type == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["报备编号", "登记时间", "部门"] and len(rows) == 2
    assert rows[1][2] == "县市场监督管理局" and "确认否定" in rows[1]
    workbook = client.get("/denials/export.xlsx", headers=headers_for("admin"))
    assert workbook.status_code == 200
    sheet = load_workbook(io.BytesIO(workbook.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 3 and {"确认否定", "予以纠正"} <= {v for row in values for v in row}
    assert client.get("/api/denial-reports/export?format=pdf",
                      headers=headers_for("admin")).status_code == 400


def test_the_ledger_page_filters_and_links_exports(client, frozen_clock):
    confirmed, corrected = _two_reports(client, frozen_clock)
    page = client.get("/denials?outcome=confirmed", headers=headers_for("admin")).text
    assert "否定报备台账" in page and "否定正确" in page and "应予受理" not in page
    assert "/denials/export.csv?outcome=confirmed" in page
    assert "/denials/export.xlsx?outcome=confirmed" in page
    assert f"/cases/{confirmed}" in page
    assert client.get("/denials?from=x", headers=headers_for("admin")).status_code == 400
    assert client.get("/denials", headers=headers_for("committee1")).status_code == 403
    case_page = client.get(f"/cases/{corrected}", headers=headers_for("clerk")).text
    assert "否定报备" in case_page and "予以纠正" in case_page and "应予受理" in case_page
    home = client.get("/", headers=headers_for("clerk")).text
    assert 'href="/denials"' in home
    assert 'href="/denials"' not in client.get("/", headers=headers_for("committee1")).text


def test_the_ledger_renders_in_english(client, frozen_clock):
    from tests.test_i18n import _chrome_in_chinese, _data_strings, _english
    confirmed, corrected = _two_reports(client, frozen_clock)
    rows = reports_of(confirmed) + reports_of(corrected)
    data = _data_strings() + [text for r in rows for text in (
        r.number, r.refused, r.reasons, r.legal_basis, r.objection, r.review_opinion)]
    data += ["张三", REFUSAL["refusal_reasons"], REFUSAL["redirect_to"],
             *[h["note"] for h in case_of(corrected).history], *task_titles(corrected)]
    for path in ("/denials", f"/cases/{corrected}"):
        html = _english(client, path, "admin")
        assert _chrome_in_chinese(html, data) == [], path
    assert "Denial report ledger" in _english(client, "/denials", "admin")


def _denied_on_the_spot(client) -> int:
    case_id = accepted_case(client, "MSA-001")  # 即办件: the chief decides at the window
    complete(client, case_id, "decide_on_spot", "chief", decision="deny",
             decision_reasons="经营场所为住宅，不符合登记条件", legal_basis="《个体工商户登记管理办法》第十条",
             applicant_objects=True, objection="该住宅已依法改为经营用房")
    return case_id


def test_an_on_the_spot_denial_the_applicant_disputes_is_reported(client):
    case_id = _denied_on_the_spot(client)
    assert case_of(case_id).status_code == 3 and open_names(case_id) == ["file_denial_report"]
    complete(client, case_id, "file_denial_report", "clerk")
    [report] = reports_of(case_id)
    assert report.reasons == "经营场所为住宅，不符合登记条件"
    assert (report.kind, report.objection) == ("denied", "该住宅已依法改为经营用房")
    complete(client, case_id, "leader_review", "leader", leader_decision="confirm",
             leader_opinion="同意")
    assert case_of(case_id).status_code == 13
    [concluded] = notices(case_id, "concluded")
    assert "第十条" in concluded.body and "行政复议" in concluded.body


def test_a_corrected_on_the_spot_denial_goes_back_to_the_chief(client):
    case_id = _denied_on_the_spot(client)
    complete(client, case_id, "file_denial_report", "clerk", **REPORT)
    complete(client, case_id, "leader_review", "leader", leader_decision="correct",
             leader_opinion="已改为经营用房，应予登记")
    assert open_names(case_id) == ["decide_on_spot"]
    assert open_task(case_id, "decide_on_spot").assignee_id == user("chief").id
    complete(client, case_id, "decide_on_spot", "chief", decision="approve")
    assert case_of(case_id).status_code == 11 and instance_state(case_id) == "completed"
