"""Administering the organization: centers, departments, windows (独立/综合) and AB posts.

Every write needs a center administrator, is audited and commits at its end. Input is a dict
keyed as the JSON API spells its fields; every problem is reported at once (organization.checks).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import sqlalchemy as sa
from flask import current_app

from app.models import Center, Department, Post, User, Window, db
from app.models.identity import CHIEF_REPRESENTATIVE, WINDOW_CLERK
from app.models.organization import (CENTER_LEVELS, CITY, COMPREHENSIVE, COUNTY, INDEPENDENT,
                                     PROVINCE, WINDOW_KINDS, window_department)
from app.services.organization.checks import (Problems, Text, apply_changes, audit_changes, choice,
                                              clean_texts, department_named, flag, get_or_404,
                                              record_created, refuse_taken, set_reference)
from app.services.workflow import audit, permissions
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict

# A center reports to the center one administrative level up (县 -> 市 -> 省).
PARENT_LEVEL = {COUNTY: CITY, CITY: PROVINCE, PROVINCE: None}
# Roles that let someone staff a window post for a department.
WINDOW_ROLES = (WINDOW_CLERK, CHIEF_REPRESENTATIVE)

CENTER_TEXT = {
    "code": Text("code", 32, required=True), "name": Text("name", 120, required=True),
    "region": Text("region", 120), "address": Text("address", 200),
    "phone": Text("phone", 40), "complaintPhone": Text("complaint_phone", 40),
    "officeHours": Text("office_hours", 200),  # then the bodies a refusal's remedy rights name
    "reviewBody": Text("review_body", 120), "court": Text("court", 120),
}
# A window is a code (the number over the counter) and a name; a department has its 机关代字 too.
WINDOW_TEXT = {"code": Text("code", 32, required=True), "name": Text("name", 120, required=True)}
DEPARTMENT_TEXT = {**WINDOW_TEXT, "documentCode": Text("document_code", 20)}
POST_TEXT = {"name": Text("name", 120, required=True)}


# --- centers -------------------------------------------------------------------------------

def list_centers() -> list[Center]:
    return list(db.session.scalars(sa.select(Center).order_by(Center.code)))


def home_center() -> Center | None:
    """This deployment's own center (CENTER_CODE); others it serves are linked levels."""
    return db.session.scalar(sa.select(Center).where(
        Center.code == current_app.config["CENTER_CODE"]))


def get_center(center_id: int) -> Center:
    return get_or_404(Center, center_id, "center")


def create_center(data: Mapping, actor: Actor) -> Center:
    permissions.require_admin(actor)
    center = Center()
    return _save_coded(center, _center_values(data, center, partial=False), actor, "center")


def update_center(center_id: int, data: Mapping, actor: Actor) -> Center:
    permissions.require_admin(actor)
    center = get_center(center_id)
    return _save_coded(center, _center_values(data, center, partial=True), actor, "center")


def _save_coded(row: Center | Department, values: dict, actor: Actor, subject: str):
    """Insert or update a center or department, whose codes are unique."""
    taken = f"{subject}_code_taken"
    if "code" in values:
        refuse_taken(type(row), type(row).code, values["code"], row.id, code=taken,
                     what=f"{subject} code")
    changes = apply_changes(row, values)
    if row.id is None:
        return record_created(row, actor, subject, taken, code=row.code)
    return audit_changes(row, changes, actor, subject, taken)


def _center_values(data: Mapping, center: Center, *, partial: bool) -> dict:
    problems = Problems()
    values = clean_texts(data, CENTER_TEXT, problems, partial=partial)
    level = choice(data, "level", CENTER_LEVELS, problems, required=not partial)
    if level:
        values["level"] = level
    set_reference(values, "parent_id", Center, data, "parentId", problems, what="center",
                  partial=True, nullable=True)
    _check_hierarchy(center, values.get("level", center.level),
                     values.get("parent_id", center.parent_id), problems)
    problems.raise_if_any("invalid_center", "center")
    return values


