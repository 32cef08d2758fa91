from flask import Response, jsonify, request

from app.api import pages
from app.api import representations as rep
from app.api.blueprint import bp, json_object
from app.http_inputs import db_int
from app.security import current_actor
from app.services.workflow import bpmn_layout, deployment, versioning
from app.services.workflow.errors import InvalidInput


@bp.post("/process-definitions")
def deploy_definitions():
    """Multipart .bpmn files (and forms), or one document as JSON {"xml", "filename"} as the
    modeler sends it, whose forms may come from the process's deployed version.
    Optional, so that clients written before keep working: `note` (the change note kept
    with the version) and `confirmToken` (from /plan; when sent it must still match)."""
    actor = current_actor()
    deployment.require_designer(actor)
    files, reuse = (_document(), True) if request.is_json else (_uploaded_files(), False)
    note, token = _field("note"), _field("confirmToken")
    results = deployment.deploy(files, actor, reuse_deployed_forms=reuse, note=note,
                                confirmation=token if isinstance(token, str) else None)
    body = [{**rep.definition(r.definition), "created": r.created} for r in results]
    return jsonify(body[0] if len(body) == 1 else body), 201


@bp.post("/process-definitions/plan")
def plan_deployment():
    """What deploying the document would do: per process its name, current and new version
    and the changes against the current one, and the token confirming exactly that."""
    deployment.require_designer(current_actor())
    planned = versioning.plan(_document(), reuse_deployed_forms=True)
    return jsonify(processes=[p.as_dict() for p in planned.processes],
                   confirmToken=planned.token, changesAnything=planned.changes_anything)


@bp.post("/process-definitions/key/<key>/versions/<int:number>/redeploy")
def redeploy_version(key: str, number: int):
    """Roll back: version `number`'s content deployed again as a new version, with a
    required `note` and optionally the `currentVersion` the caller expects to replace."""
    body = json_object()
    restored = versioning.redeploy(key, number, current_actor(), note=body.get("note"),
                                   expected_current=versioning.expected_version(
                                       body.get("currentVersion")))
    return jsonify(rep.definition(restored)), 201


def _field(name: str):
    """A field of the JSON body or of the multipart form."""
    return json_object().get(name) if request.is_json else request.form.get(name)


@bp.post("/process-definitions/validate")
def validate_definition():
    """What deploying the document would report, without deploying it."""
    deployment.require_designer(current_actor())
    problems = deployment.validate(_document(), reuse_deployed_forms=True)
    return jsonify(valid=not problems, problems=[p.as_dict() for p in problems])


def _uploaded_files() -> list[tuple[str, bytes]]:
    files = [(f.filename or "", f.read())
             for key in request.files for f in request.files.getlist(key)]
    if not files:
        raise InvalidInput("send one or more .bpmn files as multipart field 'file'")
    return files


def _document() -> list[tuple[str, bytes]]:
    """A JSON body {"xml", "filename"}, or the raw XML (with ?filename=)."""
    if request.is_json:
        body = json_object()
        xml, filename = body.get("xml"), body.get("filename")
        if not isinstance(xml, str) or not xml.strip():
            raise InvalidInput("send the BPMN as the string field 'xml'",
                               errors=[{"field": "xml", "message": "required"}])
        if filename is not None and not isinstance(filename, str):
            raise InvalidInput("filename must be text",
                           errors=[{"field": "filename", "message": "must be text"}])
        return deployment.document_files(xml, filename or "")
    data = request.get_data()
    if not data.strip():
        raise InvalidInput("send the BPMN document as the request body")
    return deployment.document_files(data, request.args.get("filename", ""))


@bp.get("/process-definitions")
def list_definitions():
    return jsonify(pages.page(rep.definition(d) for d in deployment.listing()))


@bp.get("/process-definitions/key/<key>/xml")
def definition_xml(key: str):
    """The latest version's BPMN, or version ?version=N; `diagramXml` is the same document
    with a generated diagram when it has none (for bpmn-js)."""
    number = request.args.get("version", type=db_int)
    definition = deployment.version(key, number) if number else deployment.latest(key)
    return jsonify(id=definition.id, key=key, version=definition.version,
                   sourceName=definition.source_name, forms=sorted(definition.forms or {}),
                   bpmn20Xml=definition.bpmn_xml,
                   diagramXml=bpmn_layout.with_diagram(definition.bpmn_xml))


@bp.get("/process-definitions/key/<key>/xml/raw")
def definition_raw_xml(key: str):
    return Response(deployment.latest(key).bpmn_xml, mimetype="application/xml")
