"""Helpers that drive a 上报件 through the levels (三级联动) as the windows would."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import Case, CaseLink, LinkMessage, db
from app.services.linkage import delivery as linkage
from app.services.workflow.actor import Actor
from tests.cases.service_item_steps import (assert_round_trip, complete, required_materials,
                                            start_process)

COUNTY, CITY, PROVINCE = "532325", "532300", "530000"
OPINION = {"preliminary_opinion": "材料齐全，符合法定形式，同意上报", "recommendation": "approve"}


def start_report(client, item_code: str = "HCD-004", username: str = "hcd_a") -> int:
    return start_process(client, "three_level_report", item_code, username,
                         {"name": "姚安建工有限公司", "phone": "13700000000"})["id"]


def report_up(client, item_code: str = "HCD-004", username: str = "hcd_a") -> int:
    """Accept, do the 初审 and report up; the county instance's id."""
    county = start_report(client, item_code, username)
    complete(client, county, "intake", username, within_remit=True,
             materials_received=required_materials(item_code))
    complete(client, county, "preliminary_review", username, **OPINION)
    return county


def pump() -> int:
    return linkage.pump(Actor.system("links"))


def level_instance(county_instance: int, center: str) -> int:
    """The instance of the same case at another level (found by the county's case number)."""
    origin = db.session.scalar(sa.select(Case.case_no).where(Case.instance_id == county_instance))
    link = db.session.scalar(sa.select(CaseLink).where(CaseLink.origin_case_no == origin,
                                                       CaseLink.center_code == center))
    assert link is not None, f"no case at {center} for {origin}"
    assert_round_trip(link.instance_id)
    return link.instance_id


def messages(origin_case_no: str, direction: str = "out") -> list[LinkMessage]:
    return list(db.session.scalars(sa.select(LinkMessage).where(
        LinkMessage.origin_case_no == origin_case_no, LinkMessage.direction == direction)
        .order_by(LinkMessage.id)))
