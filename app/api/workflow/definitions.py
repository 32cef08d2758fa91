from flask import Response, jsonify, request

from app.api import representations as rep
from app.api.blueprint import bp, json_object
from app.http_inputs import db_int
from app.security import current_actor
from app.services.workflow import bpmn_layout, deployment
from app.services.workflow.errors import InvalidInput


@bp.post("/process-definitions")
def deploy_definitions():
    """Multipart .bpmn files (and forms), or one document as JSON {"xml", "filename"} as the
    modeler sends it, whose forms may come from the process's deployed version."""
    actor = current_actor()
    deployment.require_designer(actor)
    if request.is_json:
        results = deployment.deploy(_document(), actor, reuse_deployed_forms=True)
    else:
        results = deployment.deploy(_uploaded_files(), actor)
    body = [{**rep.definition(r.definition), "created": r.created} for r in results]
    return jsonify(body[0] if len(body) == 1 else body), 201


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
        return deployment.document_files(xml, filename if isinstance(filename, str) else "")
    data = request.get_data()
    if not data.strip():
        raise InvalidInput("send the BPMN document as the request body")
    return deployment.document_files(data, request.args.get("filename", ""))


@bp.get("/process-definitions")
def list_definitions():
    return jsonify([rep.definition(d) for d in deployment.listing()])


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
