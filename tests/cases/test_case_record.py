"""The case page is a record (issue 16): who did what and when, every decision and opinion,
vote, urge, deemed agreement, extension, pause, notice and attachment, in one chronological
timeline with local times, people's names and status words instead of codes."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from app.services.joint import board
from app.services.workflow import tasks, timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import case_of, complete, open_task, start_case
from tests.committee.committee_steps import escalate, grant_nrp_officer, reviewed_case, vote
from tests.conftest import headers_for, user
from tests.joint.joint_steps import accept, answer, department_id, start_joint

LOCAL = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=LOCAL)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def record_rows(client, case_id: int, username: str = "clerk") -> list[str]:
    """The rows of the case page's record, oldest first, each as its HTML."""
    page = client.get(f"/cases/{case_id}", headers=headers_for(username))
    assert page.status_code == 200
    table = re.search(r'<table id="case-history">.*?</table>', page.text, re.S)
    assert table, "the case page has no record"
    return re.findall(r"<tr>\s*<td><time.*?</tr>", table.group(0), re.S)


def row_with(rows: list[str], *texts: str) -> int:
    """The index of the first row holding every one of `texts`."""
    for index, row in enumerate(rows):
        if all(text in row for text in texts):
            return index
    raise AssertionError(f"no record row with {texts}")


def post(client, path: str, body: dict, username: str = "clerk") -> dict:
    response = client.post(path, json=body, headers=headers_for(username))
    assert response.status_code in (200, 201), response.json
    return response.json


def test_the_record_lists_each_step_with_who_when_and_what(client, clock):
    case_id = start_case(client, "MSA-003")["id"]
    uploaded = client.post(f"/api/process-instances/{case_id}/attachments",
                           data={"file": (io.BytesIO(PDF), "申请书.pdf")},
                           content_type="multipart/form-data", headers=headers_for("clerk"))
    assert uploaded.status_code == 201
    complete(client, case_id, "intake", "clerk", within_remit=True, materials_received=[])
    clock.move_to(MONDAY + timedelta(hours=1))
    codes = [m["code"] for m in case_of(case_id).item.materials]
    complete(client, case_id, "supplement", "clerk", materials_received=codes)
    review = open_task(case_id, "window_review")
    tasks.reassign(review.id, user("msa_b"), Actor.of(user("admin")))
    extension = post(client, f"/api/cases/{case_id}/extensions",
                     {"days": 2, "reason": "需要现场核查"})
    post(client, f"/api/extensions/{extension['id']}/decision",
         {"approve": True, "note": "同意延期"}, "leader")
    pause = post(client, f"/api/cases/{case_id}/pauses",
                 {"kind": "special", "procedure": "hearing", "days": 3, "reason": "申请人要求听证"})
    post(client, f"/api/pauses/{pause['id']}/end", {"note": "听证已结束"})
    complete(client, case_id, "window_review", "msa_b", review_opinion="现场与材料不符",
             recommendation="deny")
    # MSA's 授权书 lets its chief representative decide MSA-003 at the window.
    complete(client, case_id, "department_decision", "chief", decision="deny",
             decision_reasons="经营场所不符合要求", legal_basis="《食品经营许可管理办法》第十一条")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")

    rows = record_rows(client, case_id)
    clerk, leader, msa_b, chief = (user(n).display_name
                                   for n in ("clerk", "leader", "msa_b", "chief"))
    order = [
        row_with(rows, "上传附件", clerk, f'href="/api/attachments/'),
        row_with(rows, "接件审查", clerk),
        row_with(rows, "待补正（已一次性告知）", f'/cases/{case_id}/notices/supplement"'),
        row_with(rows, "补正材料已收齐"),
        row_with(rows, "窗口已受理", f'/cases/{case_id}/notices/accepted"'),
        row_with(rows, "改派任务", msa_b),
        row_with(rows, "申请延期", "需要现场核查"),
        row_with(rows, "延期审批", leader, "批准", "/notices/extension-"),
        row_with(rows, "暂停计时", "/notices/pause-"),
        row_with(rows, "恢复计时", "听证已结束"),
        row_with(rows, "窗口审查与协调", msa_b, "现场与材料不符", "建议不予"),
        row_with(rows, "部门审批决定", chief, "不予许可", "经营场所不符合要求", "第十一条"),
        row_with(rows, "已办结（不予许可）", f'/cases/{case_id}/notices/concluded"'),
    ]
    assert order == sorted(order), "the record is not in the order things happened"
    assert "申请书.pdf" in rows[order[0]]
    assert "2026-03-02 09:30" in rows[order[1]]  # the center's clock, not UTC (01:30)
    assert "2026-03-02 10:30" in rows[order[3]]


def test_status_is_shown_in_words_not_codes(client):
    case_id = start_case(client, "MSA-003")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True, materials_received=[])
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    status = re.search(r'<td id="case-status">(.*?)</td>', page).group(1)
    assert status == "待补正（已一次性告知）"
    assert not re.search(r"（\d+）", page) and "补正（开始）" not in page
    english = client.get(f"/cases/{case_id}?lang=en", headers=headers_for("clerk")).text
    assert re.search(r'<td id="case-status">Awaiting missing materials', english)


def test_votes_show_their_choices_only_once_voting_has_closed(client):
    grant_nrp_officer("NRP-004", "NRP-001")
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    vote(client, case_id, "committee1", "approve", "同意用地")
    rows = record_rows(client, case_id)
    voted = rows[row_with(rows, "委员表决", user("committee1").display_name)]
    assert "表决结束前不显示" in voted and "同意" not in voted.replace("同意用地", "")
    vote(client, case_id, "committee2", "reject", "不同意")
    vote(client, case_id, "committee3", "abstain", "")
    rows = record_rows(client, case_id)
    assert "同意" in rows[row_with(rows, "委员表决", user("committee1").display_name)]
    assert "弃权" in rows[row_with(rows, "委员表决", user("committee3").display_name)]
    assert row_with(rows, "提交审批决策委员会") < row_with(rows, "表决结束")


def test_urges_and_deemed_agreements_are_on_the_record(client, clock):
    case_id = start_joint(client)
    accept(client, case_id)
    answer(client, case_id, "MSA", "conditional", opinion_conditions="取得健康证后开业")
    board.urge(case_id, department_id("HEA"), Actor.of(user("clerk")))
    clock.move_to(MONDAY + timedelta(days=30))
    timers.fire(case_id, Actor.system("timer"))
    rows = record_rows(client, case_id)
    hea = "卫生健康"
    assert row_with(rows, "催办", user("clerk").display_name, hea) \
        < row_with(rows, "缺席默认", hea)
    assert row_with(rows, "部门提出意见", "附条件同意")
    assert row_with(rows, "部门审查意见", "取得健康证后开业")


def test_who_may_not_see_the_case_does_not_see_its_record(client):
    case_id = start_case(client, "MSA-003")["id"]
    assert client.get(f"/cases/{case_id}", headers=headers_for("hea_a")).status_code in (403, 404)
