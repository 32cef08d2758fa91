"""The JSON API under /api. Handlers are thin: parse, call a service, serialize."""
from flask import Blueprint, Flask, request

from app.services.errors import InvalidInput

bp = Blueprint("api", __name__, url_prefix="/api")


def json_object() -> dict:
    """The request body as a JSON object ({} when empty); anything else is a 400."""
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


def init_app(app: Flask) -> None:
    app.json.ensure_ascii = False  # Chinese as UTF-8 text, in responses and in |tojson
    from app.api import (absences, attachments, auth, catalog, definitions,  # noqa: F401
                         instances, joint, letters, links, organization,  # importing registers
                         tasks)  # the routes
    from app.api import committee, decisions, denials  # noqa: F401  审批决策委员会, 否定报备
    from app.api import calendar  # noqa: F401  工作日历
    from app.api import clock  # noqa: F401  延期, 特别程序
    app.register_blueprint(bp)
