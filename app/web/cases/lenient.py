"""容缺受理 and 告知承诺 on the case page: the window records the deferred materials as
received; the department records the post-check (核查). Both are confirmed first."""
from __future__ import annotations

from flask import request

from app.security import current_actor
from app.services.cases import commitments, lenient
from app.web.blueprint import bp
from app.web.cases.intake import case_view
from app.web.form_support import submit


def _on_case_page(instance_id: int, form: str, action):
    return submit(form, action, lambda failed: case_view(instance_id, failed), "web.case_page",
                  instance_id=instance_id, _anchor="lenient")


@bp.post("/cases/<int:instance_id>/lenient/received")
def lenient_received_form(instance_id: int):
    return _on_case_page(instance_id, "lenient",
                         lambda: lenient.record_received(instance_id, current_actor()))


@bp.post("/cases/<int:instance_id>/commitment-check")
def commitment_check_form(instance_id: int):
    form = request.form
    return _on_case_page(instance_id, "commitment_check", lambda: commitments.record_outcome(
        instance_id, form.get("outcome", ""), form.get("findings", ""), current_actor()))
