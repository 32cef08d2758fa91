"""Administrators' pages for the organization: centers and departments, windows with their
AB posts, and staff with their roles.

Plain HTML forms posting to the same services as the JSON API; form fields are named as the
API's, so a service's problems land next to the field that caused them. A refused form is
shown again, filled in, with HTTP 400 (409 for a taken code); a saved one redirects back.
"""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from app.http_inputs import db_int
from app.models.identity import (AGENT, APPROVING_LEADER, CASHIER, CENTER_ADMIN, INTEGRATOR,
                                 CENTER_COORDINATOR,
                                 CHIEF_REPRESENTATIVE, COMMITTEE_MEMBER, COUNTY_APPROVER,
                                 DEPARTMENT_DUTIES, DEPARTMENT_ROLES, LIAISON_OFFICER,
                                 PROCESS_DESIGNER, ROLES, SUPERVISOR, WINDOW_CLERK, WINDOW_HEAD)
from app.models.organization import CENTER_LEVELS, WINDOW_KINDS
from app.security import current_actor
from app.services import organization
from app.services.organization import qualifications, staff
from app.services.workflow import permissions
from app.services.workflow.errors import InvalidInput
from app.web import problem_text
from app.web.blueprint import bp
from app.web.form_support import FailedForm
from app.web.form_support import posted as _posted
from app.web.form_support import submit as _submit


def _posted_active() -> dict:
    return {"active": request.form.get("active") == "true"}


# --- centers and departments ---------------------------------------------------------------

def _organization_page(failed: FailedForm | None = None) -> str:
    return render_template("organization/centers.html", failed=failed,
                           departments=organization.list_departments(),
                           level_names=level_names(), **_centers())


def _centers() -> dict:
    centers = organization.list_centers()
    return {"centers": centers, "center_names": {c.id: c.name for c in centers},
            "center_options": [(c.id, f"{c.code} {c.name}") for c in centers]}


@bp.get("/admin/organization")
def organization_page():
    permissions.require_admin(current_actor())  # its forms are all an administrator's
    return _organization_page()


@bp.post("/admin/organization/centers")
def create_center_form():
    return _submit("center", lambda: organization.create_center(_posted(), current_actor()),
                   _organization_page, "web.organization_page")


@bp.post("/admin/organization/departments")
def create_department_form():
    return _submit("department",
                   lambda: organization.create_department(_posted(), current_actor()),
                   _organization_page, "web.organization_page")


@bp.post("/admin/organization/departments/<int:department_id>/active")
def department_active_form(department_id: int):
    return _submit("rows", lambda: organization.update_department(
        department_id, _posted_active(), current_actor()), _organization_page,
        "web.organization_page")


# --- windows and AB posts ------------------------------------------------------------------

def _windows_page(failed: FailedForm | None = None) -> str:
    actor, windows = current_actor(), organization.list_windows()
    # only administrators may list staff, and only they can use the form that needs them
    people = staff.list_staff(actor, active=True) if actor.user.is_admin else []
    return render_template(
        "organization/windows.html", failed=failed, windows=windows,
        holders=organization.post_holders(p for w in windows for p in w.posts),
        kind_names=_kind_names(), **_centers(),
        department_options=[(d.code, f"{d.code} {d.name}")
                            for d in organization.list_departments(active=True)],
        window_options=[(w.id, f"{w.code} {w.name}") for w in windows if w.active],
        people_options=[(u.id, f"{u.display_name} ({u.username})") for u in people])


@bp.get("/admin/windows")
def windows_page():
    permissions.require_admin(current_actor())  # its forms are all an administrator's
    return _windows_page()


@bp.post("/admin/windows")
def create_window_form():
    return _submit("window",
                   lambda: organization.create_window(_posted("departments"), current_actor()),
                   _windows_page, "web.windows_page")


@bp.post("/admin/windows/<int:window_id>/active")
def window_active_form(window_id: int):
    return _submit("rows", lambda: organization.update_window(
        window_id, _posted_active(), current_actor()), _windows_page, "web.windows_page")


@bp.post("/admin/posts")
def create_post_form():
    return _submit("post", lambda: organization.create_post(_posted(), current_actor()),
                   _windows_page, "web.windows_page")


@bp.post("/admin/posts/<int:post_id>/delete")
def delete_post_form(post_id: int):
    return _submit("rows", lambda: organization.delete_post(post_id, current_actor()),
                   _windows_page, "web.windows_page")


# --- staff ---------------------------------------------------------------------------------