def _check_hierarchy(center: Center, level: str | None, parent_id: int | None,
                     problems: Problems) -> None:
    if level is None:
        return
    parent = db.session.get(Center, parent_id) if parent_id else None
    if parent is not None and PARENT_LEVEL[level] is None:
        problems.add("parentId", f"a {level} center has no parent center")
    elif parent is not None and parent.level != PARENT_LEVEL[level]:
        problems.add("parentId", f"a {level} center's parent must be a {PARENT_LEVEL[level]} "
                                 f"center, not {parent.code} ({parent.level})")
    if center.id is None:
        return
    for child in db.session.scalars(sa.select(Center).where(Center.parent_id == center.id)):
        if PARENT_LEVEL[child.level] != level:
            problems.add("level", f"center {child.code} ({child.level}) reports to this "
                                  f"center, which must then stay {PARENT_LEVEL[child.level]}")


# --- departments ---------------------------------------------------------------------------

def list_departments(*, center_id: int | None = None,
                     active: bool | None = None) -> list[Department]:
    query = sa.select(Department).order_by(Department.code)
    if center_id is not None:
        query = query.where(Department.center_id == center_id)
    if active is not None:
        query = query.where(Department.active.is_(active))
    return list(db.session.scalars(query))


def get_department(department_id: int) -> Department:
    return get_or_404(Department, department_id, "department")


def create_department(data: Mapping, actor: Actor) -> Department:
    permissions.require_admin(actor)
    department = Department(active=True)
    values = _department_values(data, department, partial=False)
    return _save_coded(department, values, actor, "department")


def update_department(department_id: int, data: Mapping, actor: Actor) -> Department:
    """Edit a department; `active: false` deactivates it, `active: true` reactivates it."""
    permissions.require_admin(actor)
    department = get_department(department_id)
    values = _department_values(data, department, partial=True)
    return _save_coded(department, values, actor, "department")


def deactivate_department(department_id: int, actor: Actor) -> Department:
    return update_department(department_id, {"active": False}, actor)


def _department_values(data: Mapping, department: Department, *, partial: bool) -> dict:
    problems = Problems()
    values = clean_texts(data, DEPARTMENT_TEXT, problems, partial=partial)
    set_reference(values, "center_id", Center, data, "centerId", problems, what="center",
                  partial=partial)
    active = flag(data, "active", problems)
    if active is not None:
        values["active"] = active
    if department.id is not None:
        _check_windows_still_served(department, values, problems)
    problems.raise_if_any("invalid_department", "department")
    return values


def _check_windows_still_served(department: Department, values: dict,
                                problems: Problems) -> None:
    """A department may not leave the center, or close, while active windows serve it."""
    windows = [w for w in windows_serving(department.id) if w.active]
    codes = ", ".join(w.code for w in windows)
    if windows and values.get("active") is False:
        problems.add("active", f"still served by window(s) {codes}; take it off them first")
    moved = values.get("center_id", department.center_id) != department.center_id
    if windows and moved:
        problems.add("centerId", f"served by window(s) {codes} of its current center")


# --- windows -------------------------------------------------------------------------------

def list_windows(*, center_id: int | None = None, active: bool | None = None) -> list[Window]:
    query = sa.select(Window).order_by(Window.center_id, Window.code)
    if center_id is not None:
        query = query.where(Window.center_id == center_id)
    if active is not None:
        query = query.where(Window.active.is_(active))
    return list(db.session.scalars(query))


def windows_serving(department_id: int) -> list[Window]:
    return list(db.session.scalars(
        sa.select(Window).join(window_department)
        .where(window_department.c.department_id == department_id).order_by(Window.code)))


def get_window(window_id: int) -> Window:
    return get_or_404(Window, window_id, "window")


def create_window(data: Mapping, actor: Actor) -> Window:
    permissions.require_admin(actor)
    window = Window(kind=INDEPENDENT, active=True)
    values, departments = _window_values(data, window, partial=False)
    _refuse_window_code_taken(window, values)
    apply_changes(window, values)
    window.departments = departments
    return record_created(window, actor, "window", "window_code_taken", code=window.code,
                          kind=window.kind, departments=[d.code for d in departments])


