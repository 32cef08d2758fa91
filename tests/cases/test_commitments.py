"""告知承诺制: accepted on the applicant's signed commitment, checked by the department after the
approval (核查); a false commitment revokes the decision with a 撤销决定书."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, CommitmentCheck, db
from app.services import catalog
from app.services.catalog import spreadsheet
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (ALL_MATERIALS, case_of, complete, notices,
                                            start_case)
from tests.conftest import headers_for, user

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def commitment_item(app):
    item = catalog.current("MSA-002")
    item.commitment_system = True
    db.session.commit()
    return item.code


def check_of(case_id: int) -> CommitmentCheck | None:
    row = db.session.scalar(sa.select(CommitmentCheck).where(
        CommitmentCheck.instance_id == case_id))
    if row is not None:
        db.session.refresh(row)
    return row


def _approved(client, item: str) -> int:
    case_id = start_case(client, item)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=ALL_MATERIALS, commitment_signed=True)
    complete(client, case_id, "window_review", "clerk", review_opinion="同意",
             recommendation="approve")
    complete(client, case_id, "department_decision", "leader", decision="approve")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    return case_id


def check(client, case_id: int, username: str, **body):
    return client.post(f"/api/cases/{case_id}/commitment-check", json=body,
                       headers=headers_for(username))


def test_accepted_only_on_the_signed_commitment(client, commitment_item):
    case_id = start_case(client, commitment_item)["id"]
    refused = complete(client, case_id, "intake", "clerk", expect=400, within_remit=True,
                       materials_received=ALL_MATERIALS)
    assert refused.json["code"] == "commitment_not_signed"
    assert refused.json["errors"] == [{"field": "commitment_signed", "message": "required"}]
    assert case_of(case_id).status_code == 1


def test_an_item_without_the_flag_opens_no_check(client):
    case_id = _approved(client, "MSA-002")
    assert case_of(case_id).status_code == 11 and check_of(case_id) is None


def test_approval_opens_a_check_and_a_true_commitment_changes_nothing(client, commitment_item):
    case_id = _approved(client, commitment_item)
    assert case_of(case_id).status_code == 11
    row = check_of(case_id)
    assert row.outcome is None and row.department_id == case_of(case_id).item.department_id
    due = row.due_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat()
    assert due == "2026-03-16"  # 10 working days after the approval
    assert notices(case_id, "commitment_check")  # the department is told
    page = client.get(f"/cases/{case_id}", headers=headers_for("leader")).text
    assert "告知承诺核查" in page and 'name="outcome"' in page
    done = check(client, case_id, "leader", outcome="true", findings="现场核查属实")
    assert done.status_code == 200 and done.json["outcome"] == "true"
    assert case_of(case_id).status_code == 11 and not notices(case_id, "revoked")
    again = check(client, case_id, "leader", outcome="false", findings="x")
    assert again.status_code == 409 and again.json["code"] == "commitment_check_done"


def test_a_false_commitment_revokes_the_decision(client, commitment_item):
    case_id = _approved(client, commitment_item)
    forbidden = check(client, case_id, "clerk", outcome="false", findings="场所不存在")
    assert forbidden.status_code == 403 and forbidden.json["code"] == "not_commitment_checker"
    invalid = check(client, case_id, "leader", outcome="false", findings=" ")
    assert invalid.status_code == 400 and invalid.json["code"] == "commitment_check_invalid"
    assert {e["field"] for e in invalid.json["errors"]} == {"findings"}
    bad = check(client, case_id, "leader", outcome="maybe")
    assert bad.status_code == 400 and check_of(case_id).outcome is None
    done = check(client, case_id, "leader", outcome="false", findings="经营场所与承诺不符")
    assert done.status_code == 200
    case = case_of(case_id)
    assert case.status_code == 15 and case.status_name == "撤销"
    assert "经营场所与承诺不符" in case.history[-1]["note"]
    [told] = notices(case_id, "revoked")
    assert "撤销" in told.body and "经营场所与承诺不符" in told.body
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.instance_id == case_id, AuditEvent.action == "case.commitment_checked"))
    notice = client.get(f"/cases/{case_id}/notices/revoked", headers=headers_for("clerk"))
    assert notice.status_code == 200
    assert "撤销行政许可决定书" in notice.text and "撤〔2026〕1号" in notice.text
    assert "经营场所与承诺不符" in notice.text and "行政复议" in notice.text
    approval = client.get(f"/cases/{case_id}/notices/concluded", headers=headers_for("clerk"))
    assert "准予行政许可决定书" in approval.text  # the decision revoked is still the approval


def test_the_case_page_form_records_the_outcome(client, commitment_item):
    case_id = _approved(client, commitment_item)
    client.get("/", headers=headers_for("leader"))
    refused = client.post(f"/cases/{case_id}/commitment-check", headers=headers_for("leader"),
                          data={"outcome": "false", "findings": ""})
    assert refused.status_code == 400 and check_of(case_id).outcome is None
    saved = client.post(f"/cases/{case_id}/commitment-check", headers=headers_for("leader"),
                        data={"outcome": "true", "findings": ""})
    assert saved.status_code == 303 and check_of(case_id).outcome == "true"



def test_the_flag_is_in_the_spreadsheet_the_form_and_the_guides(client, commitment_item):
    exported = spreadsheet.export_csv().decode("utf-8-sig")
    header, *rows = exported.splitlines()
    column = header.split(",").index("告知承诺制 (commitment_system)")
    assert next(r for r in rows if r.startswith("MSA-002,")).split(",")[column] == "是"
    assert next(r for r in rows if r.startswith("MSA-003,")).split(",")[column] == "否"
    spreadsheet.import_file("items.csv", "code,commitment_system\nMSA-003,是\n".encode(),
                            Actor.of(user("admin")))
    assert catalog.current("MSA-003").commitment_system is True
    staff_guide = client.get(f"/guide/{commitment_item}", headers=headers_for("admin"))
    assert "本事项实行告知承诺制" in staff_guide.text
    public_guide = client.get(f"/public/items/{commitment_item}")
    assert public_guide.status_code == 200 and "本事项实行告知承诺制" in public_guide.text
    assert "告知承诺制" not in client.get("/public/items/MSA-001").text
    form = client.get(f"/admin/items/{commitment_item}/edit", headers=headers_for("admin"))
    assert 'name="commitment_system" value="y" checked' in form.text


def test_an_overdue_check_is_reported_once(client, commitment_item, frozen_clock):
    case_id = _approved(client, commitment_item)
    from app.services.supervision import sweep
    assert sweep.run()["commitment_check_deadlines"] == 0
    frozen_clock.move_to(datetime(2026, 3, 17, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    assert sweep.run()["commitment_check_deadlines"] == 1
    assert notices(case_id, "commitment_check_overdue") and check_of(case_id).overdue_told_at
    assert sweep.run()["commitment_check_deadlines"] == 0
    page = client.get(f"/cases/{case_id}", headers=headers_for("leader")).text
    assert "已超期" in page[page.index('id="commitment-due"'):][:300]
