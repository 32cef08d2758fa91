"""容缺受理: a case missing only 可容缺 materials is accepted on the applicant's 承诺书, its
result held until they come, terminated if they never do, and concluded with status 12."""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, LenientAcceptance, db
from app.services.supervision import sweep
from tests.cases.service_item_steps import (case_of, complete, instance_state, notices,
                                            open_names, open_task, start_case)
from tests.conftest import headers_for

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
WITHOUT_PREMISES = ["application_form", "id_card"]  # 经营场所证明 is 可容缺 in the demo


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def record_of(case_id: int) -> LenientAcceptance | None:
    row = db.session.scalar(sa.select(LenientAcceptance).where(
        LenientAcceptance.instance_id == case_id))
    if row is not None:
        db.session.refresh(row)
    return row


def _accepted_lenient(client, item: str = "MSA-002") -> int:
    case_id = start_case(client, item)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=WITHOUT_PREMISES, lenient_commitment=True)
    return case_id


def _approved(client, case_id: int) -> None:
    complete(client, case_id, "window_review", "clerk", review_opinion="同意",
             recommendation="approve")
    complete(client, case_id, "department_decision", "leader", decision="approve")


def test_only_deferrable_missing_with_the_commitment_is_accepted(client):
    case_id = _accepted_lenient(client)
    case, record = case_of(case_id), record_of(case_id)
    assert case.status_code == 3 and case.case_no and not case.supplements
    assert record.deferred == ["premises_proof"] and record.supplement_days == 5
    due = record.supplement_due_at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    assert due.isoformat() == "2026-03-09" and record.supplement_due_at < case.deadline_at
    [told] = notices(case_id, "lenient_accepted")
    assert "经营场所证明" in told.body and "2026年03月09日" in told.body
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert 'id="lenient"' in page and "经营场所证明" in page
    body = client.get(f"/api/process-instances/{case_id}", headers=headers_for("clerk")).json
    assert body["case"]["lenient"]["deferred"] == ["premises_proof"]


def test_without_the_commitment_the_case_goes_to_supplement(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=WITHOUT_PREMISES)
    assert case_of(case_id).status_code == 6 and record_of(case_id) is None


def test_a_missing_material_that_is_not_deferrable_goes_to_supplement(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=["application_form"], lenient_commitment=True)
    case = case_of(case_id)
    assert case.status_code == 6 and case.supplements[0]["missing"] == ["id_card",
                                                                        "premises_proof"]
    assert record_of(case_id) is None and open_names(case_id) == ["supplement"]


def test_an_item_without_room_for_a_supplement_window_is_not_lenient(client):
    case_id = start_case(client, "MSA-001")["id"]  # 即办件: no time before the promised limit
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=WITHOUT_PREMISES, lenient_commitment=True)
    assert case_of(case_id).status_code == 6 and record_of(case_id) is None


def test_the_form_cannot_write_the_deferred_list(client):
    case_id = start_case(client, "MSA-002")["id"]
    response = complete(client, case_id, "intake", "clerk", expect=400, within_remit=True,
                        materials_received=["application_form"], lenient_deferred=["id_card"])
    assert response.json["code"] == "form_field_undeclared"
    assert case_of(case_id).status_code == 1 and record_of(case_id) is None


