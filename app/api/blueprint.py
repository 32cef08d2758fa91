"""The API's blueprint and what every handler shares."""
from flask import Blueprint, request

from app.services.workflow.errors import InvalidInput

bp = Blueprint("api", __name__, url_prefix="/api")


def json_object() -> dict:
    """The request body as a JSON object ({} when empty); anything else is a 400."""
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body
