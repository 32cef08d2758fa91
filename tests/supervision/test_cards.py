"""红黄牌: a real case whose 预警 and lateness timers fire is carded yellow then red, once
each, for its unit in that month; the unit's head is told; the board shows it."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Card, Notification, Violation, db
from app.models.accountability import OVERDUE_CASE, RED, YELLOW
from app.services.supervision import cards
from app.services.evaluation.figures import month_bounds
from app.services.workflow import timers
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (case_of, complete, required_materials, start_case)
from tests.conftest import headers_for, user

LOCAL = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=LOCAL)  # MSA-002: promised by 2026-03-16


@pytest.fixture
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


def at(clock, *when) -> list[int]:
    clock.move_to(datetime(*when, tzinfo=LOCAL))
    due = timers.due_instance_ids(now=datetime.now(ZoneInfo("UTC")))
    for instance_id in due:
        timers.fire(instance_id, Actor.system("timer"))
    return due


def accepted_case(client, item_code: str = "MSA-002") -> int:
    case_id = start_case(client, item_code)["id"]
    complete(client, case_id, "intake", "clerk", within_remit=True,
             materials_received=required_materials(item_code))
    return case_id


def cards_of(instance_id: int) -> list[Card]:
    return cards.of_case(case_of(instance_id).id)


def card_notices(username: str, color: str) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.recipient_user_id == user(username).id,
        Notification.kind == f"card.{color}", Notification.channel == "in_app")))


def test_yellow_at_the_warning_then_red_when_late_once_each(client, frozen_clock):
    case_id = accepted_case(client)
    assert at(frozen_clock, 2026, 3, 14, 8, 0) == [case_id]  # 预警
    [yellow] = cards_of(case_id)
    assert yellow.color == YELLOW and yellow.department_id == case_of(case_id).item.department_id
    assert yellow.handler_id == user("clerk").id  # the window holding its open task
    assert card_notices("chief", YELLOW) and card_notices("leader", YELLOW)  # the unit's head
    assert not card_notices("nrp_leader", YELLOW)  # another unit's head is not told
    at(frozen_clock, 2026, 3, 19, 8, 0)  # past the promised time
    assert [c.color for c in cards_of(case_id)] == [YELLOW, RED]
    assert len(card_notices("leader", RED)) == 1
    case = case_of(case_id)
    cards.deal(case, YELLOW, Actor.system("again"))  # a card is dealt once per color
    cards.deal(case, RED, Actor.system("again"))
    assert len(cards_of(case_id)) == 2
    [violation] = db.session.scalars(sa.select(Violation).where(Violation.case_id == case.id))
    assert violation.kind == OVERDUE_CASE  # the red card is a 超时办件 in the register
    counts = cards.monthly_counts(*month_bounds("2026-03"))
    assert counts[case.item.department_id] == {"yellow": 1, "red": 1}
    assert cards.monthly_counts(*month_bounds("2026-04")) == {}


def test_the_board_shows_the_center_every_unit_and_a_unit_its_own(client, frozen_clock):
    case_id = accepted_case(client)
    at(frozen_clock, 2026, 3, 14, 8, 0)
    case = case_of(case_id)
    page = client.get("/supervision/cards?month=2026-03", headers=headers_for("supervisor"))
    assert page.status_code == 200
    assert case.case_no in page.text and "县自然资源和规划局" in page.text
    own = client.get("/supervision/cards?month=2026-03", headers=headers_for("leader")).text
    assert case.case_no in own and "县自然资源和规划局" not in own
    other = client.get("/supervision/cards?month=2026-03", headers=headers_for("nrp_leader")).text
    assert case.case_no not in other
    assert client.get("/supervision/cards?month=2026-13",
                      headers=headers_for("supervisor")).status_code == 400
    record = client.get(f"/cases/{case_id}", headers=headers_for("clerk")).text
    assert 'id="case-cards"' in record and "黄牌" in record
