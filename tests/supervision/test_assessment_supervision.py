"""The monthly assessment counts 效能监察's own records per unit: cards, violations in force,
case file checks and unit heads' duty."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from app.models import Department, DutyShift, db
from app.models.accountability import FOUR_BANS, RED, YELLOW
from app.services.supervision import assessment, cards, violations
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import ALL_MATERIALS, case_of, complete, start_case
from tests.conftest import user

ZONE = ZoneInfo("Asia/Shanghai")


def _unit(code: str) -> Department:
    return db.session.scalar(db.select(Department).where(Department.code == code))


def _values(figures: dict, department_id: int) -> dict:
    [row] = [r for r in figures["rows"]["department"] if r["key"] == department_id]
    return row["values"]


def test_cards_violations_and_duty_are_a_units_figures_of_the_month(client):
    msa, nrp, system = _unit("MSA"), _unit("NRP"), Actor.system("tests")
    with time_machine.travel(datetime(2026, 3, 3, 10, tzinfo=ZONE), tick=False):
        case_id = start_case(client, "MSA-002")["id"]
        complete(client, case_id, "intake", "clerk", within_remit=True,
                 materials_received=ALL_MATERIALS)
        case = case_of(case_id)
        cards.deal(case, YELLOW, system)
        cards.deal(case, RED, system)
        cards.deal(case, RED, system)  # once a color
        for ref in ("a", "b"):
            violations.record_automatic(FOUR_BANS, nrp.id, description="测试", source_ref=ref)
        db.session.add_all([
            DutyShift(department_id=msa.id, user_id=user("leader").id, day=date(2026, 3, 2),
                      part="morning", missed_at=datetime(2026, 3, 3, tzinfo=ZONE)),
            DutyShift(department_id=msa.id, user_id=user("chief").id, day=date(2026, 3, 4),
                      part="day")])
        db.session.flush()
        figures = assessment.compute("2026-03")
    msa_values, nrp_values = _values(figures, msa.id), _values(figures, nrp.id)
    assert (msa_values["yellow_cards"], msa_values["red_cards"]) == (1, 1)
    assert (msa_values["duty_scheduled"], msa_values["duty_missed"]) == (2, 1)
    assert nrp_values["violations"] == 2 and "violations" not in msa_values
    april = assessment.compute("2026-04", now=datetime(2026, 4, 30, tzinfo=ZONE))
    assert all("red_cards" not in r["values"] for r in april["rows"]["department"])
