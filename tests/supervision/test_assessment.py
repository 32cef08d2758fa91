"""The monthly assessment on a generated month whose every answer was counted by hand
(tests/supervision/assessment_month.py): per department, window and staff member."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine

from app.services.authorization import rate as authorization_rate
from app.services.evaluation import figures as evaluation_figures
from app.services.supervision import assessment, assessment_view
from app.services.supervision.indicators import REGISTRY
from app.services.workflow.errors import InvalidInput
from tests.conftest import user
from tests.supervision.assessment_month import AFTER, MONTH, department, generate, staff, window

MONTH_END = AFTER.replace(month=3, day=31, hour=20)
CASE_INDICATORS = ("accepted", "concluded", "instant_rate", "on_time_rate", "early_rate",
                   "deemed", "two_visits_rate", "overdue", "overdue_days", "overdue_days_max")

# Hand counts (see the comments in assessment_month.generate):
# MSA accepted c1 c2 c3 c4 c6 c7; concluded c1 c2 c3 c4 c7 c9; on time c1 c3 c4 c9; early c3
# c4; 即办 c1 (same day) c2 (next day); deemed c7; c3 had two 补正 rounds; overdue c2 (1 WD),
# c5 (open: 03-06 → 03-31, 17 WD), c6 (open at the month's end: 2 WD), c7 (minutes: 1 WD).
MSA = {"accepted": 6, "concluded": 6, "instant_rate": [1, 2], "on_time_rate": [4, 6],
       "early_rate": [2, 6], "deemed": 1, "two_visits_rate": [5, 6], "overdue": 4,
       "overdue_days": 21, "overdue_days_max": 17}
NRP = {"accepted": 4, "concluded": 3, "instant_rate": [0, 0], "on_time_rate": [3, 3],
       "early_rate": [2, 3], "deemed": 0, "two_visits_rate": [3, 3]}
CUL = {"accepted": 1, "concluded": 1, "on_time_rate": [1, 1], "early_rate": [1, 1]}
HRS = {"accepted": 2, "concluded": 2, "on_time_rate": [1, 2], "early_rate": [1, 2],
       "two_visits_rate": [2, 2], "overdue": 1, "overdue_days": 1, "overdue_days_max": 1}


@pytest.fixture
def month(session):
    with time_machine.travel(AFTER, tick=False):
        made = generate()
        yield made


def _rows(viewer, dimension):
    found = assessment_view.view(viewer, MONTH)
    return {row.key: row.values for row in found.rows[dimension]}


def _check(values: dict, expected: dict):
    assert {k: values.get(k, 0) for k in expected} == expected


def test_every_case_indicator_per_department(month):
    rows = _rows(user("supervisor"), "department")
    _check(rows[department("MSA").id], MSA)
    _check(rows[department("NRP").id], {**NRP, "overdue": 0})
    _check(rows[department("CUL").id], CUL)
    _check(rows[department("HRS").id], HRS)
    assert department("HCD").id in rows and rows[department("HCD").id].get("accepted", 0) == 0


def test_per_window_a_comprehensive_window_adds_its_units(month):
    rows = _rows(user("supervisor"), "window")
    _check(rows[window("01").id], MSA)
    _check(rows[window("02").id], {k: NRP[k] for k in ("accepted", "concluded", "early_rate")})
    _check(rows[window("06").id], {"accepted": 3, "concluded": 3, "on_time_rate": [2, 3],
                                   "early_rate": [2, 3], "overdue": 1})
    # a unit of the 综合窗口 reads only its own cases there (units read the live month)
    with time_machine.travel(MONTH_END, tick=False):
        hrs_rows = _rows(user("hrs_leader"), "window")  # HRS only
    assert list(hrs_rows) == [window("06").id]
    _check(hrs_rows[window("06").id], {"accepted": 2, "concluded": 2, "on_time_rate": [1, 2]})


def test_per_staff_member_who_received_the_case(month):
    rows = _rows(user("supervisor"), "staff")
    _check(rows[staff("clerk").id], {"accepted": 5, "concluded": 5, "on_time_rate": [3, 5],
                                     "early_rate": [1, 5], "overdue": 4, "overdue_days": 21})
    _check(rows[staff("msa_b").id], {"accepted": 1, "concluded": 1, "on_time_rate": [1, 1],
                                     "early_rate": [1, 1], "satisfaction": [0, 1],
                                     "bad_ratings": 1})
    _check(rows[staff("hrs_a").id], {"accepted": 2, "concluded": 2, "overdue": 1})
    _check(rows[staff("edu_a").id], {"accepted": 1, "early_rate": [1, 1]})
    _check(rows[staff("clerk").id], {"denials": 2, "denials_pending": 1,
                                     "denials_confirmed": 1, "satisfaction": [2, 2]})


def test_records_joint_denials_ratings_and_letters(month):
    rows = _rows(user("supervisor"), "department")
    msa, nrp, hcd = (department(c).id for c in ("MSA", "NRP", "HCD"))
    assert rows[hcd]["absent_default"] == 1
    assert rows[msa].get("absent_default", 0) == 0 and rows[nrp].get("absent_default", 0) == 0
    _check(rows[msa], {"denials": 2, "denials_pending": 1, "denials_confirmed": 1,
                       "denials_corrected": 0, "satisfaction": [2, 3], "bad_ratings": 1})
    _check(rows[nrp], {"denials": 1, "denials_corrected": 1, "satisfaction": [0, 1],
                       "bad_ratings": 1})
    # the ratings agree with the 好差评 page's own figures
    by_unit = {r.key: r for r in evaluation_figures.monthly(MONTH, "department")}
    assert rows[msa]["satisfaction"] == [by_unit[msa].satisfied, by_unit[msa].count]
    # 授权率: every power of the rate report as of 31 March, added up
    report = {r.department.id: r for r in authorization_rate.report(date(2026, 3, 31)).departments}
    cells = report[msa].cells.values()
    assert rows[msa]["authorization_rate"] == [sum(c.authorized for c in cells),
                                               sum(c.total for c in cells)]
    assert 0 < rows[msa]["authorization_rate"][1]


def test_the_center_total_and_the_ranking(month):
    found = assessment_view.view(user("supervisor"), MONTH)
    assert found.total.values["accepted"] == 6 + 4 + 1 + 2
    assert found.total.values["overdue_days_max"] == 17  # a largest value, not a sum
    ranking = [row.key for row in found.ranking("on_time_rate")][:4]
    assert ranking[:3] == sorted([department(c).id for c in ("NRP", "CUL")],
                                 key=lambda k: next(r.name for r in found.rows["department"]
                                                    if r.key == k)) + [department("MSA").id]


def test_a_unit_sees_its_own_rows_only(month):
    leader = user("leader")  # MSA's approving leader
    found = assessment_view.view(leader, MONTH)
    assert found.withheld  # a past month, not published: nothing for the units yet
    with time_machine.travel(MONTH_END, tick=False):
        found = assessment_view.view(leader, MONTH)  # the live month
        assert [r.key for r in found.rows["department"]] == [department("MSA").id]
        assert {r.key for r in found.rows["staff"]} == {staff("clerk").id, staff("msa_b").id}
        assert {c["department_id"] for c in found.overdue_cases} == {department("MSA").id}


def test_bad_and_future_months_are_refused(month):
    for bad, code in (("2026-13", "assessment_month_invalid"), ("march", "assessment_month_invalid"),
                      ("2026-05", "assessment_month_future")):
        with pytest.raises(InvalidInput) as refused:
            assessment.parse_month(bad)
        assert refused.value.code == code


def test_every_indicator_has_a_definition(session):
    assert set(CASE_INDICATORS) <= set(REGISTRY)
    assert all(str(i.definition) and str(i.label) for i in REGISTRY.values())
