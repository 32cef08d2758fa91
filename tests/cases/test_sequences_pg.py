"""Eight transactions take the next number of one new key at the same moment (the key's row
missing, so each would insert it): each gets its own number, 1 to 8, none twice, none lost."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app.models import CaseCounter, db
from app.services import sequences
from tests.concurrency import committed_app
from tests.conftest import require_service

KEY = {"center_code": "SEQ-TEST", "day": "20261207"}


@pytest.mark.postgres
def test_concurrent_takers_of_a_new_key_get_distinct_consecutive_numbers(app, tmp_path):
    committed = committed_app(require_service("TEST_DATABASE_URL"), tmp_path)
    barrier, taken, failures = threading.Barrier(8), [], []

    def take() -> None:
        with committed.app_context():
            try:
                barrier.wait(timeout=30)
                number = sequences.next_value(CaseCounter, **KEY)
                db.session.commit()
                taken.append(number)
            except Exception as err:  # reported by the assertion below
                failures.append(f"{type(err).__name__}: {err}")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert not failures and sorted(taken) == list(range(1, 9))
        with committed.app_context():
            assert db.session.get(CaseCounter, (KEY["center_code"], KEY["day"])).last == 8
    finally:
        with committed.app_context():
            db.session.execute(sa.delete(CaseCounter).where(
                CaseCounter.center_code == KEY["center_code"]))
            db.session.commit()