def update_window(window_id: int, data: Mapping, actor: Actor) -> Window:
    """Edit a window; `active: false` closes it. Its whole new state is checked."""
    permissions.require_admin(actor)
    window = get_window(window_id)
    values, departments = _window_values(data, window, partial=True)
    _refuse_window_code_taken(window, values)
    changes = apply_changes(window, values)
    before = [d.code for d in window.departments]
    if [d.code for d in departments] != before:
        window.departments = departments
        changes["departments"] = [before, [d.code for d in departments]]
    return audit_changes(window, changes, actor, "window", "window_code_taken")


def deactivate_window(window_id: int, actor: Actor) -> Window:
    return update_window(window_id, {"active": False}, actor)


def _refuse_window_code_taken(window: Window, values: Mapping) -> None:
    """Window codes are unique within a center; checked before the change is applied."""
    center_id = values.get("center_id", window.center_id)
    code = values.get("code", window.code)
    clash = db.session.scalar(sa.select(Window.id).where(
        Window.center_id == center_id, Window.code == code,
        Window.id != (window.id or 0)).limit(1))
    if clash is not None:
        raise Conflict(f"the center already has a window {code!r}", code="window_code_taken")


def _window_values(data: Mapping, window: Window, *,
                   partial: bool) -> tuple[dict, list[Department]]:
    problems = Problems()
    values = clean_texts(data, WINDOW_TEXT, problems, partial=partial)
    set_reference(values, "center_id", Center, data, "centerId", problems, what="center",
                  partial=partial)
    kind = choice(data, "kind", WINDOW_KINDS, problems, required=False)
    active = flag(data, "active", problems)
    values.update({k: v for k, v in (("kind", kind), ("active", active)) if v is not None})
    departments = list(window.departments)
    if "departments" in data or not partial:
        departments = _named_departments(data.get("departments"), problems)
    final = {attr: values.get(attr, getattr(window, attr)) for attr in
             ("center_id", "kind", "active")}
    _check_window_departments(final, departments, problems)
    if window.id is not None:
        _check_posts_still_staffed(window, departments, problems)
    problems.raise_if_any("invalid_window", "window")
    return values, departments


def _named_departments(names, problems: Problems) -> list[Department]:
    if not isinstance(names, list):
        problems.add("departments", "a list of department codes or ids")
        return []
    found = {}
    for name in names:
        department = department_named(name)
        if department is None:
            problems.add("departments", f"no department {name!r}")
        elif department.id in found:
            problems.add("departments", f"department {department.code} is listed twice")
        else:
            found[department.id] = department
    return sorted(found.values(), key=lambda d: d.code)


def _check_window_departments(window: Mapping, departments: list[Department],
                              problems: Problems) -> None:
    if window["kind"] == INDEPENDENT and len(departments) != 1:
        problems.add("departments", "an independent window (独立窗口) serves exactly one "
                                    f"department, not {len(departments)}")
    if window["kind"] == COMPREHENSIVE and len(departments) < 2:
        problems.add("departments", "a comprehensive window (综合窗口) serves at least two "
                                    "departments")
    for department in departments:
        if window["center_id"] is not None and department.center_id != window["center_id"]:
            problems.add("departments", f"department {department.code} is stationed in "
                                        "another center")
        if window["active"] and not department.active:
            problems.add("departments", f"department {department.code} is inactive")


def _check_posts_still_staffed(window: Window, departments: list[Department],
                               problems: Problems) -> None:
    served, holders = {d.id for d in departments}, post_holders(window.posts)
    for post in window.posts:
        for holder in (holders.get(post.a_user_id), holders.get(post.b_user_id)):
            if holder is not None and not holds_window_role(_role_pairs(holder), served):
                problems.add("departments", f"post {post.name!r}: {holder.username} would "
                                            "hold no window role for this window any more")


# --- AB posts ------------------------------------------------------------------------------

