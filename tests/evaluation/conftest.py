"""The 好差评 tests run on a Monday of 2026 (the demo's letters cover that year)."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller
