"""Organization administration over JSON: centers, departments, windows, AB posts, staff.

Reading the organization is open to every signed-in user; the staff list is for
administrators (and each person may read their own record). Services enforce both.
"""
from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp, json_object
from app.api.organization import representations as rep
from app.http_inputs import db_int
from app.security import current_actor
from app.services import organization
from app.services.organization import qualifications, staff
from app.services.workflow.errors import InvalidInput


def _active_arg() -> bool | None:
    value = request.args.get("active")
    if value in (None, ""):
        return None
    if value not in ("true", "false"):
        raise InvalidInput("active must be true or false", code="invalid_filter",
                           errors=[{"field": "active", "message": "true or false"}])
    return value == "true"


def _windows_json(windows: list) -> list[dict]:
    holders = organization.post_holders(p for w in windows for p in w.posts)
    return [rep.window(w, holders) for w in windows]


def _window_json(window) -> dict:
    return _windows_json([window])[0]


def _post_json(post) -> dict:
    return rep.post(post, organization.post_holders([post]))


def _staff_json(users: list) -> list[dict]:
    codes = staff.department_codes()  # one query for everyone's role departments
    records = qualifications.records_of(u.id for u in users)
    return [rep.staff(u, staff.role_list(u, codes), qualifications.as_json(records.get(u.id)))
            for u in users]


def _person_json(user) -> dict:
    return _staff_json([user])[0]


# --- centers -------------------------------------------------------------------------------

@bp.get("/centers")
def list_centers():
    return jsonify(pages.page(rep.center(c) for c in organization.list_centers()))


@bp.post("/centers")
def create_center():
    return jsonify(rep.center(organization.create_center(json_object(), current_actor()))), 201


@bp.get("/centers/<int:center_id>")
def center_detail(center_id: int):
    return jsonify(rep.center(organization.get_center(center_id)))


@bp.patch("/centers/<int:center_id>")
def update_center(center_id: int):
    return jsonify(rep.center(organization.update_center(center_id, json_object(),
                                                         current_actor())))


# --- departments ---------------------------------------------------------------------------

@bp.get("/departments")
def list_departments():
    rows = organization.list_departments(center_id=request.args.get("centerId", type=db_int),
                                         active=_active_arg())
    return jsonify(pages.page(rep.department(d) for d in rows))


@bp.post("/departments")
def create_department():
    department = organization.create_department(json_object(), current_actor())
    return jsonify(rep.department(department)), 201


@bp.get("/departments/<int:department_id>")
def department_detail(department_id: int):
    return jsonify(rep.department(organization.get_department(department_id)))


@bp.patch("/departments/<int:department_id>")
def update_department(department_id: int):
    department = organization.update_department(department_id, json_object(), current_actor())
    return jsonify(rep.department(department))


# --- windows and AB posts ------------------------------------------------------------------

@bp.get("/windows")
def list_windows():
    rows = organization.list_windows(center_id=request.args.get("centerId", type=db_int),
                                     active=_active_arg())
    return jsonify(pages.page(_windows_json(rows)))


@bp.post("/windows")
def create_window():
    return jsonify(_window_json(organization.create_window(json_object(), current_actor()))), 201


@bp.get("/windows/<int:window_id>")
def window_detail(window_id: int):
    return jsonify(_window_json(organization.get_window(window_id)))


@bp.patch("/windows/<int:window_id>")
def update_window(window_id: int):
    window = organization.update_window(window_id, json_object(), current_actor())
    return jsonify(_window_json(window))


@bp.get("/posts")
def list_posts():
    rows = organization.list_posts(window_id=request.args.get("windowId", type=db_int),
                                   user_id=request.args.get("userId", type=db_int))
    holders = organization.post_holders(rows)
    return jsonify(pages.page(rep.post(p, holders) for p in rows))


@bp.post("/posts")
def create_post():
    return jsonify(_post_json(organization.create_post(json_object(), current_actor()))), 201


@bp.get("/posts/<int:post_id>")
def post_detail(post_id: int):
    return jsonify(_post_json(organization.get_post(post_id)))


@bp.patch("/posts/<int:post_id>")
def update_post(post_id: int):
    return jsonify(_post_json(organization.update_post(post_id, json_object(),
                                                       current_actor())))


@bp.delete("/posts/<int:post_id>")
def delete_post(post_id: int):
    organization.delete_post(post_id, current_actor())
    return "", 204


# --- staff ---------------------------------------------------------------------------------

@bp.get("/staff")
def list_staff():
    rows = staff.list_staff(current_actor(), department=request.args.get("department"),
                            role=request.args.get("role"), active=_active_arg())
    return jsonify(pages.page(_staff_json(rows)))


@bp.post("/staff")
def create_staff():
    return jsonify(_person_json(staff.create_staff(json_object(), current_actor()))), 201


@bp.get("/staff/<int:user_id>")
def staff_detail(user_id: int):
    return jsonify(_person_json(staff.get_staff(user_id, current_actor())))


@bp.patch("/staff/<int:user_id>")
def update_staff(user_id: int):
    return jsonify(_person_json(staff.update_profile(user_id, json_object(), current_actor())))


@bp.put("/staff/<int:user_id>/roles")
def replace_roles(user_id: int):
    body = json_object()
    user = staff.replace_roles(user_id, body.get("roles"), current_actor(),
                               body.get("exceptionReason"))
    return jsonify(_person_json(user))


@bp.put("/staff/<int:user_id>/qualification")
def update_qualification(user_id: int):
    """The staff record the seeds' rules for window staff read (窗口人员档案)."""
    qualifications.update(user_id, json_object(), current_actor())
    return jsonify(_person_json(staff.get_staff(user_id, current_actor())))


@bp.post("/staff/<int:user_id>/send-back")
def send_back(user_id: int):
    """退回原单位: the person leaves the window; the department is asked for another."""
    user = qualifications.send_back(user_id, json_object().get("reason"), current_actor())
    return jsonify(_person_json(user))


@bp.post("/staff/<int:user_id>/password")
def reset_password(user_id: int):
    staff.reset_password(user_id, json_object().get("password"), current_actor())
    return "", 204
