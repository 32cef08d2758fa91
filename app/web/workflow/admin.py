"""Administrators' monitoring pages: the instances list and detail with their actions, and
the dashboard. Every action is a POST form that redirects back (303) with its outcome; a
refusal shows the detail page again with the service's message."""
from __future__ import annotations

import json
from collections.abc import Callable

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from app.http_inputs import db_int
from app.models import User, db
from app.models.process import COMPLETED, INSTANCE_STATES, RUNNING
from app.security import current_actor
from app.services import calendar, cases
from app.services.calendar import admin as calendar_admin
from app.services.cases import dashboard
from app.services.workflow import (assignment, audit, bpmn_layout, instances, permissions, tasks,
                                   timers)
from app.services.workflow.errors import InvalidInput, ServiceError
from app.services.workflow.instances import admin as instance_admin
from app.services.workflow.instances import diagram as instance_diagram
from app.services.workflow.instances import migration as instance_migration
from app.services.workflow.instances import overview as instance_overview
from app.web import problem_text
from app.web.blueprint import bp
from app.web.workflow.designer import VENDOR_CSS, VIEWER_JS, vendor_ready

PER_PAGE = 50


@bp.app_template_filter("provisional_mark")
def provisional_mark(moment) -> Markup:
    """ 暂定 beside a deadline counted through a year whose holidays are not confirmed yet."""
    if not moment or not calendar.is_provisional(moment):
        return Markup("")
    title = _("该期限经过尚未核定放假安排的年份，按法定节假日规则计算，核定后可能调整")
    return Markup(' <span class="provisional" title="%s">%s</span>') % (title, _("暂定"))


def state_names() -> dict[str, str]:
    return {"running": _("运行中"), "suspended": _("已挂起"), "completed": _("已完成"),
            "terminated": _("已终止"), "error": _("异常")}


def _outcome_messages() -> dict[str, str]:
    return {"suspended": _("已挂起流程实例。"), "resumed": _("已恢复流程实例。"),
            "terminated": _("已终止流程实例。"), "retried": _("已重试，流程继续运行。"),
            "timers_fired": _("已立即触发定时器。"),
            "timers_failed": _("定时器触发时流程出错，已记录异常。"),
            "reassigned": _("已改派任务。"), "migrated": _("已迁移到新版本。")}


@bp.get("/admin/instances")
def admin_instances():
    permissions.require_admin(current_actor())
    args = request.args
    filters = instance_overview.Filters(
        key=args.get("key", ""), state=args.get("state", ""),
        business_key=args.get("business_key", ""), overdue_only=args.get("overdue") == "1")
    page = max(args.get("page", 1, type=db_int), 1)
    rows, total = instance_overview.listing(filters, page=page, per_page=PER_PAGE)
    users, departments = instance_overview.names_for([t for r in rows for t in r.open_tasks])
    return render_template(
        "admin/instances.html", rows=rows, total=total, page=page, filters=filters,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1), keys=instance_overview.process_keys(),
        states=INSTANCE_STATES, state_names=state_names(), users=users,
        departments=departments)


@bp.get("/admin/instances/<int:instance_id>")
def admin_instance(instance_id: int):
    permissions.require_admin(current_actor())
    return _detail_page(instance_id, outcome=_outcome_messages().get(request.args.get("outcome")))


def _detail_page(instance_id: int, *, outcome: str | None = None, refusal: str | None = None):
    instance = instances.viewable(instance_id, current_actor().user)
    open_tasks = instances.open_tasks(instance_id)
    users, departments = instance_overview.names_for(open_tasks)
    variables = json.dumps(instances.variables(instance), ensure_ascii=False, indent=2,
                           sort_keys=True, default=str)
    return render_template(
        "admin/instance.html", instance=instance, variables=variables, open_tasks=open_tasks,
        users=users, departments=departments, timeline=audit.timeline(instance_id),
        case=cases.case_of(instance_id), state_names=state_names(), outcome=outcome,
        refusal=refusal, assignee_options={t.id: _assignee_options(t) for t in open_tasks},
        newer_versions=instance_migration.newer_versions(instance),
        waiting_timers=timers.waiting(instance) if instance.state == RUNNING else [],
        diagram=_diagram(instance), element_state_names=element_state_names(),
        viewer_ready=vendor_ready(VIEWER_JS), viewer_js=VIEWER_JS, viewer_css=VENDOR_CSS)


def element_state_names() -> dict[str, str]:
    return {"completed": _("已完成"), "active": _("进行中（待办）"),
            "waiting": _("等待中（定时器/事件）"), "error": _("出错")}


