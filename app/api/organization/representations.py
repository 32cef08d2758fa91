"""JSON shapes of the organization: centers, departments, windows, AB posts and staff.

Staff shapes carry no password hash (nor anything derived from one).
"""
from __future__ import annotations

from collections.abc import Mapping

from app.models import Center, Department, Post, User, Window


def center(c: Center) -> dict:
    return {"id": c.id, "code": c.code, "name": c.name, "level": c.level, "region": c.region,
            "address": c.address, "phone": c.phone, "complaintPhone": c.complaint_phone,
            "officeHours": c.office_hours, "reviewBody": c.review_body, "court": c.court,
            "parentId": c.parent_id}


def department(d: Department) -> dict:
    return {"id": d.id, "code": d.code, "name": d.name, "documentCode": d.document_code,
            "centerId": d.center_id, "active": d.active}


def person(u: User | None) -> dict | None:
    return {"id": u.id, "username": u.username, "displayName": u.display_name} if u else None


def post(p: Post, holders: Mapping[int, User]) -> dict:
    """`holders`: users by id, at least the post's A and B (organization.post_holders)."""
    return {"id": p.id, "windowId": p.window_id, "name": p.name,
            "aUserId": p.a_user_id, "bUserId": p.b_user_id,
            "a": person(holders.get(p.a_user_id)), "b": person(holders.get(p.b_user_id))}


def window(w: Window, holders: Mapping[int, User]) -> dict:
    return {"id": w.id, "centerId": w.center_id, "code": w.code, "name": w.name,
            "kind": w.kind, "active": w.active,
            "departments": [{"id": d.id, "code": d.code, "name": d.name} for d in w.departments],
            "posts": [post(p, holders) for p in w.posts]}


def staff(u: User, roles: list[dict], qualification: dict) -> dict:
    """`roles`: the user's roles with department codes (staff.role_list); `qualification`:
    their staff record (qualifications.as_json)."""
    return {"id": u.id, "username": u.username, "displayName": u.display_name,
            "email": u.email, "phone": u.phone, "active": u.active,
            "createdAt": u.created_at.isoformat() if u.created_at else None, "roles": roles,
            "qualification": qualification}