def list_posts(*, window_id: int | None = None, user_id: int | None = None) -> list[Post]:
    query = sa.select(Post).order_by(Post.window_id, Post.id)
    if window_id is not None:
        query = query.where(Post.window_id == window_id)
    if user_id is not None:
        query = query.where(sa.or_(Post.a_user_id == user_id, Post.b_user_id == user_id))
    return list(db.session.scalars(query))


def get_post(post_id: int) -> Post:
    return get_or_404(Post, post_id, "post")


def create_post(data: Mapping, actor: Actor) -> Post:
    permissions.require_admin(actor)
    post = Post()
    values = _post_values(data, post, partial=False)
    _refuse_second_a_post(post, values)
    apply_changes(post, values)
    return record_created(post, actor, "post", "post_conflict", window_id=post.window_id,
                          name=post.name, a_user_id=post.a_user_id, b_user_id=post.b_user_id)


def update_post(post_id: int, data: Mapping, actor: Actor) -> Post:
    permissions.require_admin(actor)
    post = get_post(post_id)
    values = _post_values(data, post, partial=True)
    _refuse_second_a_post(post, values)
    return audit_changes(post, apply_changes(post, values), actor, "post", "post_conflict")


def delete_post(post_id: int, actor: Actor) -> None:
    permissions.require_admin(actor)
    post = get_post(post_id)
    audit.record(actor, "post.deleted", post_id=post.id, window_id=post.window_id,
                 name=post.name, a_user_id=post.a_user_id, b_user_id=post.b_user_id)
    db.session.delete(post)
    db.session.commit()


def post_holders(posts: Iterable[Post]) -> dict[int, User]:
    """The A and B holders of the posts by id, loaded in one query."""
    ids = {i for p in posts for i in (p.a_user_id, p.b_user_id)}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


def holds_window_role(roles: Iterable[tuple[str, int | None]], department_ids: set[int]) -> bool:
    """Whether (role, department id) pairs qualify someone for a window serving those."""
    return any(role in WINDOW_ROLES and department_id in department_ids
               for role, department_id in roles)


def _role_pairs(user: User | None) -> list[tuple[str, int | None]]:
    return [(m.role, m.department_id) for m in user.memberships] if user else []


def _post_values(data: Mapping, post: Post, *, partial: bool) -> dict:
    problems = Problems()
    values = clean_texts(data, POST_TEXT, problems, partial=partial)
    rows = []
    for field, attr, model, what in (("windowId", "window_id", Window, "window"),
                                     ("aUserId", "a_user_id", User, "user"),
                                     ("bUserId", "b_user_id", User, "user")):
        row = set_reference(values, attr, model, data, field, problems, what=what,
                            partial=partial)
        # a PATCH checks the post as it will be: fields it leaves alone keep their rows
        left_alone = partial and field not in data
        rows.append(db.session.get(model, getattr(post, attr)) if left_alone else row)
    _check_holders(*rows, problems)
    problems.raise_if_any("invalid_post", "post")
    return values


def _check_holders(window: Window | None, a: User | None, b: User | None,
                   problems: Problems) -> None:
    if window is not None and not window.active:
        problems.add("windowId", f"window {window.code} is closed")
    if a is not None and b is not None and a.id == b.id:
        problems.add("bUserId", "the B holder must be someone other than the A holder")
    served = {d.id for d in window.departments} if window else set()
    for field, user in (("aUserId", a), ("bUserId", b)):
        if user is None:
            continue
        if not user.active:
            problems.add(field, f"{user.username} is deactivated")
        if window is not None and not holds_window_role(_role_pairs(user), served):
            problems.add(field, f"{user.username} is neither window clerk nor chief "
                                "representative in a department this window serves")


def _refuse_second_a_post(post: Post, values: Mapping) -> None:
    """AB岗: someone is the A (primary) holder of one post only; B may cover several."""
    a_user_id = values.get("a_user_id", post.a_user_id)
    other = db.session.scalar(sa.select(Post).where(
        Post.a_user_id == a_user_id, Post.id != (post.id or 0)).limit(1))
    if other is not None:
        raise Conflict(f"user {a_user_id} already holds post {other.name!r} as A",
                       code="already_a_holder")
