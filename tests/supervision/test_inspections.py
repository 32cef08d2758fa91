"""案卷抽查: a reproducible monthly sample per unit, drawn once, assigned to supervisors."""
from __future__ import annotations

import random

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, CaseCheck, CheckRound, db
from app.services.supervision import inspections, sweep
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput
from tests.conftest import headers_for, user
from tests.evaluation.steps import concluded_case
from tests.supervision.inspection_steps import concluded_cases, local, post, unit

DECEMBER = local(2026, 12, 2)


@pytest.fixture
def november(session):
    """Seven MSA cases and two NRP cases concluded in November 2026, one MSA in October."""
    with time_machine.travel(DECEMBER, tick=False):
        msa = concluded_cases("MSA-001", local(2026, 11, 10), 7)
        nrp = concluded_cases("NRP-003", local(2026, 11, 30, 23), 2)
        concluded_cases("MSA-001", local(2026, 10, 31, 23), 1)
        yield msa, nrp


def _draw(month="2026-11", who="supervisor"):
    return inspections.draw(month, Actor.of(user(who)))


def _sampled(row: CheckRound, department_id: int) -> list[int]:
    return sorted(c.case_id for c in row.checks if c.department_id == department_id)


def test_the_sample_is_drawn_again_from_the_record_with_its_seed(november):
    msa_cases, nrp_cases = november
    msa, nrp = unit("MSA").id, unit("NRP").id
    row = _draw()
    assert row.population == {str(msa): sorted(c.id for c in msa_cases),
                              str(nrp): sorted(c.id for c in nrp_cases)}
    assert len(_sampled(row, msa)) == 3  # CASE_CHECK_SAMPLE_SIZE
    shuffled = list(row.population[str(msa)])
    random.Random(7).shuffle(shuffled)
    assert inspections.draw_sample(row.seed, msa, shuffled, 3) == _sampled(row, msa)
    others = {tuple(inspections.draw_sample(f"other-{n}", msa, shuffled, 3)) for n in range(8)}
    assert len(others) > 1  # the seed decides, not the population alone


def test_a_unit_with_fewer_cases_than_the_size_gives_all_of_them(november):
    _, nrp_cases = november
    row = _draw()
    assert _sampled(row, unit("NRP").id) == sorted(c.id for c in nrp_cases)
    assert all(c.department_id != unit("HRS").id for c in row.checks)  # nothing concluded


def test_the_size_follows_the_settings(app, november, monkeypatch):
    monkeypatch.setitem(app.config, "CASE_CHECK_SAMPLE_SIZE", 2)
    monkeypatch.setitem(app.config, "CASE_CHECK_SAMPLE_PERCENT", 50)
    row = _draw()
    assert len(_sampled(row, unit("MSA").id)) == 4  # 50 % of 7, rounded up, over the minimum 2
    assert len(_sampled(row, unit("NRP").id)) == 2
    assert (row.sample_size, row.sample_percent) == (2, 50)
    assert inspections.sample_size(40, 3, 0) == 3 and inspections.sample_size(1, 3, 10) == 1


def test_the_recorded_sample_keeps_when_a_case_is_concluded_later(november):
    row = _draw()
    before = (dict(row.population), [c.case_id for c in row.checks])
    with time_machine.travel(DECEMBER, tick=False):
        concluded_cases("MSA-001", local(2026, 11, 20), 3)  # entered late, backdated
    db.session.expire_all()
    again = inspections.round_of("2026-11")
    assert (again.population, [c.case_id for c in again.checks]) == before
    with pytest.raises(Conflict):
        _draw()


def test_each_check_goes_to_a_supervisor_and_the_draw_is_audited(november):
    row = _draw()
    assert {c.checker_id for c in row.checks} == {user("supervisor").id}
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "case_check.round_drawn"))
    assert event.detail["seed"] == row.seed and event.actor == "supervisor"


def test_only_a_supervisor_draws_and_only_a_month_that_is_over(november):
    with pytest.raises(Forbidden):
        _draw(who="leader")
    with time_machine.travel(DECEMBER, tick=False):
        with pytest.raises(InvalidInput) as refused:
            _draw("2026-12")
        assert refused.value.code == "check_month_open"
    with pytest.raises(InvalidInput):
        _draw("2026-13")


