"""The JSON API under /api. Handlers are thin: parse, call a service, serialize."""
from flask import Blueprint, Flask

bp = Blueprint("api", __name__, url_prefix="/api")


def init_app(app: Flask) -> None:
    from app.api import auth, definitions, instances, tasks  # noqa: F401 - registers routes
    app.register_blueprint(bp)