def _diagram(instance) -> dict:
    """What instance_diagram.js draws: the version's BPMN (with a generated layout when it
    has no diagram interchange) and each element's state."""
    xml = instance.definition.bpmn_xml
    drawn = bpmn_layout.with_diagram(xml)
    return {"xml": drawn, "generatedLayout": drawn != xml, "incident": instance.incident,
            **instance_diagram.element_states(instance).as_dict(),
            "stateNames": element_state_names(),
            "messages": {"noVendor": _("图形库未安装：请运行 make assets"),
                         "failed": _("流程图无法显示："), "state": _("状态："),
                         "notReached": _("未到达"), "due": _("到期时间："),
                         "incident": _("异常信息："), "flowTaken": _("已经过")}}


def _assignee_options(task) -> list[tuple[str, list[User]]]:
    """Only the people the routing rules let hold the task (the server refuses others)."""
    return [(_("候选人"), assignment.eligible(task))]


def _act(instance_id: int, action: Callable[[], object], outcome: str | Callable[[object], str]):
    permissions.require_admin(current_actor())
    try:
        result = action()
    except ServiceError as err:
        db.session.rollback()
        return _detail_page(instance_id, refusal=problem_text.for_people(err)), err.status
    key = outcome(result) if callable(outcome) else outcome
    return redirect(url_for("web.admin_instance", instance_id=instance_id, outcome=key), code=303)


# The actions that need nothing but the instance: service call and the outcome to report.
PLAIN_ACTIONS = {"suspend": (instance_admin.suspend, "suspended"),
                 "resume": (instance_admin.resume, "resumed"),
                 "retry": (instance_admin.retry, "retried")}


@bp.post("/admin/instances/<int:instance_id>/<any(suspend, resume, retry):action>")
def admin_instance_action(instance_id: int, action: str):
    service, outcome = PLAIN_ACTIONS[action]
    return _act(instance_id, lambda: service(instance_id, current_actor()), outcome)


# The actions that take one form field: service call, the field and the outcome to report.
FIELD_ACTIONS = {"terminate": (instance_admin.terminate, "reason", "terminated"),
                 "migrate": (instance_migration.migrate, "version", "migrated")}


@bp.post("/admin/instances/<int:instance_id>/<any(terminate, migrate):action>")
def admin_field_action(instance_id: int, action: str):
    service, field, outcome = FIELD_ACTIONS[action]
    value = request.form.get(field, "")

    def confirmed_then_act():
        if request.form.get("confirm") != "yes":  # irreversible: the box says so and is ticked
            raise InvalidInput(_("请勾选确认：此操作不可撤销。"),
                               errors=[{"field": "confirm", "message": "not confirmed"}])
        return service(instance_id, value, current_actor())
    return _act(instance_id, confirmed_then_act, outcome)


@bp.post("/admin/instances/<int:instance_id>/tasks/<task_id>/reassign")
def admin_reassign(instance_id: int, task_id: str):
    def reassign():
        assignee = db.session.get(User, request.form.get("assignee", 0, type=db_int))
        if assignee is None or not assignee.active:
            raise InvalidInput(_("请选择一名在职人员"),
                               errors=[{"field": "assignee", "message": "unknown user"}])
        try:
            return tasks.reassign(task_id, assignee, current_actor())
        except InvalidInput as err:
            if err.code != "not_a_candidate":
                raise
            raise InvalidInput(_("%(name)s 不能办理此任务：只能改派给该任务的候选人（同一角色和部门、"
                                 "有相应授权的在职人员）。", name=assignee.display_name),
                               code=err.code, errors=err.errors) from None
    return _act(instance_id, reassign, "reassigned")


@bp.get("/admin/dashboard")
def admin_dashboard():
    permissions.require_admin(current_actor())
    counts = dashboard.instance_counts()
    return render_template(
        "admin/dashboard.html", state_names=state_names(),
        instance_bars=[(state_names()[s], counts[s]) for s in dashboard.UNFINISHED_STATES],
        completed=counts[COMPLETED], task_bars=dashboard.open_tasks_by_department(),
        status_bars=dashboard.cases_in_hand_by_status(),
        ended_statuses=dashboard.cases_ended_by_status(),
        overdue=dashboard.overdue_cases(), warned=dashboard.warned_cases(),
        flagged=dashboard.flagged_cases(), ending_letters=dashboard.letters_ending_soon(),
        provisional_years=calendar_admin.provisional_years(
            current_app.config["CALENDAR_REGION"], calendar.today()),
        concluded_bars=[(d.strftime("%m-%d"), n) for d, n in dashboard.concluded_per_day()])
