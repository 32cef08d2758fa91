"""问责 by the count within a year (seed 004 section 四): a unit's first violation brings a
通报批评 and its second 一票否决; a staff member's first a 中心通报批评 and the second
退回原单位; a new year starts again; a violation found 不成立 no longer counts."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, Consequence, db
from app.models.accountability import (ISSUED, PROPOSED, STAFF_CRITICISM, STAFF_RETURN,
                                       UNIT_CRITICISM, UNIT_VETO, WITHDRAWN)
from tests.conftest import headers_for, user
from tests.supervision.steps import post, record, unit, violations_of

LOCAL = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(datetime(2026, 6, 15, 10, 0, tzinfo=LOCAL), tick=False) as traveller:
        yield traveller


def consequences(code: str = "MSA", staff=None) -> list[Consequence]:
    query = sa.select(Consequence).where(Consequence.department_id == unit(code).id)
    query = query.where(Consequence.staff_id == staff.id if staff else Consequence.staff_id.is_(None))
    return list(db.session.scalars(query.order_by(Consequence.ordinal, Consequence.id)))


def decide(client, consequence: Consequence, decision: str, reason: str = "", username="supervisor"):
    return post(client, username, f"/supervision/accountability/{consequence.id}/decision",
                decision=decision, reason=reason)


def test_a_unit_is_criticised_first_then_vetoed_within_the_year(client):
    record(client, occurred_on="2026-03-02", description="窗口无人值守")
    [first] = consequences()
    assert (first.kind, first.ordinal, first.state, first.year) == (UNIT_CRITICISM, 1, PROPOSED, 2026)
    assert "县市场监督管理局" in first.text and "通报批评" in first.text and "窗口无人值守" in first.text
    assert decide(client, first, "issue").status_code == 303
    first = consequences()[0]
    assert first.state == ISSUED and first.number == "效能通报〔2026〕1号"
    record(client, occurred_on="2026-05-20", description="办件超时")
    second = consequences()[1]
    assert (second.kind, second.ordinal) == (UNIT_VETO, 2) and "一票否决" in second.text
    decide(client, second, "issue")
    assert consequences()[1].number == "效能通报〔2026〕2号"
    standing = client.get("/supervision/accountability", headers=headers_for("leader")).text
    assert "本年度第 2 次：年度目标考核一票否决（已印发）" in standing
    printed = client.get(f"/supervision/accountability/{second.id}", headers=headers_for("leader"))
    assert printed.status_code == 200 and "效能通报〔2026〕2号" in printed.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "consequence.issued")) == 2


def test_a_staff_member_is_criticised_then_returned_and_the_unit_untouched(client):
    clerk = user("clerk")
    record(client, staff=clerk, kind="first_inquiry", occurred_on="2026-02-03")
    record(client, staff=clerk, kind="one_time_notice", occurred_on="2026-04-08")
    assert [c.kind for c in consequences(staff=clerk)] == [STAFF_CRITICISM, STAFF_RETURN]
    assert "张丽" in consequences(staff=clerk)[1].text and "退回原单位" in consequences(staff=clerk)[1].text
    assert consequences() == []  # the person's violations are the person's, not the unit's


def test_a_new_year_starts_the_count_again(client, frozen_clock):
    record(client, occurred_on="2026-03-02")
    assert record(client, occurred_on="2026-06-12").status_code == 303
    frozen_clock.move_to(datetime(2027, 1, 11, 10, 0, tzinfo=LOCAL))
    record(client, occurred_on="2027-01-08")
    found = [(c.year, c.kind) for c in consequences()]
    assert sorted(found) == [(2026, UNIT_CRITICISM), (2026, UNIT_VETO), (2027, UNIT_CRITICISM)]


def test_a_dismissed_violation_withdraws_its_proposal_and_the_next_moves_up(client):
    record(client, occurred_on="2026-03-02")
    record(client, occurred_on="2026-04-02")
    first, second = violations_of("MSA")
    post(client, "supervisor", f"/supervision/violations/{first.id}/review",
         outcome="dismissed", reason="经核实当日已请假")
    by_violation = {c.violation_id: c for c in consequences()}
    assert by_violation[first.id].state == WITHDRAWN
    assert (by_violation[second.id].kind, by_violation[second.id].ordinal) == (UNIT_CRITICISM, 1)
    assert "第 1 次" in by_violation[second.id].text


def test_only_supervisors_decide_and_a_withdrawal_needs_its_reason(client):
    record(client, occurred_on="2026-03-02")
    [proposal] = consequences()
    assert decide(client, proposal, "issue", username="leader").status_code == 403
    refused = decide(client, proposal, "withdraw", "")
    assert refused.status_code == 400 and 'id="c%d-reason-error"' % proposal.id in refused.text
    assert consequences()[0].state == PROPOSED
    assert decide(client, proposal, "withdraw", "情节轻微，已当场纠正").status_code == 303
    assert consequences()[0].state == WITHDRAWN and consequences()[0].number is None
    assert decide(client, proposal, "issue").status_code == 409


def test_units_see_their_own_documents_only(client):
    record(client, "MSA", occurred_on="2026-03-02")
    record(client, "NRP", occurred_on="2026-03-02")
    [theirs] = consequences("NRP")
    assert client.get(f"/supervision/accountability/{theirs.id}",
                      headers=headers_for("leader")).status_code == 404
    page = client.get("/supervision/accountability", headers=headers_for("leader")).text
    assert "县市场监督管理局" in page and "县自然资源和规划局" not in page
    assert client.get("/supervision/accountability?year=20x6",
                      headers=headers_for("leader")).status_code == 400


def test_a_number_taken_meanwhile_is_a_conflict_and_nothing_is_issued(client, monkeypatch):
    record(client, occurred_on="2026-03-02", description="窗口无人值守")
    record(client, occurred_on="2026-03-03", description="办件超时")
    first, second = consequences()
    decide(client, first, "issue")
    from app.services.supervision import accountability
    monkeypatch.setattr(accountability, "_next_number", lambda year: "效能通报〔2026〕1号")
    refused = decide(client, second, "issue")
    assert refused.status_code == 409 and "重新提交决定" in refused.text
    assert consequences()[1].state == PROPOSED and consequences()[1].number is None
