"""The case page's 应诉 forms: record a 行政复议 or 行政诉讼, and answer it. Thin: ids in, a
service called, the case page again (400 with the problem on a refusal)."""
from __future__ import annotations

from app.security import current_actor
from app.services.cases import remedies
from app.services.workflow import instances
from app.services.workflow.errors import NotFound
from app.web.blueprint import bp
from app.web.cases.intake import case_view
from app.web.form_support import posted, submit


@bp.post("/cases/<int:instance_id>/remedies")
def record_remedy_form(instance_id: int):
    instances.viewable(instance_id, current_actor().user)
    return _submit(instance_id, lambda: remedies.record(instance_id, posted(), current_actor()))


@bp.post("/cases/<int:instance_id>/remedies/<int:matter_id>/answer")
def answer_remedy_form(instance_id: int, matter_id: int):
    instances.viewable(instance_id, current_actor().user)
    if remedies.get(matter_id).instance_id != instance_id:
        raise NotFound(f"remedy matter {matter_id} is not of this case", code="remedy_not_found")
    answer = posted().get("answer")
    return _submit(instance_id, lambda: remedies.answer(matter_id, answer, current_actor()))


def _submit(instance_id: int, save):
    return submit("remedy", save, lambda failed: case_view(instance_id, failed),
                  "web.case_page", instance_id=instance_id)
