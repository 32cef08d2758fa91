"""办件查询 and 已办: finding a case again, and the tasks one completed."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.models.case import STATUS_NAMES
from app.services import organization
from app.services.cases import search
from app.services.workflow.errors import InvalidInput
from app.web.blueprint import bp


@bp.get("/cases")
@login_required
def case_search():
    problems, query = {}, search.CaseQuery()
    try:
        query = search.query_from(request.args)
    except InvalidInput as err:
        problems = {problem["field"]: _field_problems().get(problem["field"], problem["message"])
                    for problem in err.errors}
    rows, total = (([], 0) if problems or query.is_empty
                   else search.find_cases(current_user, query))
    return render_template(
        "cases/search.html", query=query, rows=rows, total=total, problems=problems,
        form=request.args, statuses=STATUS_NAMES, page_size=search.PAGE_SIZE,
        departments=organization.list_departments(active=True)), 400 if problems else 200


def _field_problems() -> dict[str, str]:
    """Each field's problem in the page's language."""
    return {"department_id": _("请选择列表中的部门"), "status": _("请选择列表中的状态"),
            "received_from": _("请按 年-月-日 填写日期"),
            "received_to": _("请按 年-月-日 填写日期，且不早于起始日期"),
            "page": _("页码应为正整数")}


@bp.get("/tasks/done")
@login_required
def completed_tasks():
    page = request.args.get("page", "1")
    page = int(page) if page.isdecimal() and 0 < int(page) < 10**6 else 1
    rows, total = search.completed_tasks(current_user, page)
    cases = search.cases_of({task.instance_id for task in rows})
    return render_template("workflow/tasks/done.html", rows=rows, total=total, page=page,
                           page_size=search.PAGE_SIZE, cases=cases)