def test_delivery_is_held_until_the_materials_are_received(client):
    case_id = _accepted_lenient(client)
    _approved(client, case_id)
    task_page = client.get(f"/tasks/{open_task(case_id, 'deliver').id}",
                           headers=headers_for("clerk")).text
    assert "待补交的容缺材料" in task_page and "材料补齐前不能送达准予许可的结果" in task_page
    held = complete(client, case_id, "deliver", "clerk", expect=409, delivery_method="window")
    assert held.json["code"] == "lenient_materials_outstanding"
    assert open_names(case_id) == ["deliver"] and case_of(case_id).concluded_at is None
    refused = client.post(f"/api/cases/{case_id}/lenient/received", headers=headers_for("nrp_a"))
    assert refused.status_code in (403, 404) and record_of(case_id).pending  # another unit
    received = client.post(f"/api/cases/{case_id}/lenient/received",
                           headers=headers_for("clerk"))
    assert received.status_code == 200, received.json
    assert received.json["receivedAt"]
    again = client.post(f"/api/cases/{case_id}/lenient/received", headers=headers_for("clerk"))
    assert again.status_code == 409 and again.json["code"] == "lenient_not_pending"
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    case = case_of(case_id)
    assert case.status_code == 12 and case.status_name == "办结（容缺通过）"
    assert instance_state(case_id) == "completed"
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.instance_id == case_id, AuditEvent.action == "case.lenient_received"))


def test_a_denial_is_delivered_without_waiting(client):
    case_id = _accepted_lenient(client)
    complete(client, case_id, "window_review", "clerk", review_opinion="不符合",
             recommendation="deny")
    complete(client, case_id, "department_decision", "leader", decision="deny",
             decision_reasons="场所不符合要求", legal_basis="《食品经营许可管理办法》第十一条")
    complete(client, case_id, "deliver", "clerk", delivery_method="window")
    assert case_of(case_id).status_code == 13


def test_reminded_before_and_terminated_after_the_deadline(client, frozen_clock):
    case_id = _accepted_lenient(client)
    _approved(client, case_id)
    frozen_clock.move_to(MONDAY + timedelta(days=4, hours=8))  # Friday evening: the reminder
    assert sweep.run()["lenient_supplement_deadlines"] == 1
    assert notices(case_id, "lenient_reminder") and record_of(case_id).reminded_at
    assert sweep.run()["lenient_supplement_deadlines"] == 0  # once
    frozen_clock.move_to(MONDAY + timedelta(days=8))  # after Monday 03-09
    assert sweep.run()["lenient_supplement_deadlines"] == 1
    case = case_of(case_id)
    assert case.status_code == 13 and case.decision == "lenient_terminated"
    assert case.history[-1]["note"] == "容缺材料逾期未补齐，终止办理"
    assert instance_state(case_id) == "terminated" and open_names(case_id) == []
    [told] = notices(case_id, "lenient_terminated")
    assert "终止办理" in told.body
    assert sweep.run()["lenient_supplement_deadlines"] == 0
    late = client.post(f"/api/cases/{case_id}/lenient/received", headers=headers_for("clerk"))
    assert late.status_code == 409


def test_the_window_page_action_records_receipt(client):
    case_id = _accepted_lenient(client)
    page = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert "data-confirm" in page[page.index('id="lenient"'):]
    response = client.post(f"/cases/{case_id}/lenient/received", headers=headers_for("clerk"),
                           data={})
    assert response.status_code == 303 and record_of(case_id).received_at is not None
    again = client.post(f"/cases/{case_id}/lenient/received", headers=headers_for("clerk"),
                        data={})
    assert again.status_code == 409 and "未能办理" in again.text


def test_accepted_lenient_at_the_supplement_once_only_deferrable_is_missing(client):
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=["application_form"])
    complete(client, case_id, "supplement", "clerk", materials_received=WITHOUT_PREMISES,
             lenient_commitment=True)
    case = case_of(case_id)
    assert case.status_code == 3 and record_of(case_id).deferred == ["premises_proof"]
    assert [h["code"] for h in case.history] == [1, 6, 7, 3]


def test_the_section_reads_in_english(client):
    case_id = _accepted_lenient(client)
    page = client.get(f"/cases/{case_id}?lang=en", headers=headers_for("clerk")).text
    section = page[page.index('id="lenient"'):page.index("</section>", page.index('id="lenient"'))]
    assert "Deferred materials" in section and "Supplement deadline" in section
    assert "Record the deferred materials as received" in section
