from flask import Response, jsonify, request

from app.api import bp
from app.api import representations as rep
from app.security import current_actor
from app.services import deployment
from app.services.errors import Forbidden, InvalidInput
from app.models.identity import CENTER_ADMIN, PROCESS_DESIGNER


@bp.post("/process-definitions")
def deploy_definitions():
    actor = current_actor()
    if not (actor.user.has_role(PROCESS_DESIGNER) or actor.user.has_role(CENTER_ADMIN)):
        raise Forbidden("only process designers and administrators may deploy", code="not_designer")
    files = [(f.filename or "", f.read())
             for key in request.files for f in request.files.getlist(key)]
    if not files:
        raise InvalidInput("send one or more .bpmn files as multipart field 'file'")
    results = deployment.deploy(files, actor)
    body = [{**rep.definition(r.definition), "created": r.created} for r in results]
    return jsonify(body[0] if len(body) == 1 else body), 201


@bp.get("/process-definitions")
def list_definitions():
    return jsonify([rep.definition(d) for d in deployment.listing()])


@bp.get("/process-definitions/key/<key>/xml")
def definition_xml(key: str):
    definition = deployment.latest(key)
    return jsonify(id=definition.id, key=key, version=definition.version,
                   bpmn20Xml=definition.bpmn_xml)


@bp.get("/process-definitions/key/<key>/xml/raw")
def definition_raw_xml(key: str):
    return Response(deployment.latest(key).bpmn_xml, mimetype="application/xml")
