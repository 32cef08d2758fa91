"""A department's document settings (文书设置): its 机关代字 and the image of its seal."""
from __future__ import annotations

from flask import render_template, request
from werkzeug.datastructures import FileStorage

from app.models import DepartmentSeal, db
from app.security import current_actor
from app.services import organization
from app.services.cases import documents
from app.services.organization import seals
from app.services.workflow import permissions
from app.web.blueprint import bp
from app.web.form_support import FailedForm, submit


def _page(department_id: int, failed: FailedForm | None = None) -> str:
    permissions.require_admin(current_actor())
    department = organization.get_department(department_id)
    return render_template("organization/documents.html", failed=failed, department=department,
                           seal=db.session.get(DepartmentSeal, department.id),
                           seal_uri=documents.seal_data_uri(department.id),
                           example=documents.example_number(department))


@bp.get("/admin/organization/departments/<int:department_id>/documents")
def department_documents_page(department_id: int):
    return _page(department_id)


@bp.post("/admin/organization/departments/<int:department_id>/documents")
def department_document_code_form(department_id: int):
    return submit("code", lambda: organization.update_department(
        department_id, {"documentCode": request.form.get("documentCode", "")}, current_actor()),
        lambda failed: _page(department_id, failed), "web.department_documents_page",
        department_id=department_id)


@bp.post("/admin/organization/departments/<int:department_id>/seal")
def department_seal_form(department_id: int):
    return submit("seal", lambda: seals.put(
        department_id, request.files.get("file", FileStorage()), current_actor()),
                  lambda failed: _page(department_id, failed), "web.department_documents_page",
                  department_id=department_id)


@bp.post("/admin/organization/departments/<int:department_id>/seal/delete")
def department_seal_delete_form(department_id: int):
    return submit("seal", lambda: seals.remove(department_id, current_actor()),
                  lambda failed: _page(department_id, failed), "web.department_documents_page",
                  department_id=department_id)

