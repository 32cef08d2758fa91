"""The committee tests' clock (a Monday in the demo's year) and NRP's 首席服务员."""
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.committee.committee_steps import grant_nrp_officer

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def officer(session):
    """NRP's 首席服务员 may accept, decide and deliver 临时用地审批 (NRP-004) and 乡村建设规划许可
    (NRP-001) himself."""
    return grant_nrp_officer("NRP-004", "NRP-001")
