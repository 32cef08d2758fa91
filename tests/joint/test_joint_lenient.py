"""容缺受理 on a joint case (联审联办): the lead window accepts with only 可容缺 materials
missing on the applicant's 承诺书, the departments review at once, and the unified result is
held at 统一发证送达 until the materials come."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import JointOpinion, LenientAcceptance, db
from tests.cases.service_item_steps import case_of, instance_state, open_names
from tests.conftest import headers_for
from tests.joint.joint_steps import answer, complete_named, start_joint

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
WITHOUT_PREMISES = ["application_form", "id_card"]  # 经营场所证明 is 可容缺 in the demo


@pytest.fixture(autouse=True)
def clock(session):
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def record_of(case_id: int) -> LenientAcceptance | None:
    return db.session.scalar(sa.select(LenientAcceptance).where(
        LenientAcceptance.instance_id == case_id).execution_options(populate_existing=True))


def _accepted_lenient(client) -> int:
    case_id = start_joint(client)
    complete_named(client, case_id, "intake", "clerk", within_remit=True,
                   materials_received=WITHOUT_PREMISES, lenient_commitment=True)
    return case_id


def test_the_lead_window_accepts_on_the_commitment_and_the_departments_review(client):
    case_id = _accepted_lenient(client)
    case, record = case_of(case_id), record_of(case_id)
    assert case.status_code == 3 and case.case_no and not case.supplements
    assert record.deferred == ["premises_proof"] and record.supplement_days == 5
    assert record.supplement_due_at < case.deadline_at
    opened = db.session.scalars(sa.select(JointOpinion).where(JointOpinion.instance_id == case_id))
    assert len(list(opened)) == 3  # MSA, HEA and HCD review without waiting for the material


def test_without_the_commitment_the_joint_case_goes_to_supplement(client):
    case_id = start_joint(client)
    complete_named(client, case_id, "intake", "clerk", within_remit=True,
                   materials_received=WITHOUT_PREMISES)
    assert case_of(case_id).status_code == 6 and record_of(case_id) is None
    assert open_names(case_id) == ["supplement"]


def test_a_missing_material_that_is_not_deferrable_is_not_lenient(client):
    case_id = start_joint(client)
    complete_named(client, case_id, "intake", "clerk", within_remit=True,
                   materials_received=["application_form"], lenient_commitment=True)
    assert case_of(case_id).supplements[0]["missing"] == ["id_card", "premises_proof"]
    assert record_of(case_id) is None


def test_the_unified_result_is_held_until_the_materials_are_received(client):
    case_id = _accepted_lenient(client)
    for code in ("MSA", "HEA", "HCD"):
        answer(client, case_id, code)
    complete_named(client, case_id, "unified_decision", "chief", decision="approve")
    held = complete_named(client, case_id, "deliver", "clerk", expect=409,
                          delivery_method="window")
    assert held.json["code"] == "lenient_materials_outstanding"
    received = client.post(f"/api/cases/{case_id}/lenient/received",
                           headers=headers_for("clerk"))
    assert received.status_code == 200, received.json
    complete_named(client, case_id, "deliver", "clerk", delivery_method="window")
    assert instance_state(case_id) == "completed" and case_of(case_id).status_code == 12
