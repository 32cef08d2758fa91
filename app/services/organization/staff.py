"""Administering staff: accounts, profiles, roles within departments, activation, passwords.

Writes need a center administrator and are audited; a password or its hash never leaves
this module (audit entries say only that a password was set).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

import sqlalchemy as sa

from app.models import Department, Membership, User, db
from app.models.identity import (CENTER_ADMIN, CENTER_COORDINATOR, COUNTY_APPROVER,
                                 DEPARTMENT_DUTIES, DEPARTMENT_ROLES, PROCESS_DESIGNER, ROLES)
from app.services import organization
from app.services.organization import qualifications
from app.services.organization.checks import (Problems, Text, apply_changes, audit_changes,
                                              clean_texts, commit, department_named, flag,
                                              get_or_404, record_created, refuse_taken)
from app.services.workflow import audit, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput

MIN_PASSWORD_LENGTH = 8
CENTER_ROLES = (CENTER_ADMIN, CENTER_COORDINATOR, PROCESS_DESIGNER, COUNTY_APPROVER)  # never tied to a department
# Usernames are typed at sign-in and appear in audit trails: keep them plain ASCII.
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"[0-9+() -]{3,32}")

PROFILE_TEXT = {"displayName": Text("display_name", 120, required=True),
                "email": Text("email", 200, nullable=True),
                "phone": Text("phone", 32, nullable=True)}
STAFF_TEXT = {"username": Text("username", 64, required=True), **PROFILE_TEXT}


# --- reading -------------------------------------------------------------------------------

def list_staff(actor: Actor, *, department: str | int | None = None, role: str | None = None,
               active: bool | None = None) -> list[User]:
    """Staff, optionally only those holding `role` and/or a role in `department` (code)."""
    permissions.require_admin(actor)
    query = sa.select(User).order_by(User.username)
    if active is not None:
        query = query.where(User.active.is_(active))
    if role is not None:
        query = query.where(User.memberships.any(Membership.role == role))
    if department is not None:
        found = department_named(department)
        if found is None:
            raise InvalidInput(f"no department {department!r}", code="invalid_filter",
                               errors=[{"field": "department", "message": "no such department"}])
        query = query.where(User.memberships.any(Membership.department_id == found.id))
    return list(db.session.scalars(query))


def get_staff(user_id: int, actor: Actor) -> User:
    """A staff member; administrators see everyone, anybody else only themself."""
    if actor.user is not None and actor.user_id != user_id:
        permissions.require_admin(actor)
    return get_or_404(User, user_id, "staff")


def department_codes() -> dict[int, str]:
    return dict(db.session.execute(sa.select(Department.id, Department.code)).all())


def role_list(user: User, codes: Mapping[int, str] | None = None) -> list[dict]:
    """The user's roles as [{"role", "department": code or None}], in a stable order."""
    codes = department_codes() if codes is None else codes
    roles = [{"role": m.role, "department": codes.get(m.department_id)}
             for m in user.memberships]
    return sorted(roles, key=lambda r: (ROLES.index(r["role"]) if r["role"] in ROLES
                                        else len(ROLES), r["department"] or ""))


# --- writing -------------------------------------------------------------------------------

def create_staff(data: Mapping, actor: Actor) -> User:
    permissions.require_admin(actor)
    problems = Problems()
    values = clean_texts(data, STAFF_TEXT, problems, partial=False)
    _check_formats(values, problems)
    password = _checked_password(data.get("password"), problems)
    roles = _checked_roles(data.get("roles", []), problems)
    record = qualifications.checked_fields(data.get("qualification"), problems)
    problems.raise_if_any("invalid_staff", "staff member")
    refuse_taken(User, User.username, values["username"], None, code="username_taken",
                 what="username")
    pairs = {(r, d.id if d else None) for r, d in roles}
    approved = qualifications.check_role_change(
        values["username"], qualifications.preview(None, record), set(), pairs,
        data.get("exceptionReason"))
    user = User(active=True, **values)
    user.set_password(password)
    user.memberships = [Membership(role=r, department_id=d.id if d else None) for r, d in roles]
    db.session.add(user)
    db.session.flush()
    if record:
        qualifications.apply_fields(user, record)
    return record_created(user, actor, "staff", "username_taken", username=user.username,
                          roles=role_list(user), **_approval(approved))


def update_profile(user_id: int, data: Mapping, actor: Actor) -> User:
    """Edit display name, e-mail, phone; `active` deactivates or reactivates the account."""
    permissions.require_admin(actor)
    user = get_or_404(User, user_id, "staff")
    problems = Problems()
    values = clean_texts(data, PROFILE_TEXT, problems, partial=True)
    _check_formats(values, problems)
    if data.get("username", user.username) != user.username:
        problems.add("username", "a username cannot change; create a new account instead")
    active = flag(data, "active", problems)
    if active is False and user.active:
        _check_may_deactivate(user, actor, problems)
    if active is not None:
        values["active"] = active
    problems.raise_if_any("invalid_staff", "staff member")
    return audit_changes(user, apply_changes(user, values), actor, "staff", "staff_conflict")


def deactivate(user_id: int, actor: Actor) -> User:
    return update_profile(user_id, {"active": False}, actor)


def reactivate(user_id: int, actor: Actor) -> User:
    return update_profile(user_id, {"active": True}, actor)


