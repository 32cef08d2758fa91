"""Designers read the decision tables (DMN) a process calls, and deploy an edited table:
every process whose latest version calls it gets a new version (decisions service)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.http_inputs import db_int
from app.models import db
from app.security import current_actor
from app.services.workflow import decisions, deployment
from app.services.workflow.errors import InvalidInput
from app.web import problem_text
from app.web.blueprint import bp
from app.web.workflow.designer import require_designer


def _page(key: str, problems: list | None = None, status: int = 200):
    require_designer()
    number = request.args.get("version", type=db_int)
    definition = deployment.version(key, number) if number else deployment.latest(key)
    return render_template("workflow/designer/decisions.html", key=key, definition=definition,
                           tables=[decisions.rows(t) for t in decisions.tables_of(definition)],
                           problems=problems or [],
                           deployed=request.args.get("deployed", type=db_int)), status


@bp.get("/designer/processes/<key>/decisions")
def designer_decisions(key: str):
    return _page(key)


@bp.post("/designer/processes/<key>/decisions")
def deploy_decision_table(key: str):
    require_designer()
    upload = request.files.get("file")
    try:
        if upload is None or not (upload.filename or "").endswith(".dmn"):
            raise InvalidInput("choose a .dmn file", code="no_dmn")
        deployed = deployment.deploy([(upload.filename, upload.read())], current_actor())
    except InvalidInput as err:
        db.session.rollback()
        problems = [{**p, "message": problem_text.field_message(p.get("message", ""))}
                    for p in err.errors] or [{"message": problem_text.for_people(err)}]
        return _page(key, problems, err.status)
    mine = next((d.definition for d in deployed if d.definition.key == key), None)
    version = mine.version if mine else None
    return redirect(url_for("web.designer_decisions", key=key, deployed=version), code=303)
