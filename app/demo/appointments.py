"""The demo's 任命书 (seed 000 三): every department's chief representative appointed before
the letters name them; EDU's former chief's appointment ended on the day the new one was
appointed (另行委派), as its letter was replaced."""
from __future__ import annotations

from datetime import date

from app.models import AppointmentLetter, Department, User, db
from app.models.appointment import APPOINTED, ENDED

APPOINTED_ON, FILED_ON = date(2021, 2, 20), date(2021, 2, 26)
DUTIES = ("负责本部门进驻县政务服务中心行政审批服务事项的受理、办理、办结和协调催办等工作的管理；"
          "行使受理决定权、协调催办权、一般行政审批服务事项的审批办理决定权和集体决策事项的审批办理"
          "建议权；负责进驻工作人员的日常管理和考核、行政审批专用章的使用和管理，以及本部门与中心的"
          "联络协调工作。")


def add(chiefs: dict[str, User], departments: dict[str, Department], former: tuple[str, User],
        reason: str, replaced_on: date) -> None:
    """`chiefs`: department code -> its chief; `former`: (code, the chief appointed before
    the one in `chiefs`, replaced on `replaced_on` for `reason`)."""
    code, before = former
    db.session.add(_appointment(f"{code}任〔2021〕1号", departments[code], before, APPOINTED_ON,
                                FILED_ON, status=ENDED, ended_on=replaced_on, end_reason=reason))
    for code, chief in chiefs.items():
        start = replaced_on if code == former[0] else APPOINTED_ON
        db.session.add(_appointment(
            f"{code}任〔{start.year}〕{2 if code == former[0] else 1}号", departments[code],
            chief, start, max(start, FILED_ON)))


def _appointment(number: str, department: Department, appointee: User, issued_on: date,
                 filed_on: date, **ended) -> AppointmentLetter:
    return AppointmentLetter(number=number, department_id=department.id,
                             appointee_id=appointee.id, issuer=f"{department.name}局长",
                             duties=DUTIES, issued_on=issued_on, filed_on=filed_on,
                             **{"status": APPOINTED, "end_reason": "", **ended})