def _staff_page(failed: FailedForm | None = None) -> str:
    actor, codes = current_actor(), staff.department_codes()
    people = staff.list_staff(actor)
    roles = {u.id: staff.role_list(u, codes) for u in people}
    # ?edit=<id> opens a person's roles form; a refused roles form stays open
    editing_id = request.args.get("edit", type=db_int) or request.view_args.get("user_id")
    editing = staff.get_staff(editing_id, actor) if editing_id else None
    records = qualifications.records_of(u.id for u in people)
    return render_template(
        "organization/staff.html", failed=failed, people=people, roles=roles, editing=editing,
        editing_roles=[f"{r['role']}:{r['department'] or ''}" for r in roles.get(editing_id, [])],
        role_options=_role_options(), role_names=role_names(),
        records={i: qualifications.as_json(r) for i, r in records.items()},
        unmet={u.id: [problem_text.field_message(m)
                      for m in qualifications.unmet(u, records.get(u.id))] for u in people},
        editing_record=qualifications.as_json(records.get(editing_id)),
        at_window={u.id for u in people if u.roles & set(qualifications.WINDOW_ROLES)},
        editing_at_window=bool(editing and editing.roles & set(qualifications.WINDOW_ROLES)))


@bp.get("/admin/staff")
def staff_page():
    return _staff_page()


@bp.post("/admin/staff")
def create_staff_form():
    return _submit("staff", lambda: staff.create_staff(_posted_staff(), current_actor()),
                   _staff_page, "web.staff_page")


@bp.post("/admin/staff/<int:user_id>/roles")
def staff_roles_form(user_id: int):
    posted = _posted_staff()
    return _submit("roles", lambda: staff.replace_roles(user_id, posted["roles"],
                                                        current_actor(),
                                                        posted.get("exceptionReason")),
                   _staff_page, "web.staff_page")


@bp.post("/admin/staff/<int:user_id>/qualification")
def staff_record_form(user_id: int):
    posted = _posted()
    for box in RECORD_BOXES:  # an unticked checkbox sends nothing
        posted[box] = posted.get(box, "false")
    return _submit("record", lambda: qualifications.update(user_id, posted, current_actor()),
                   _staff_page, "web.staff_page", edit=user_id)


@bp.post("/admin/staff/<int:user_id>/send-back")
def staff_send_back_form(user_id: int):
    def send_back():
        if request.form.get("confirm") != "yes":  # the window roles end today
            raise InvalidInput(_("请勾选确认：退回后其窗口角色即日终止，待办转回岗位待领，此操作不可撤销。"),
                               errors=[{"field": "confirm", "message": "not confirmed"}])
        qualifications.send_back(user_id, request.form.get("reason"), current_actor())
    return _submit("send_back", send_back, _staff_page, "web.staff_page")


@bp.post("/admin/staff/<int:user_id>/active")
def staff_active_form(user_id: int):
    return _submit("rows", lambda: staff.update_profile(user_id, _posted_active(),
                                                        current_actor()),
                   _staff_page, "web.staff_page")


def _posted_staff() -> dict:
    """Role checkboxes are posted as "role:DEPARTMENT CODE" ("role:" for center-wide)."""
    data = _posted("roles")
    data["roles"] = [dict(zip(("role", "department"), value.split(":", 1)))
                     for value in data["roles"]]
    record = {field: data.pop(field) for field in QUALIFICATION_FIELDS if field in data}
    if record:
        data["qualification"] = {**dict.fromkeys(RECORD_BOXES, "false"), **record}
    return data


RECORD_BOXES = ("established", "sectionHead", "sectionRank")  # the record's checkboxes
QUALIFICATION_FIELDS = (*RECORD_BOXES, "departmentSince", "enforcementCertificate",
                        "windowSince")


def _role_options() -> list[tuple[str, str]]:
    """(checkbox value, label) for every role a person may hold, per active department."""
    names, options = role_names(), []
    departments = organization.list_departments(active=True)
    for role in ROLES:
        if role not in DEPARTMENT_ROLES and role not in DEPARTMENT_DUTIES:
            options.append((f"{role}:", names[role]))
        if role in DEPARTMENT_ROLES or role in DEPARTMENT_DUTIES or role == COMMITTEE_MEMBER:
            options += [(f"{role}:{d.code}", f"{names[role]} — {d.name}") for d in departments]
    return options


def role_names() -> dict[str, str]:
    return {WINDOW_CLERK: _("窗口人员"), CHIEF_REPRESENTATIVE: _("首席代表"),
            WINDOW_HEAD: _("窗口负责人"), APPROVING_LEADER: _("分管领导"),
            LIAISON_OFFICER: _("联络员"),
            COMMITTEE_MEMBER: _("审批决策委员会成员"),
            CENTER_ADMIN: _("中心管理员"), CENTER_COORDINATOR: _("中心协调员"),
            PROCESS_DESIGNER: _("流程设计员"),
            COUNTY_APPROVER: _("县政府审批负责人"), SUPERVISOR: _("效能监察员"),
            AGENT: _("代办员"), CASHIER: _("结算窗口收费员"), INTEGRATOR: _("对接系统")}


def level_names() -> dict[str, str]:
    names = {"province": _("省级"), "city": _("市级"), "county": _("县级")}
    return {level: names[level] for level in CENTER_LEVELS}


def _kind_names() -> dict[str, str]:
    names = {"independent": _("独立窗口"), "comprehensive": _("综合窗口")}
    return {kind: names[kind] for kind in WINDOW_KINDS}
