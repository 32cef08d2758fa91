"""The center's settings page (中心设置): its name, contacts, and the bodies named in the
remedy rights of every refusal (复议机关, 诉讼法院) — until now settable only in code or demo.

Posts to the same service as the JSON API (organization.update_center): administrators
only, audited, a refused form shown again filled in with 400."""
from __future__ import annotations

from flask import render_template

from app.security import current_actor
from app.services import organization
from app.services.workflow import permissions
from app.web.blueprint import bp
from app.web.form_support import FailedForm, posted, submit
from app.web.organization.units import level_names

# The fields of the form, as the API names them: a service problem lands beside its field.
# Not the code: the deployment finds its own center by it (CENTER_CODE) and case numbers
# begin with it.
EDITABLE = ("name", "level", "parentId", "region", "address", "phone", "complaintPhone",
            "officeHours", "reviewBody", "court")


def _page(center_id: int, failed: FailedForm | None = None) -> str:
    permissions.require_admin(current_actor())
    center = organization.get_center(center_id)
    return render_template("organization/center.html", failed=failed, center=center,
                           level_names=level_names(),
                           parents=[c for c in organization.list_centers() if c.id != center.id])


@bp.get("/admin/organization/centers/<int:center_id>")
def center_page(center_id: int):
    return _page(center_id)


@bp.post("/admin/organization/centers/<int:center_id>")
def center_form(center_id: int):
    data = {k: v for k, v in posted().items() if k in EDITABLE}
    return submit("center", lambda: organization.update_center(center_id, data, current_actor()),
                  lambda failed: _page(center_id, failed), "web.center_page",
                  center_id=center_id)
