"""A generated month (March 2026) of cases, joint opinions, denial reports and ratings,
written straight into the database, with every indicator's answer counted by hand."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.models import (Case, Department, DenialReport, Evaluation, Item, JointOpinion,
                        ProcessDefinition, ProcessInstance, User, Window, db)
from app.models.catalog import INSTANT

MONTH = "2026-03"
AFTER = datetime(2026, 4, 15, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # "now" in the tests
ZONE = ZoneInfo("Asia/Shanghai")


def at(text: str | None) -> datetime | None:
    """'03-04 10:00' as a local moment in 2026."""
    return None if text is None else datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(
        tzinfo=ZONE)


def _instance() -> int:
    instance = ProcessInstance(definition_id=db.session.scalar(sa.select(ProcessDefinition.id)
                                                               .limit(1)))
    db.session.add(instance)
    db.session.flush()
    return instance.id


def department(code: str) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.code == code))


def staff(username: str) -> User:
    return db.session.scalar(sa.select(User).where(User.username == username))


def window(code: str) -> Window:
    return db.session.scalar(sa.select(Window).where(Window.code == code))


def _item(code: str, instant: bool) -> Item:
    kind = Item.kind == INSTANT if instant else Item.kind != INSTANT
    return db.session.scalars(sa.select(Item).join(Department).where(
        Department.code == code, kind, Item.superseded_at.is_(None)).order_by(Item.id)).first()


def case(dept: str, receiver: str, accepted: str | None, deadline: str | None,
         concluded: str | None, *, instant: bool = False, decision: str | None = "approve",
         supplements: int = 0) -> Case:
    row = Case(instance_id=_instance(), item_id=_item(dept, instant).id, applicant_name="申请人",
               received_by=staff(receiver).id, accepted_at=at(accepted),
               received_at=at(accepted) or at(concluded), deadline_at=at(deadline),
               concluded_at=at(concluded), decision=decision if concluded else None,
               supplements=[{"started_at": "2026-03-01T00:00:00+00:00", "ended_at": None,
                             "missing": ["id_card"]}] * supplements)
    db.session.add(row)
    db.session.flush()
    return row


def _opinion(dept: str, state: str, answered: str):
    db.session.add(JointOpinion(instance_id=_instance(), department_id=department(dept).id,
                                days=3, deadline_at=at(answered), state=state,
                                answered_at=at(answered)))


def _denial(dept: str, handler: str, filed: str, state: str):
    db.session.add(DenialReport(instance_id=_instance(), department_id=department(dept).id,
                                item_code="X", item_name="事项", kind="denied", trigger="objection",
                                applicant_name="申请人", handler_id=staff(handler).id,
                                filed_at=at(filed), review_due_at=at(filed) + timedelta(days=3),
                                state=state))


def _rating(rated: Case, level: int, when: str, counted: bool = True):
    receiver = db.session.get(User, rated.received_by)
    db.session.add(Evaluation(case_id=rated.id, level=level, channel="window", rated_at=at(when),
                              department_id=rated.item.department_id,
                              window_id=window("01" if rated.item.department.code == "MSA"
                                               else "02").id,
                              staff_id=receiver.id, item_code=rated.item.code, counted=counted))


def generate() -> dict[str, Case]:
    """The month; the cases by name (the answers are in tests/supervision/test_assessment.py)."""
    made = {
        # MSA, window 01 (clerk, msa_b)
        "c1": case("MSA", "clerk", "03-02 09:00", "03-02 17:00", "03-02 11:00", instant=True),
        "c2": case("MSA", "clerk", "03-03 16:00", "03-03 17:30", "03-04 10:00", instant=True),
        "c3": case("MSA", "clerk", "03-05 10:00", "03-12 17:00", "03-09 10:00", supplements=2),
        "c4": case("MSA", "msa_b", "03-10 10:00", "03-20 17:00", "03-19 15:00", supplements=1),
        "c5": case("MSA", "clerk", "02-20 10:00", "03-06 17:00", None),
        "c6": case("MSA", "clerk", "03-16 10:00", "03-27 17:00", "04-02 10:00"),
        "c7": case("MSA", "clerk", "03-02 10:00", "03-13 17:00", "03-13 17:01",
                   decision="deemed_approved"),
        "c8": case("MSA", "clerk", None, None, "03-04 10:00", decision="not_accepted"),
        "c9": case("MSA", "clerk", "02-25 10:00", "03-03 17:00", "03-03 09:00"),
        # NRP, window 02 (nrp_a); n3's deadline on a Sunday: the Friday before is not early
        "n1": case("NRP", "nrp_a", "03-02 10:00", "03-06 17:00", "03-05 10:00"),
        "n2": case("NRP", "nrp_a", "03-09 10:00", "03-16 17:00", "03-13 10:00"),
        "n3": case("NRP", "nrp_a", "03-09 10:00", "03-15 12:00", "03-13 10:00"),
        "n4": case("NRP", "nrp_a", "03-20 10:00", "04-10 17:00", None),
        # the 综合窗口 06 (hrs_a, edu_a) for CUL and HRS
        "u1": case("CUL", "hrs_a", "03-04 10:00", "03-11 17:00", "03-10 10:00"),
        "u2": case("HRS", "hrs_a", "03-04 10:00", "03-11 17:00", "03-12 10:00", supplements=1),
        "u3": case("HRS", "edu_a", "03-05 10:00", "03-20 17:00", "03-06 10:00"),
        # outside the month
        "old": case("MSA", "clerk", "01-05 10:00", "01-09 17:00", "01-08 10:00"),
    }
    _opinion("HCD", "deemed", "03-18 17:00")
    _opinion("MSA", "deemed", "02-18 17:00")
    _opinion("NRP", "agreed", "03-18 12:00")
    _denial("MSA", "clerk", "03-05 10:00", "pending")
    _denial("MSA", "clerk", "03-10 10:00", "confirmed")
    _denial("NRP", "nrp_a", "03-12 10:00", "corrected")
    _denial("MSA", "clerk", "02-27 10:00", "confirmed")
    _rating(made["c1"], 5, "03-02 12:00")
    _rating(made["c3"], 4, "03-09 12:00")
    _rating(made["c4"], 1, "03-19 16:00")
    _rating(made["c9"], 1, "03-03 12:00", counted=False)  # appeal upheld
    _rating(made["n1"], 2, "03-05 12:00")
    _rating(made["old"], 5, "01-08 12:00")
    db.session.flush()
    return made
