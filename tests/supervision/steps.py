"""Helpers for the 违规登记 and 问责 tests: the supervisors' forms, posted as a person would."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import Department, Notification, Violation, db
from tests.conftest import headers_for
from tests.evaluation.steps import csrf


def post(client, username: str, path: str, **data):
    return client.post(path, data={"csrf_token": csrf(client, "/login"), **data},
                       headers=headers_for(username))


def unit(code: str) -> Department:
    return db.session.scalar(sa.select(Department).where(Department.code == code))


def record(client, code: str = "MSA", *, staff=None, kind: str = "four_bans",
           occurred_on: str, description: str = "上班时间玩游戏", username: str = "supervisor"):
    return post(client, username, "/supervision/violations", department_id=str(unit(code).id),
                staff_id=str(staff.id) if staff else "", kind=kind, occurred_on=occurred_on,
                description=description)


def violations_of(code: str) -> list[Violation]:
    return list(db.session.scalars(sa.select(Violation).where(
        Violation.department_id == unit(code).id).order_by(Violation.id)))


def reported(kind: str = "violation.recorded") -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(
        Notification.kind == kind, Notification.channel == "in_app")))
