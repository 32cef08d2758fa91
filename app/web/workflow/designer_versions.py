"""Deploying from the modeler with a change note and a confirmation, and rolling a process
back to an earlier version (redeployed as a new one). The modeler's script calls the JSON
routes; the rollback is a page with its own confirmation. The services check everything:
the note, that the confirmation still matches what is deployed, the designer's role."""
from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.security import current_actor
from app.services.workflow import deployment, versioning
from app.services.workflow.errors import InvalidInput, ServiceError
from app.web import problem_text
from app.web.blueprint import bp


def _body() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


def _modeler_document() -> list[tuple[str, bytes]]:
    body = _body()
    xml, filename = body.get("xml"), body.get("filename")
    if not isinstance(xml, str) or not xml.strip():
        raise InvalidInput("send the BPMN as the string field 'xml'",
                           errors=[{"field": "xml", "message": "required"}])
    return deployment.document_files(xml, filename if isinstance(filename, str) else "")


@bp.post("/designer/modeler/plan")
def designer_plan():
    """The confirmation dialog's content: what deploying the modeler's document does."""
    deployment.require_designer(current_actor())
    planned = versioning.plan(_modeler_document(), reuse_deployed_forms=True)
    return jsonify(processes=[p.as_dict() for p in planned.processes],
                   confirmToken=planned.token, changesAnything=planned.changes_anything)


@bp.post("/designer/modeler/deploy")
def designer_deploy():
    """A person deploys: the note is required and so is the token of the confirmation."""
    actor = current_actor()
    deployment.require_designer(actor)
    body = _body()
    note = deployment.checked_note(body.get("note"), required=True)
    token = body.get("confirmToken")
    if not isinstance(token, str) or not token:
        raise InvalidInput("confirm the deployment first", code="confirmation_required",
                           errors=[{"field": "confirmToken", "message": "required"}])
    results = deployment.deploy(_modeler_document(), actor, reuse_deployed_forms=True,
                                note=note, confirmation=token)
    return jsonify([{"key": r.definition.key, "version": r.definition.version,
                     "name": r.definition.name, "created": r.created} for r in results]), 201


@bp.get("/designer/processes/<key>/versions/<int:number>/redeploy")
def designer_redeploy_page(key: str, number: int):
    deployment.require_designer(current_actor())
    return _redeploy_page(key, number)


@bp.post("/designer/processes/<key>/versions/<int:number>/redeploy")
def designer_redeploy(key: str, number: int):
    actor = current_actor()
    deployment.require_designer(actor)
    if not request.form.get("confirm"):
        return _redeploy_page(key, number, refusal=_("请勾选确认：将以版本 %(n)s 的内容部署新版本。",
                                                     n=number)), 400
    try:
        restored = versioning.redeploy(key, number, actor, note=request.form.get("note"),
                                       expected_current=versioning.expected_version(
                                           request.form.get("current_version")))
    except ServiceError as err:
        return _redeploy_page(key, number, refusal=redeploy_refusal(err)), err.status
    flash(_("已将版本 %(old)s 的内容部署为版本 %(new)s。", old=number, new=restored.version))
    return redirect(url_for("web.designer_process", key=key))


def redeploy_refusal(err: ServiceError) -> str:
    wordings = {
        "note_required": _("请填写变更说明：说明为什么回滚到此版本。"),
        "note_too_long": _("变更说明过长（最多 %(n)s 字）。", n=deployment.MAX_NOTE),
        "already_current": _("当前版本的内容已与此版本相同，无需回滚。"),
        "deploy_confirmation_stale": _("确认之后又有新版本部署，请核对后重新确认。"),
    }
    return wordings.get(err.code) or problem_text.for_people(err)


def _redeploy_page(key: str, number: int, refusal: str | None = None):
    earlier, current, diff = versioning.restore_preview(key, number)
    return render_template("workflow/designer/redeploy.html", earlier=earlier, current=current,
                           diff=diff, changes=versioning.summary(diff), refusal=refusal,
                           note=request.form.get("note", ""))
