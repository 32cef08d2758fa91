"""The authorization rate (授权率) on catalogs with known answers (seed 003 targets)."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from app.models.catalog import INSTANT, LICENSING, PROMISE, PUBLIC_SERVICE
from app.models.identity import CHIEF_REPRESENTATIVE
from app.services import calendar
from app.services.authorization import letters
from app.services.authorization import rate as authorization_rate
from app.services.authorization.rate import Cell
from tests.authorization.test_letters import (admin, letter_fields, make_department, make_item,
                                              make_user)
from tests.conftest import headers_for

ALL = [f"R{n:02d}" for n in range(1, 11)]
CATALOG = {  # code: (kind, category); 4 instant and 6 promise, 5 licensing and 5 public service
    "R01": (INSTANT, LICENSING), "R02": (INSTANT, LICENSING),
    "R03": (INSTANT, PUBLIC_SERVICE), "R04": (INSTANT, PUBLIC_SERVICE),
    "R05": (PROMISE, LICENSING), "R06": (PROMISE, LICENSING), "R07": (PROMISE, LICENSING),
    "R08": (PROMISE, PUBLIC_SERVICE), "R09": (PROMISE, PUBLIC_SERVICE),
    "R10": (PROMISE, PUBLIC_SERVICE),
}
GRANTS = {  # power: items granted
    "acceptance": ALL,
    "approval": ["R01", "R02", "R03", "R05", "R06"],  # 3 of 4 instant, 4 of 5 licensing
    "coordination": ALL[:9],  # every instant item (not counted) and 5 of the 6 promise items
    "certificate": ALL[:7],
    "delivery": ALL[:9],
    "litigation": ALL,
}
EXPECTED = {  # key: (authorized, total, rate, meets target)
    "acceptance": (10, 10, Decimal("100.0"), True),
    "instant_review": (3, 4, Decimal("75.0"), False),
    "coordination": (5, 6, Decimal("83.3"), False),  # 承诺件的协调处置权: promise items only
    "delivery": (9, 10, Decimal("90.0"), False),
    "litigation": (10, 10, Decimal("100.0"), True),
    "certificate": (7, 10, Decimal("70.0"), False),  # below 80%
    "licensing_review": (4, 5, Decimal("80.0"), True),  # exactly the 80% target
    "public_service_review": (1, 5, Decimal("20.0"), False),
}
TODAY_OFFSET = timedelta(days=20)


def _by_power(grants: dict[str, list[str]]) -> dict[str, list[str]]:
    """{power: codes} -> {code: powers}, the shape a letter lists."""
    per_item: dict[str, list[str]] = {}
    for power, codes in grants.items():
        for code in codes:
            per_item.setdefault(code, []).append(power)
    return per_item


def _department_with_letter(code: str, catalog: dict, grants: dict):
    department = make_department(code)
    for item_code, (kind, category) in catalog.items():
        make_item(department, f"{code}-{item_code}", kind, category)
    chief = make_user(f"{code.lower()}_chief", CHIEF_REPRESENTATIVE, department)
    today = calendar.today()
    per_item = {f"{code}-{c}": powers for c, powers in _by_power(grants).items()}
    letter = letters.issue(letter_fields(
        department, chief, per_item, number=f"{code}-授权", start=today - TODAY_OFFSET,
        end=today + TODAY_OFFSET), admin())
    return department, letter


def _row(report, department):
    return next(row for row in report.departments if row.department.id == department.id)


@pytest.fixture
def rated(session):
    return _department_with_letter("RA", CATALOG, GRANTS)


def test_every_rate_of_a_known_catalog(rated):
    department, letter = rated
    row = _row(authorization_rate.report(), department)
    assert row.letter == letter
    found = {key: (c.authorized, c.total, c.rate, c.meets_target) for key, c in row.cells.items()}
    assert found == EXPECTED
    assert row.below_target == ["instant_review", "coordination", "delivery", "certificate",
                                "public_service_review"]
    assert row.cells["certificate"].target == Decimal(80)


def test_a_power_without_items_in_scope_is_not_applicable(session):
    promise_licensing = {"R05": (PROMISE, LICENSING), "R06": (PROMISE, LICENSING),
                         "R07": (PROMISE, LICENSING)}
    department, _ = _department_with_letter(
        "RB", promise_licensing, {"acceptance": ["R05", "R06", "R07"],
                                  "approval": ["R05", "R06"]})
    row = _row(authorization_rate.report(), department)
    for key in ("instant_review", "public_service_review"):
        cell = row.cells[key]
        assert (cell.total, cell.rate, cell.meets_target) == (0, None, None)
        assert key not in row.below_target
    licensing = row.cells["licensing_review"]
    assert (licensing.rate, licensing.meets_target) == (Decimal("66.7"), False)
    assert row.cells["acceptance"].rate == Decimal("100.0")


def test_a_department_without_a_valid_letter_is_at_zero(rated):
    department, _ = rated
    bare = make_department("RC")
    make_item(bare, "RC-R01", INSTANT, PUBLIC_SERVICE)
    report = authorization_rate.report()
    row = _row(report, bare)
    assert row.letter is None
    assert {key: cell.rate for key, cell in row.cells.items()} == {
        "acceptance": Decimal("0.0"), "instant_review": Decimal("0.0"),
        "coordination": None, "delivery": Decimal("0.0"),
        "litigation": Decimal("0.0"), "certificate": Decimal("0.0"),
        "licensing_review": None, "public_service_review": Decimal("0.0")}
    assert "licensing_review" not in row.below_target and len(row.below_target) == 6
    before_the_letter = calendar.today() - TODAY_OFFSET - timedelta(days=1)
    earlier = _row(authorization_rate.report(before_the_letter), department)
    assert earlier.letter is None and earlier.cells["acceptance"].rate == Decimal("0.0")


def test_the_center_total_sums_the_departments(rated):
    report = authorization_rate.report()
    for key, total in report.center.items():
        assert total.authorized == sum(row.cells[key].authorized for row in report.departments)
        assert total.total == sum(row.cells[key].total for row in report.departments)
        assert total.target == authorization_rate.TARGETS[key].target


def test_targets_are_compared_exactly_not_after_rounding():
    just_short = Cell(1599, 2000, Decimal(80))  # 79.95%, shown as 80.0
    assert just_short.rate == Decimal("80.0") and just_short.meets_target is False
    assert Cell(0, 0, Decimal(100)).rate is None


def test_report_through_the_api_and_the_page(client, rated):
    department, letter = rated
    on = calendar.today().isoformat()
    response = client.get(f"/api/reports/authorization-rate?on={on}", headers=headers_for("clerk"))
    assert response.status_code == 200 and response.json["on"] == on
    row = next(r for r in response.json["departments"] if r["departmentId"] == department.id)
    assert row["letterNumber"] == letter.number
    assert row["cells"]["instant_review"] == {"authorized": 3, "total": 4, "rate": 75.0,
                                              "target": 100.0, "meetsTarget": False}
    assert row["belowTarget"] == ["instant_review", "coordination", "delivery", "certificate",
                                  "public_service_review"]
    bad = client.get("/api/reports/authorization-rate?on=tomorrow", headers=headers_for("clerk"))
    assert bad.status_code == 400
    page = client.get(f"/admin/reports/authorization-rate?on={on}", headers=headers_for("admin"))
    assert page.status_code == 200
    text = " ".join(page.text.split())
    assert '<td class="below-target">3/4 = 75.0% <span>未达标</span></td>' in text
    assert "<td>4/5 = 80.0%</td>" in text  # met: no marker
