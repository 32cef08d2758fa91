"""Helpers for the 案卷抽查 and 值班 tests: cases concluded at a chosen moment (no process run:
the sample only reads concluded_at and the item's unit), and the forms' tokens."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.models import Case, Department, Item, ProcessDefinition, ProcessInstance, db
from tests.conftest import headers_for

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


def unit(code: str) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.code == code))


def concluded_cases(item_code: str, when: datetime, count: int) -> list[Case]:
    item = db.session.scalar(sa.select(Item).where(Item.code == item_code,
                                                   Item.superseded_at.is_(None)))
    definition = db.session.scalar(sa.select(ProcessDefinition.id).limit(1))
    made = []
    for _ in range(count):
        instance = ProcessInstance(definition_id=definition)
        db.session.add(instance)
        db.session.flush()
        case = Case(instance_id=instance.id, item_id=item.id, applicant_name="张三",
                    case_no=f"T-{instance.id}", status_code=11, decision="approve",
                    received_at=when, accepted_at=when, concluded_at=when)
        db.session.add(case)
        made.append(case)
    db.session.flush()
    return made


def post(client, url: str, username: str, **form):
    """A page's form posted as `username` (the sign-in page's token serves every form)."""
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    return client.post(url, headers=headers_for(username), data={"csrf_token": token, **form})
