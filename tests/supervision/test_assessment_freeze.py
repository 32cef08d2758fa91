"""A month is frozen at its end by the sweep, recomputed by a supervisor until published, and
never changed once published, whatever happens to its cases afterwards."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, db
from app.models.assessment import FROZEN, PUBLISHED
from app.services.supervision import assessment, assessment_view, sweep
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden
from tests.conftest import user
from tests.supervision.assessment_month import AFTER, MONTH, at, department, generate


@pytest.fixture
def month(session):
    with time_machine.travel(AFTER, tick=False):
        yield generate()


def _msa(viewer_name: str = "supervisor") -> dict:
    found = assessment_view.view(user(viewer_name), MONTH)
    return next(r.values for r in found.rows["department"] if r.key == department("MSA").id)


def _actions(action: str) -> list[dict]:
    return [e.detail for e in db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.action == action))]


def test_the_sweep_freezes_every_past_month_once(month):
    assert "freeze_assessment" in sweep.STEPS
    assert assessment.freeze_past_months(AFTER) == 3  # January (the first case) to March
    assert assessment.freeze_past_months(AFTER) == 0
    assert [r.month for r in assessment.stored_months()] == ["2026-01", "2026-02", MONTH]
    assert assessment.stored(MONTH).state == FROZEN
    assert len(_actions("assessment.frozen")) == 3


def test_a_frozen_month_is_unchanged_by_a_later_edit_until_recomputed(month):
    assessment.freeze_past_months(AFTER)
    before = _msa()
    month["c1"].concluded_at = at("03-05 10:00")  # now late, and the 即办件 not the same day
    db.session.flush()
    assert _msa() == before
    assert assessment.compute(MONTH, AFTER)["rows"] != assessment.stored(MONTH).figures["rows"]
    assessment.recompute(MONTH, user("supervisor"), Actor.of(user("supervisor")))
    after = _msa()
    assert after["on_time_rate"] == [3, 6] and after["instant_rate"] == [0, 2]
    assert assessment.stored(MONTH).recomputed == 1
    assert _actions("assessment.frozen")[-1] == {"month": MONTH, "recomputed": 1}


def test_a_published_month_never_changes(month):
    supervisor = user("supervisor")
    assessment.freeze_past_months(AFTER)
    with pytest.raises(Forbidden):
        assessment.publish(MONTH, user("leader"), Actor.of(user("leader")))
    assert assessment_view.view(user("leader"), MONTH).withheld
    row = assessment.publish(MONTH, supervisor, Actor.of(supervisor))
    assert row.state == PUBLISHED and row.bulletin_no == "效考〔2026〕3号"
    assert _actions("assessment.published") == [{"month": MONTH, "bulletin_no": "效考〔2026〕3号"}]
    published = _msa()
    month["c3"].concluded_at = at("03-20 10:00")
    month["c4"].supplements = []
    db.session.flush()
    for refused in (lambda: assessment.recompute(MONTH, supervisor, Actor.of(supervisor)),
                    lambda: assessment.publish(MONTH, supervisor, Actor.of(supervisor)),
                    lambda: assessment.freeze(MONTH, AFTER, Actor.system("t"))):
        with pytest.raises(Conflict) as err:
            refused()
        assert err.value.code == "assessment_published"
    assert assessment.freeze_past_months(AFTER) == 0
    assert _msa() == published
    # the unit now reads it, its own rows only
    found = assessment_view.view(user("leader"), MONTH)
    assert not found.withheld and [r.key for r in found.rows["department"]] == [
        department("MSA").id]
    assert _msa("leader") == published


def test_the_current_month_is_live_and_cannot_be_frozen(month):
    with pytest.raises(Conflict) as err:
        assessment.freeze("2026-04", AFTER, Actor.system("t"))
    assert err.value.code == "assessment_month_open"
    assert assessment_view.view(user("supervisor"), "2026-04").live