def replace_roles(user_id: int, roles, actor: Actor, exception_reason=None) -> User:
    """Give the user exactly these roles; the audit entry keeps the roles before and after,
    and the center's approval where the seeds' rules for window staff are not met."""
    user = set_roles(user_id, roles, actor, exception_reason)
    commit("staff_conflict")
    return user


def set_roles(user_id: int, roles, actor: Actor, exception_reason=None) -> User:
    """replace_roles without committing: the caller's transaction (an appointment) commits."""
    permissions.require_admin(actor)
    user = get_or_404(User, user_id, "staff")
    problems = Problems()
    wanted = _checked_roles(roles, problems)
    pairs = [(role, d.id if d else None) for role, d in wanted]
    _check_roles_keep_duties(user, pairs, actor, problems)
    problems.raise_if_any("invalid_roles", "list of roles")
    approved = qualifications.check_role_change(
        user.username, qualifications.record_of(user.id),
        {(m.role, m.department_id) for m in user.memberships}, set(pairs), exception_reason)
    before = role_list(user)
    # Keep the rows of roles that stay: deleting and re-inserting the same (role, department)
    # in one flush could hit the unique constraint, as inserts are flushed before deletes.
    kept = {(m.role, m.department_id): m for m in user.memberships}
    user.memberships = [kept.get(p) or Membership(role=p[0], department_id=p[1]) for p in pairs]
    audit.record(actor, "staff.roles_replaced", staff_id=user.id, before=before,
                 after=role_list(user), **_approval(approved))
    return user


def reset_password(user_id: int, password, actor: Actor) -> User:
    """Set a new password; the user's API tokens stop working (auth ties them to the hash)."""
    permissions.require_admin(actor)
    user = get_or_404(User, user_id, "staff")
    problems = Problems()
    checked = _checked_password(password, problems)
    problems.raise_if_any("invalid_password", "password")
    user.set_password(checked)
    audit.record(actor, "staff.password_reset", staff_id=user.id)
    commit("staff_conflict")
    return user


def _approval(approved: dict | None) -> dict:
    """The center's approval of what the rules for window staff do not allow, audited."""
    return {"center_approval": approved} if approved else {}


# --- checks --------------------------------------------------------------------------------

def _check_formats(values: Mapping, problems: Problems) -> None:
    for field, attr, pattern, message in (
            ("username", "username", USERNAME, "letters, digits, '.', '_' or '-'"),
            ("email", "email", EMAIL, "not an e-mail address"),
            ("phone", "phone", PHONE, "digits, spaces, '+', '-', '(' or ')'")):
        if values.get(attr) and not pattern.fullmatch(values[attr]):
            problems.add(field, message)


def _checked_password(password, problems: Problems) -> str | None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        problems.add("password", f"at least {MIN_PASSWORD_LENGTH} characters")
        return None
    return password


def _checked_roles(roles, problems: Problems) -> list[tuple[str, Department | None]]:
    if not isinstance(roles, list):
        problems.add("roles", "a list of {role, department}")
        return []
    checked = []
    for index, entry in enumerate(roles):
        role = _checked_role(entry, f"roles[{index}]", problems)
        if role is None:
            continue
        if role in checked:
            problems.add(f"roles[{index}]", "listed twice")
        else:
            checked.append(role)
    return checked


def _checked_role(entry, where: str, problems: Problems) -> tuple | None:
    """(role, department or None) if the entry is sound; otherwise None, its problems noted."""
    if not isinstance(entry, Mapping):
        problems.add(where, "an object {role, department}")
        return None
    role, name = entry.get("role"), entry.get("department")
    named = name not in (None, "")
    department = department_named(name) if named else None
    problems_before = len(problems)
    if role not in ROLES:
        problems.add(f"{where}.role", f"must be one of {', '.join(ROLES)}")
    if named and (department is None or not department.active):
        problems.add(f"{where}.department", f"no active department {name!r}")
    elif role in (*DEPARTMENT_ROLES, *DEPARTMENT_DUTIES) and not named:
        problems.add(f"{where}.department", f"{role} is held within a department")
    elif role in CENTER_ROLES and named:
        problems.add(f"{where}.department", f"{role} is held center-wide, without a department")
    return (role, department) if len(problems) == problems_before else None


def _check_may_deactivate(user: User, actor: Actor, problems: Problems) -> None:
    if user.id == actor.user_id:
        problems.add("active", "you cannot deactivate yourself")
    posts = organization.list_posts(user_id=user.id)
    if posts:
        names = ", ".join(repr(p.name) for p in posts)
        problems.add("active", f"holds AB post(s) {names}; give them to someone else first")


def _check_roles_keep_duties(user: User, pairs: list, actor: Actor, problems: Problems) -> None:
    """Administrators keep their own admin role (no lock-out); post holders keep a window role."""
    if user.id == actor.user_id and (CENTER_ADMIN, None) not in pairs and user.is_admin:
        problems.add("roles", "you cannot remove your own center administrator role")
    for post in organization.list_posts(user_id=user.id):
        served = {d.id for d in post.window.departments}
        if not organization.holds_window_role(pairs, served):
            problems.add("roles", f"holds AB post {post.name!r} at window {post.window.code}, "
                                  "which needs a window role in a department it serves")

