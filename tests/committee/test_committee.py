"""首席服务员 and the decision committee (审批决策委员会, seed 001), through the process:
direct decisions, the three ways a case reaches the committee, and how it decides.
The workflow is serialized and reloaded after every step (complete/vote helpers)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from app.models import AuditEvent, HumanTask, db
from app.services import committee
from app.services.committee import organization as committee_org
from app.services.organization import absence_reports as absence_admin
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (case_of, instance_state, notices, open_names,
                                            task_titles)
from tests.committee.committee_steps import (MEMBERS, complete, department, escalate, fire_due,
                                             grant_nrp_officer, open_task, review_of, reviewed_case,
                                             vote, vote_states, vote_task)
from tests.conftest import headers_for, user

SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_demo_committee_is_seated_chair_first(session):
    seats = committee_org.seats(department("NRP").id)
    assert [(s.user.username, s.position) for s in seats] == [
        ("committee1", "chair"), ("committee2", "executive_vice_chair"),
        ("committee3", "member")]
    assert committee_org.has_committee(department("NRP").id)
    assert not committee_org.has_committee(department("MSA").id)


def test_listed_item_is_decided_directly_by_the_officer(client, officer):
    case_id = reviewed_case(client, "NRP-004")
    assert open_names(case_id) == ["officer_decision"]
    task = open_task(case_id, "officer_decision")
    assert (task.candidate_role, task.assignee_id) == ("chief_representative",
                                                       user("nrp_chief").id)
    complete(client, case_id, "officer_decision", "nrp_chief", decision="approve")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    case = case_of(case_id)
    assert case.status_code == 11 and case.decision == "approve"
    assert instance_state(case_id) == "completed"
    assert committee.reviews_of(case_id) == []  # 一人受理、全程服务、一次办结


def test_officer_escalates_and_a_majority_decides_early(client, officer):
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    review = review_of(case_id)
    assert (review.trigger, review.state, review.proposed_decision) == ("officer", "voting",
                                                                       "approve")
    assert review.reason == "申请用地涉及相邻权利人异议，需集体研究"
    assert review.review_opinion == "材料真实完整" and review.materials
    assert review.submitted_by == user("nrp_chief").id
    assert review.vote_deadline_at.astimezone(SHANGHAI).date().isoformat() == "2026-03-05"
    tasks = {user_id for user_id in (vote_task(case_id, m).assignee_id for m in MEMBERS)}
    assert tasks == {user(m).id for m in MEMBERS}  # one vote each, personally
    assert vote_task(case_id, "committee1").due_at == review.vote_deadline_at
    vote(client, case_id, "committee2", "approve", "同意")
    assert review_of(case_id).state == "voting"  # 1 of 3 is not a majority
    vote(client, case_id, "committee3", "approve")
    review = review_of(case_id)
    assert (review.state, review.decision, review.decided_how) == ("decided", "approve",
                                                                   "majority")
    assert vote_states(case_id) == {"committee1": ("cancelled", None),
                                    "committee2": ("voted", "approve"),
                                    "committee3": ("voted", "approve")}
    assert review.tally == {"approve": 2, "reject": 0, "abstain": 0, "not_voted": 1}
    cancelled = db.session.scalar(db.select(HumanTask).where(
        HumanTask.instance_id == case_id, HumanTask.name == "member_vote",
        HumanTask.assignee_id == user("committee1").id))
    assert cancelled.state == "cancelled"  # the remaining vote was withdrawn
    assert open_names(case_id) == ["committee_conclude"]
    assert open_task(case_id, "committee_conclude").candidate_role == "chief_representative"
    complete(client, case_id, "committee_conclude", "nrp_chief",
             decision_reasons="经审批决策委员会研究，同意临时用地", legal_basis="《土地管理法》第五十七条")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    case = case_of(case_id)
    assert case.status_code == 11 and case.decision == "approve"


def test_escalating_needs_a_written_reason_and_a_proposal(client, officer):
    case_id = reviewed_case(client, "NRP-004")
    response = complete(client, case_id, "officer_decision", "nrp_chief", expect=400,
                        decision="escalate")
    assert {e["field"] for e in response.json["errors"]} == {
        "escalation_reason", "proposed_decision", "proposal"}
    assert open_names(case_id) == ["officer_decision"]


@pytest.mark.parametrize("item_code, facts, reason", [
    ("NRP-004", {"public_safety": True}, "涉及重大公共安全"),
    ("NRP-004", {"law_unclear": True}, "法律法规尚不明确"),
    ("NRP-001", {}, None),  # no fact, no rule: the officer decides
])
def test_the_decision_table_sends_cases_to_the_committee(client, officer, item_code, facts,
                                                         reason):
    case_id = reviewed_case(client, item_code, **facts)
    if reason is None:
        assert open_names(case_id) == ["officer_decision"]
        return
    assert open_names(case_id) == ["prepare_proposal"]  # the officer submits it
    task = open_task(case_id, "prepare_proposal")
    assert reason in task.instructions and task.assignee_id is None
    complete(client, case_id, "prepare_proposal", "nrp_chief", proposed_decision="deny",
             proposal="存在安全隐患，建议不予许可")
    review = review_of(case_id)
    assert review.trigger == "rule" and reason in review.reason
    assert review.proposed_decision == "deny"
    assert sorted(open_names(case_id)) == ["member_vote"] * 3


def test_items_the_rules_name_go_to_the_committee_whatever_the_letter(client):
    grant_nrp_officer("NRP-002")
    case_id = reviewed_case(client, "NRP-002")
    assert open_names(case_id) == ["prepare_proposal"]
    complete(client, case_id, "prepare_proposal", "nrp_chief", proposed_decision="approve",
             proposal="符合规划")
    assert "专业要求高" in review_of(case_id).reason


def test_an_item_outside_the_officers_letter_goes_to_the_committee(client):
    case_id = reviewed_case(client, "NRP-001")  # the demo letter grants no approval of it
    assert open_names(case_id) == ["prepare_proposal"]
    complete(client, case_id, "prepare_proposal", "nrp_chief", proposed_decision="approve",
             proposal="符合村庄规划")
    review = review_of(case_id)
    assert review.trigger == "authorization" and "授权书" in review.reason


def test_department_without_a_committee_keeps_its_approving_leader(client):
    case_id = reviewed_case(client, "MSA-002")
    assert open_names(case_id) == ["department_decision"]


def test_a_tie_is_decided_by_the_chair(client, officer):
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    vote(client, case_id, "committee1", "approve")
    response = vote(client, case_id, "committee2", "reject", expect=400)  # no reason given
    assert response.json["errors"][0]["field"] == "vote_comment"
    vote(client, case_id, "committee2", "reject", "用地范围与规划冲突")
    vote(client, case_id, "committee3", "abstain")
    review = review_of(case_id)
    assert review.state == "awaiting_chair" and review.decision is None
    assert review.tally == {"approve": 1, "reject": 1, "abstain": 1, "not_voted": 0}
    task = open_task(case_id, "chair_decision")
    assert task.assignee_id == user("committee1").id
    complete(client, case_id, "chair_decision", "committee1", chair_choice="reject",
             chair_reason="存在规划冲突，不予许可")
    review = review_of(case_id)
    assert (review.decision, review.decided_how, review.chair_id) == (
        "reject", "chair", user("committee1").id)
    complete(client, case_id, "committee_conclude", "nrp_chief",
             decision_reasons="用地范围与国土空间规划冲突", legal_basis="《土地管理法》第五十七条")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    case = case_of(case_id)
    assert case.status_code == 13 and case.decision == "deny"
    [concluded] = notices(case_id, "concluded")
    assert "用地范围与国土空间规划冲突" in concluded.body and "行政复议" in concluded.body
    written = client.get(f"/cases/{case_id}/notices/concluded", headers=headers_for("clerk"))
    assert "不予行政许可决定书" in written.text and "审批决策委员会集体研究决定" in written.text
    assert "行政复议" in written.text


def test_deadline_passes_the_missing_votes_are_recorded_and_the_chair_rules(
        client, officer, frozen_clock):
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    vote(client, case_id, "committee2", "approve", "同意")
    frozen_clock.move_to(datetime(2026, 3, 5, 18, 0, tzinfo=SHANGHAI))
    assert fire_due(datetime.now(ZoneInfo("UTC"))) == []  # the third working day is not over
    frozen_clock.move_to(datetime(2026, 3, 6, 8, 0, tzinfo=SHANGHAI))
    assert case_id in fire_due(datetime.now(ZoneInfo("UTC")))
    assert vote_states(case_id) == {"committee1": ("missed", None),
                                    "committee2": ("voted", "approve"),
                                    "committee3": ("missed", None)}
    review = review_of(case_id)
    assert review.state == "awaiting_chair" and review.tally["not_voted"] == 2
    assert open_names(case_id) == ["chair_decision"]
    complete(client, case_id, "chair_decision", "committee1", chair_choice="approve",
             chair_reason="逾期未表决，按多数已表决意见准予")
    assert review_of(case_id).decision == "approve"
    missed = db.session.scalars(db.select(AuditEvent.detail).where(
        AuditEvent.instance_id == case_id, AuditEvent.action == "committee.vote_missed")).all()
    assert sorted(d["member_id"] for d in missed) == sorted(
        [user("committee1").id, user("committee3").id])


def test_a_majority_against_denies(client, officer):
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    vote(client, case_id, "committee1", "reject", "不符合规划")
    vote(client, case_id, "committee3", "reject", "影响相邻权利人")
    review = review_of(case_id)
    assert (review.decision, review.decided_how) == ("reject", "majority")
    complete(client, case_id, "committee_conclude", "nrp_chief", decision_reasons="不符合规划",
             legal_basis="《土地管理法》第五十七条")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert case_of(case_id).decision == "deny"


def test_while_the_chair_is_away_the_executive_vice_chair_rules(client, officer):
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    before = vote_task(case_id, "committee1")
    absence_admin.report({"userId": user("committee1").id, "startsOn": "2026-03-02",
                          "endsOn": "2026-03-13", "reason": "training"}, Actor.system("t"))
    after = vote_task(case_id, "committee1")  # away, but the vote stays the member's own
    assert after.id == before.id and after.delegated_from_id is None
    for member, choice in (("committee1", "approve"), ("committee2", "reject"),
                           ("committee3", "abstain")):
        vote(client, case_id, member, choice, "意见")
    task = open_task(case_id, "chair_decision")
    assert (task.assignee_id, task.delegated_from_id) == (user("committee2").id,
                                                          user("committee1").id)


def test_a_member_cannot_vote_for_another(client, officer):
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    task = vote_task(case_id, "committee3")
    response = client.post(f"/api/tasks/{task.id}/complete",
                           json={"variables": {"vote_choice": "approve"}},
                           headers=headers_for("committee2"))
    assert response.status_code == 409 and response.json["code"] == "task_claimed"
    for path, username in (("unclaim", "committee3"), ("unclaim", "admin")):
        refused = client.post(f"/api/tasks/{task.id}/{path}", headers=headers_for(username))
        assert refused.status_code == 409 and refused.json["code"] == "personal_task"
    assert vote_task(case_id, "committee3").id == task.id


def test_the_committee_record_is_in_the_api_and_on_the_case_page(client, officer):
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    vote(client, case_id, "committee1", "approve", "同意准予")
    during = client.get(f"/api/cases/{case_id}/committee-reviews",
                        headers=headers_for("clerk")).json
    assert during["items"][0]["votes"][0]["choice"] is None  # hidden while voting
    assert during["items"][0]["votes"][0]["state"] == "voted"
    vote(client, case_id, "committee2", "approve")
    body = client.get(f"/api/cases/{case_id}/committee-reviews", headers=headers_for("clerk")).json
    [review] = body["items"]
    assert review["decision"] == "approve" and review["decidedHow"] == "majority"
    assert [(v["member"], v["position"], v["state"], v["choice"]) for v in review["votes"]] == [
        ("审批决策委员会 黄超", "chair", "voted", "approve"),
        ("审批决策委员会 翁常学", "executive_vice_chair", "voted", "approve"),
        ("审批决策委员会 余佳春", "member", "cancelled", None)]
    assert review["votes"][0]["comment"] == "同意准予"
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "审批决策委员会" in page and "同意准予" in page and "过半数" in page
    task_page = client.get(f"/tasks/{open_task(case_id, 'committee_conclude').id}",
                           headers=headers_for("nrp_chief")).text
    assert "同意准予" in task_page


def test_administrators_seat_a_committee(client):
    msa = department("MSA").id
    seats = [{"userId": user("leader").id, "position": "chair"},
             {"userId": user("chief").id, "position": "executive_vice_chair"},
             {"userId": user("msa_b").id, "position": "member"}]
    refused = client.put(f"/api/departments/{msa}/committee", json={"members": seats},
                         headers=headers_for("clerk"))
    assert refused.status_code == 403
    bad = client.put(f"/api/departments/{msa}/committee", headers=headers_for("admin"),
                     json={"members": [{"userId": user("leader").id, "position": "member"},
                                       {"userId": user("leader").id, "position": "boss"}]})
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json["errors"]} >= {"members/1/position", "members"}
    done = client.put(f"/api/departments/{msa}/committee", json={"members": seats},
                      headers=headers_for("admin"))
    assert done.status_code == 200 and done.json["hasCommittee"] is True
    assert [(m["name"], m["position"]) for m in done.json["members"]] == [
        ("分管领导 赵刚", "chair"), ("首席代表 陈静", "executive_vice_chair"),
        ("窗口人员 刘洋", "member")]
    case_id = reviewed_case(client, "MSA-003")  # the chief's letter covers it: his decision now
    assert open_names(case_id) == ["officer_decision"]
    emptied = client.put(f"/api/departments/{msa}/committee", json={"members": []},
                         headers=headers_for("admin"))
    assert emptied.json == {"departmentId": msa, "hasCommittee": False, "members": []}


def test_the_committee_page_saves_a_composition(client):
    nrp = department("NRP").id
    page = client.get("/admin/committees", headers=headers_for("admin"))
    assert page.status_code == 200 and "常务副主任" in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    form = {"csrf_token": token,
            "member": [str(user(m).id) for m in ("committee2", "committee1", "nrp_leader")],
            "position": ["chair", "executive_vice_chair", "member"]}
    saved = client.post(f"/admin/committees/{nrp}", data=form, headers=headers_for("admin"))
    assert saved.status_code == 303
    assert [(s.user.username, s.position) for s in committee_org.seats(nrp)] == [
        ("committee2", "chair"), ("committee1", "executive_vice_chair"), ("nrp_leader", "member")]
    form["position"] = ["member", "member", "member"]
    refused = client.post(f"/admin/committees/{nrp}", data=form, headers=headers_for("admin"))
    assert refused.status_code == 400 and "exactly one chair" in refused.text
    assert client.get("/admin/committees", headers=headers_for("clerk")).status_code == 403


def test_the_committee_pages_render_in_english(client, officer):
    from tests.test_i18n import _chrome_in_chinese, _data_strings, _english
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    for member, choice in (("committee1", "approve"), ("committee2", "reject"),
                           ("committee3", "abstain")):
        vote(client, case_id, member, choice, "意见")
    chair = open_task(case_id, "chair_decision")
    data = _data_strings() + [chair.title, chair.instructions, "意见", "材料真实完整", "张三",
                              "申请用地涉及相邻权利人异议，需集体研究", "经审查，建议准予临时用地",
                              *[h["note"] for h in case_of(case_id).history],
                              *task_titles(case_id),  # the record names each step done
                              case_of(case_id).item.fee, case_of(case_id).item.fee_basis]
    for path, who in ((f"/cases/{case_id}", "clerk"), (f"/tasks/{chair.id}", "committee1"),
                      ("/admin/committees", "admin"),
                      ("/designer/processes/service_item/decisions", "designer")):
        html = _english(client, path, who)
        if path.startswith("/designer"):  # the table's own texts are the designers' data
            from app.services.workflow import decisions, deployment
            [table] = decisions.tables_of(deployment.latest("service_item"))
            rows = decisions.rows(table)
            data += [rows["name"], *[i["label"] for i in rows["inputs"]],
                     *[o["label"] for o in rows["outputs"]],
                     *[r["description"] for r in rows["rules"]],
                     *[v for r in rows["rules"] for v in r["outputs"]]]
        assert _chrome_in_chinese(html, data) == [], path
    assert "Decision committee" in _english(client, f"/cases/{case_id}", "clerk")


def test_a_chair_who_goes_away_hands_the_ruling_to_the_executive_vice_chair(client, officer):
    case_id = reviewed_case(client, "NRP-004")
    escalate(client, case_id)
    for member, choice in (("committee1", "approve"), ("committee2", "reject"),
                           ("committee3", "abstain")):
        vote(client, case_id, member, choice, "意见")
    assert open_task(case_id, "chair_decision").assignee_id == user("committee1").id
    absence = absence_admin.report({"userId": user("committee1").id, "startsOn": "2026-03-02",
                                    "endsOn": "2026-03-06", "reason": "meeting"},
                                   Actor.system("t"))
    task = open_task(case_id, "chair_decision")
    db.session.refresh(task)
    assert (task.assignee_id, task.delegated_from_id) == (user("committee2").id,
                                                          user("committee1").id)
    absence_admin.end_early(absence.id, Actor.system("t"))
    db.session.refresh(task)
    assert (task.assignee_id, task.delegated_from_id) == (user("committee1").id, None)


def test_the_promised_deadline_overtakes_an_undecided_committee(client, officer, frozen_clock):
    case_id = reviewed_case(client, "NRP-004")  # 10 working days, 超时默认 enabled
    escalate(client, case_id)
    vote(client, case_id, "committee3", "approve")
    frozen_clock.move_to(datetime(2026, 3, 17, 8, 0, tzinfo=SHANGHAI))
    fire_due(datetime.now(ZoneInfo("UTC")))
    review = review_of(case_id)
    assert review.state == "overtaken" and review.decision is None
    assert vote_states(case_id)["committee3"] == ("voted", "approve")
    assert {s for s, _ in vote_states(case_id).values()} <= {"voted", "missed", "cancelled"}
    assert open_names(case_id) == ["deliver"]  # deemed approved by the deadline
    case = case_of(case_id)
    assert case.overdue and case.decision == "deemed_approved"
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "承诺时限届满，未作决定" in page
