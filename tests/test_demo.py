"""The demo center is what the README promises: a realistic county center to try things in."""
from collections import Counter

import sqlalchemy as sa

from app.models import Item, db
from app.services import authorization, catalog, organization
from app.services.authorization import rate as authorization_rate
from tests.conftest import DEMO_DAY


def test_demo_center_has_departments_items_of_every_type_and_a_letter_each(session):
    county = organization.home_center()
    departments = organization.list_departments(center_id=county.id)
    items = [i for i in db.session.scalars(sa.select(Item).where(Item.superseded_at.is_(None)))
             if i.department.center_id == county.id]
    assert len(departments) == 8 and len(items) == 31
    assert Counter(i.kind for i in items) == {"instant": 6, "promise": 18, "joint": 4,
                                              "report": 3}
    for department in departments:
        assert authorization.valid_letter(department.id, DEMO_DAY) is not None, department.code
    for item in items:  # the demo passes the same validation as the API
        catalog.validate(catalog.as_fields(item))


def test_some_departments_fall_below_the_seed_targets(session):
    below = {d.department.code: d.below_target
             for d in authorization_rate.report(DEMO_DAY).departments}
    assert below == {"CUL": ["acceptance", "certificate", "licensing_review"], "EDU": [],
                     "HCD": ["litigation"], "HEA": ["certificate"], "HRS": [],
                     "MSA": ["licensing_review"], "NRP": ["certificate", "licensing_review"],
                     "TRA": []}
