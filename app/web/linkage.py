"""三级联动 pages: the window's list of reported cases and one case's timeline across levels,
and the administrator's undelivered and dead-lettered messages with redelivery."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.security import current_actor
from app.services.linkage import admin as link_admin
from app.services.linkage import tracking as link_tracking
from app.services.workflow.errors import ServiceError
from app.web import problem_text
from app.web.blueprint import bp


def stage_names() -> dict[str, str]:
    return {link_tracking.HANDLING: _("办理中"), link_tracking.WAITING_UPPER: _("待上级答复"),
            link_tracking.WAITING_LOWER: _("待下级补正"), link_tracking.CONCLUDED: _("已办结")}


def message_names() -> dict[str, str]:
    return {"report_up": _("上报"), "level_reply": _("答复"), "supplement_reply": _("补正材料"),
            "level_status": _("受理告知")}


def level_names() -> dict[str, str]:
    return {"county": _("县级"), "city": _("市级"), "province": _("省级")}


@bp.get("/linkage")
def linkage_index():
    rows = link_admin.reported_cases(current_actor().user)
    return render_template("linkage/index.html", rows=rows)


@bp.get("/linkage/<int:instance_id>")
def linkage_page(instance_id: int):
    timeline = link_admin.timeline_for(instance_id, current_actor().user)
    return render_template("linkage/timeline.html", timeline=timeline, stages=stage_names(),
                           message_names=message_names(), levels=level_names())


@bp.get("/admin/links")
def admin_links():
    which = request.args.get("which", link_admin.UNDELIVERED)
    rows = link_admin.problem_messages(current_actor(), which)
    return render_template("linkage/admin.html", rows=rows, which=which,
                           message_names=message_names(), notice=request.args.get("notice"))


@bp.post("/admin/links/<int:message_id>/redeliver")
def admin_link_redeliver(message_id: int):
    try:
        status = link_admin.redeliver(message_id, current_actor())
    except ServiceError as err:
        if err.status in (401, 403):
            raise
        status = problem_text.for_people(err)
    return redirect(url_for("web.admin_links", which=request.form.get("which"),
                            notice=status), code=303)
