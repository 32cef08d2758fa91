"""应诉代理权 (seed 003) decides who answers a 行政复议 or 行政诉讼 against a decision, within
the law's days (行政复议法 art. 48: 10 working days; 行政诉讼法 art. 67: 15 days)."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Notification, db
from app.services import authorization
from app.services.authorization import letters
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import complete, start_case
from tests.conftest import headers_for, user
from tests.delivery.test_delivery import decided

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
MATTER = {"kind": "reconsideration", "body": "县人民政府", "reference": "姚府复〔2026〕3号",
          "receivedOn": "2026-03-02"}


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def _concluded(client) -> int:
    case_id = decided(client)
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    return case_id


def _post(client, path: str, body: dict, who: str):
    return client.post(path, json=body, headers=headers_for(who))


def test_the_chief_under_litigation_power_answers_a_reconsideration(client):
    case_id = _concluded(client)
    assert _post(client, f"/api/cases/{case_id}/remedies", MATTER, "clerk").status_code == 403
    recorded = _post(client, f"/api/cases/{case_id}/remedies", MATTER, "leader")
    assert recorded.status_code == 201, recorded.json
    matter = recorded.json
    assert matter["answerDue"] == "2026-03-16"  # the 10th working day after receipt
    assert matter["representativeId"] == user("chief").id
    told = db.session.scalars(sa.select(Notification.recipient_user_id).where(
        Notification.kind == "remedy_due")).all()
    assert set(told) == {user("chief").id}
    path = f"/api/remedies/{matter['id']}/answer"
    refused = _post(client, path, {"answer": "x"}, "clerk")
    assert refused.status_code == 403 and refused.json["code"] == "not_remedy_representative"
    assert _post(client, path, {"answer": " "}, "chief").status_code == 400
    answered = _post(client, path, {"answer": "决定事实清楚、依据充分，附证据目录"}, "chief")
    assert answered.status_code == 200 and answered.json["status"] == "answered"
    assert _post(client, path, {"answer": "再答"}, "leader").json["code"] == "remedy_answered"
    listed = client.get(f"/api/cases/{case_id}/remedies", headers=headers_for("supervisor"))
    assert [m["status"] for m in listed.json["items"]] == ["answered"]


def test_a_suit_answered_after_the_power_lapsed_moves_to_the_leaders(client, frozen_clock):
    case_id = _concluded(client)
    suit = {**MATTER, "kind": "litigation", "body": "县人民法院", "receivedOn": "2026-03-06"}
    frozen_clock.move_to(datetime(2026, 3, 6, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    matter = _post(client, f"/api/cases/{case_id}/remedies", suit, "chief").json
    assert matter["answerDue"] == "2026-03-23"  # day 15 is a Saturday: the next working day
    letter = authorization.valid_letter(user("chief").memberships[0].department_id,
                                        date(2026, 3, 6))
    letters.revoke(letter.id, "首席代表调离", Actor.of(user("admin")))  # 应诉代理权 with it
    path = f"/api/remedies/{matter['id']}/answer"
    refused = _post(client, path, {"answer": "答辩要点"}, "chief")
    assert refused.status_code == 403 and refused.json["code"] == "litigation_power_missing"
    [moved] = client.get(f"/api/cases/{case_id}/remedies",
                         headers=headers_for("leader")).json["items"]
    assert moved["representativeId"] is None and moved["status"] == "open"
    assert _post(client, path, {"answer": "答辩要点"}, "leader").status_code == 200


def test_only_a_concluded_case_and_a_complete_matter_are_recorded(client):
    open_case = start_case(client, "MSA-002")["id"]
    early = _post(client, f"/api/cases/{open_case}/remedies", MATTER, "leader")
    assert early.status_code == 409 and early.json["code"] == "case_not_concluded"
    case_id = _concluded(client)
    bad = _post(client, f"/api/cases/{case_id}/remedies",
                {"kind": "appeal", "receivedOn": "2026-03-09"}, "leader")
    assert bad.status_code == 400
    assert {e["field"] for e in bad.json["errors"]} == {"kind", "receivedOn", "body"}


def test_the_case_page_records_and_answers_a_matter(client):
    case_id = _concluded(client)
    page = client.get(f"/cases/{case_id}", headers=headers_for("leader")).text
    assert "登记应诉事项" in page
    assert "登记应诉事项" not in client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    bad = client.post(f"/cases/{case_id}/remedies", headers=headers_for("leader"),
                      data={"kind": "reconsideration", "body": "", "receivedOn": "2026-03-02"})
    assert bad.status_code == 400 and 'id="remedy-body-error"' in bad.text
    done = client.post(f"/cases/{case_id}/remedies", headers=headers_for("leader"),
                       data={"kind": "reconsideration", "body": "县人民政府",
                             "receivedOn": "2026-03-02"})
    assert done.status_code == 303
    [matter] = client.get(f"/api/cases/{case_id}/remedies",
                          headers=headers_for("leader")).json["items"]
    chiefs_page = client.get(f"/cases/{case_id}", headers=headers_for("chief")).text
    assert "2026-03-16" in chiefs_page and "提交答复" in chiefs_page
    answered = client.post(f"/cases/{case_id}/remedies/{matter['id']}/answer",
                           headers=headers_for("chief"), data={"answer": "事实清楚、依据充分"})
    assert answered.status_code == 303
    assert "事实清楚、依据充分" in client.get(f"/cases/{case_id}", headers=headers_for("leader")).text



def test_the_matters_of_a_case_that_does_not_exist_are_a_404(client):
    response = client.get("/api/cases/999999/remedies", headers=headers_for("admin"))
    assert response.status_code == 404 and response.json["code"] == "case_not_found"
