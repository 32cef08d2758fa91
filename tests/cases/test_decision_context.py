"""Every decision task shows, read-only, what the decider needs from earlier steps (issue 16):
taken from what the server recorded, never from what the form being filled in posts."""
from __future__ import annotations

import re

import pytest
import time_machine

from app.services import catalog
from tests.cases.service_item_steps import complete, open_task, start_case
from tests.committee.committee_steps import accepted_case, reports_of
from tests.committee.test_denial_reports import MONDAY, REFUSAL, disputed_refusal
from tests.conftest import headers_for, user
from tests.joint.joint_steps import accept, answer, start_joint

FAKE = "伪造的前序内容"


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False):
        yield


def context_of(page: str) -> str:
    found = re.search(r'<section aria-labelledby="context-heading".*?</section>', page, re.S)
    assert found, "the task page shows no context section"
    return found.group(0)


def page_of(client, instance_id: int, name: str, username: str) -> str:
    task = open_task(instance_id, name)
    response = client.get(f"/tasks/{task.id}", headers=headers_for(username))
    assert response.status_code == 200
    return response.text


def refused_post(client, instance_id: int, name: str, username: str, **fake) -> str:
    """A submission the form refuses (its required choice left out) carrying made-up context
    fields: the page comes back and its context is still the server's."""
    task = open_task(instance_id, name)
    response = client.post(f"/tasks/{task.id}", headers=headers_for(username), data=fake)
    assert response.status_code == 400
    return context_of(response.text)


def denied_case(client) -> int:
    case_id = accepted_case(client, "MSA-002")
    complete(client, case_id, "window_review", "clerk", review_opinion="经营场所与申请不符",
             recommendation="deny")
    return case_id


def test_the_leader_sees_the_windows_recommendation_and_opinion(client):
    case_id = denied_case(client)
    shown = context_of(page_of(client, case_id, "department_decision", "leader"))
    assert "建议不予" in shown and "经营场所与申请不符" in shown
    assert user("clerk").display_name in shown
    shown = refused_post(client, case_id, "department_decision", "leader",
                         recommendation="approve", review_opinion=FAKE)
    assert "建议不予" in shown and "建议准予" not in shown and FAKE not in shown


def test_delivery_shows_the_decision_being_delivered(client):
    case_id = denied_case(client)
    complete(client, case_id, "department_decision", "leader", decision="deny",
             decision_reasons="经营场所不符合食品安全要求", legal_basis="《食品经营许可管理办法》第十一条")
    shown = context_of(page_of(client, case_id, "deliver", "clerk"))
    assert "不予许可" in shown and "经营场所不符合食品安全要求" in shown and "第十一条" in shown
    assert user("leader").display_name in shown
    assert "不予行政许可决定书" in shown  # issued at conclusion, after the delivery
    shown = refused_post(client, case_id, "deliver", "clerk", decision="approve",
                         decision_reasons=FAKE, legal_basis=FAKE)
    assert "经营场所不符合食品安全要求" in shown and FAKE not in shown and "准予许可" not in shown


def test_supplement_says_what_the_one_time_notice_asked_for(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True, materials_received=[])
    required = [m["name"] for m in catalog.current("MSA-002").materials if m.get("required")]
    shown = context_of(page_of(client, case_id, "supplement", "clerk"))
    assert required and all(name in shown for name in required)
    assert f'href="/cases/{case_id}/notices/supplement"' in shown


def test_coordination_lists_each_departments_opinion_and_conditions(client):
    case_id = start_joint(client)
    accept(client, case_id)
    answer(client, case_id, "MSA", "conditional", opinion_conditions="取得健康证后开业")
    answer(client, case_id, "HEA")
    answer(client, case_id, "HCD", "reject", opinion_reasons="消防通道不达标",
           opinion_legal_basis="《消防法》第十五条")
    shown = context_of(page_of(client, case_id, "coordinate", "clerk"))
    for text in ("附条件同意", "取得健康证后开业", "不同意", "消防通道不达标", "第十五条"):
        assert text in shown
    shown = refused_post(client, case_id, "coordinate", "clerk", opinion_conditions=FAKE)
    assert "取得健康证后开业" in shown and FAKE not in shown


def test_the_denial_report_shows_the_refusals_reasons_and_does_not_ask_again(client):
    case_id = disputed_refusal(client)
    page = page_of(client, case_id, "file_denial_report", "clerk")
    shown = context_of(page)
    assert REFUSAL["refusal_reasons"] in shown and REFUSAL["refusal_legal_basis"] in shown
    assert "申请人认为其申请属于本局职权" in shown
    assert not re.search(r'name="report_(reasons|legal_basis)"', page)  # nothing to retype
    task = open_task(case_id, "file_denial_report")
    # The API refuses the reasons as fields the form does not own; the page ignores them.
    complete(client, case_id, "file_denial_report", "clerk", expect=400, report_reasons=FAKE)
    response = client.post(f"/tasks/{task.id}", headers=headers_for("clerk"),
                           data={"report_reasons": FAKE, "report_legal_basis": FAKE})
    assert response.status_code == 303
    [report] = reports_of(case_id)
    assert (report.reasons, report.legal_basis) == (REFUSAL["refusal_reasons"],
                                                    REFUSAL["refusal_legal_basis"])
    shown = context_of(page_of(client, case_id, "leader_review", "leader"))
    assert report.number in shown and REFUSAL["refusal_reasons"] in shown and FAKE not in shown