def test_the_sweep_draws_last_month_once(november):
    with time_machine.travel(local(2026, 12, 1, 0), tick=False):
        first = sweep.run()
        second = sweep.run()
    assert first["draw_case_checks"] == 5 and second["draw_case_checks"] == 0
    row = inspections.round_of("2026-11")
    assert row.drawn_by is None
    assert db.session.scalar(sa.select(sa.func.count(CheckRound.id))) == 1
    with time_machine.travel(local(2027, 1, 1, 8), tick=False):
        assert sweep.run()["draw_case_checks"] == 0  # December: nothing concluded, still a round
    assert inspections.round_of("2026-12") is not None
    assert db.session.scalar(sa.select(sa.func.count(CaseCheck.id))) == 5


def test_the_page_shows_the_seed_and_the_population(client, november):
    with time_machine.travel(DECEMBER, tick=False):
        response = post(client, "/supervision/checks/draw", "supervisor", month="2026-11")
        assert response.status_code == 303
        page = client.get("/supervision/checks", headers=headers_for("supervisor"))
    row = inspections.round_of("2026-11")
    assert row.seed in page.text and "县市场监督管理局" in page.text
    assert "<td>7</td>" in page.text and "<td>2</td>" in page.text
    assert 'data-confirm=' in page.text


def test_a_bad_draw_is_a_4xx_naming_the_month(client, november):
    with time_machine.travel(DECEMBER, tick=False):
        for month in ("2026-13", "", "2026-12"):
            response = post(client, "/supervision/checks/draw", "supervisor", month=month)
            assert response.status_code == 400, month
            assert 'aria-invalid="true"' in response.text
        refused = post(client, "/supervision/checks/draw", "leader", month="2026-11")
        assert refused.status_code == 403
    assert inspections.round_of("2026-11") is None
    assert client.get("/supervision/checks/999999",
                      headers=headers_for("supervisor")).status_code == 404


def test_a_draw_racing_another_is_refused_not_a_500(november, monkeypatch):
    first = _draw()
    monkeypatch.setattr(inspections, "round_of", lambda month: None)  # as if not seen yet
    with pytest.raises(Conflict) as refused:
        _draw()
    assert refused.value.code == "check_round_exists"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckRound.id))) == 1
    assert first.month == "2026-11"


def test_a_case_run_to_its_conclusion_is_in_its_months_population(client, session):
    with time_machine.travel(local(2026, 11, 10, 10), tick=True):
        case = concluded_case(client)
    with time_machine.travel(DECEMBER, tick=False):
        row = _draw()
    assert row.population == {str(unit("MSA").id): [case.id]}
    assert [(c.case_id, c.department_id) for c in row.checks] == [(case.id, unit("MSA").id)]


@pytest.mark.parametrize("path", ["/supervision/checks/{x}", "/supervision/checks?month={x}",
                                  "/supervision/duty?month={x}",
                                  "/supervision/duty/notice?month={x}"])
@pytest.mark.parametrize("value", ["99999999999999999999", "4294967296", "-1", "%00", "abc",
                                   "x" * 3000])
def test_a_strange_value_in_a_url_is_a_4xx(client, session, path, value):
    response = client.get(path.format(x=value), headers=headers_for("supervisor"))
    assert response.status_code < 500, response.text[:300]


@pytest.mark.parametrize("path", ["/supervision/checks/{x}/checklist",
                                  "/supervision/checks/{x}/checker",
                                  "/supervision/findings/{x}/answer",
                                  "/supervision/duty/{x}/check-in",
                                  "/supervision/duty/{x}/cancel"])
def test_a_post_to_a_missing_id_is_a_4xx(client, session, path):
    assert post(client, path.format(x="999999"), "supervisor").status_code == 404
    beyond = post(client, path.format(x="99999999999999999999"), "supervisor")
    assert beyond.status_code == 400  # id_out_of_range (app.http_inputs)
