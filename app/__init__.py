"""The application factory: its body is the table of contents of the server."""
from __future__ import annotations

import os

from flask import Flask

from app.config import build_config


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(build_config(app.instance_path))
    app.config.update(overrides or {})
    os.makedirs(app.instance_path, exist_ok=True)

    from app import cli, database, errors, http_inputs, i18n, security
    from app.api import init_app as init_api
    from app.engine import script_limits
    from app.services import effects
    from app.web import init_app as init_web

    http_inputs.init_app(app)  # before any route: path ids fit the database
    database.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    script_limits.configure(app.config["SCRIPT_TIME_LIMIT_SECONDS"],
                            app.config["SCRIPT_MEMORY_LIMIT_MB"])
    effects.register()
    init_api(app)
    init_web(app)
    cli.init_app(app)
    return app
