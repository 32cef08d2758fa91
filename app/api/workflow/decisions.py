"""The DMN decision tables a deployed process version calls (designers and administrators)."""
from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp
from app.http_inputs import db_int
from app.security import current_actor
from app.services.workflow import decisions, deployment


@bp.get("/process-definitions/key/<key>/decisions")
def definition_decisions(key: str):
    """The latest version's tables (or `?version=N`): inputs, outputs, rules, and the XML."""
    deployment.require_designer(current_actor())
    number = request.args.get("version", type=db_int)
    definition = deployment.version(key, number) if number else deployment.latest(key)
    return jsonify(key=key, version=definition.version, **pages.page(
        {**decisions.rows(table), "xml": table.text} for table in decisions.tables_of(definition)))
