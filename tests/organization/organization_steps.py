"""Building the organization a test needs through the API (centers, departments, staff)."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import AuditEvent, db
from tests.conftest import headers_for

PASSWORD = "correct horse"


def send(client, method: str, path: str, body: dict | None = None, who: str = "admin"):
    return client.open(path, method=method, json=body, headers=headers_for(who))


def created(client, path: str, body: dict) -> dict:
    response = send(client, "POST", path, body)
    assert response.status_code == 201, response.json
    return response.json


def make_center(client, code: str, level: str = "county", parent_id: int | None = None) -> dict:
    return created(client, "/api/centers", {"code": code, "name": f"中心{code}", "level": level,
                                            "parentId": parent_id})


def make_department(client, code: str, center_id: int) -> dict:
    return created(client, "/api/departments",
                   {"code": code, "name": f"部门{code}", "centerId": center_id})


# What the seeds ask of window staff (qualifications.py): established, 2 years in the
# department, law-enforcement qualification; long enough at the window to rotate out.
QUALIFIED = {"established": True, "departmentSince": "2015-09-01",
             "enforcementCertificate": "黔执法-0001", "windowSince": "2020-03-01"}


def make_staff(client, username: str, roles: list[tuple[str, str | None]],
               qualification: dict | None = QUALIFIED) -> dict:
    """A chief representative among established staff is of section rank (股级以上)."""
    if qualification and qualification.get("established") \
            and any(r == "chief_representative" for r, _ in roles):
        qualification = {"sectionRank": True, **qualification}
    return created(client, "/api/staff", {
        "username": username, "displayName": f"测试 {username}", "password": PASSWORD,
        "roles": [{"role": r, "department": d} for r, d in roles],
        **({"qualification": qualification} if qualification is not None else {})})


def audit_events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def a_center_with_departments(client, *codes: str) -> tuple[dict, list[dict]]:
    center = make_center(client, f"C{codes[0]}")
    return center, [make_department(client, code, center["id"]) for code in codes]
