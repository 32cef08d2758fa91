"""The application factory: its body is the table of contents of the server."""
from __future__ import annotations

import os
import sys

from flask import Flask

from app.config import ConfigError, build_config


def create_app(overrides: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(_settings(app.instance_path, from_entry_point=overrides is None))
    app.config.update(overrides or {})
    os.makedirs(app.instance_path, exist_ok=True)

    from app import cli, database, errors, http_inputs, i18n, security
    from app.api import init_app as init_api
    from app.engine import script_limits
    from app.services import center
    from app.web import init_app as init_web

    http_inputs.init_app(app)  # before any route: path ids fit the database
    database.init_app(app)
    security.init_app(app)
    i18n.init_app(app)
    errors.init_app(app)
    script_limits.configure(app.config["SCRIPT_TIME_LIMIT_SECONDS"],
                            app.config["SCRIPT_MEMORY_LIMIT_MB"])
    center.register()  # the service center's rules, plugged into the workflow platform
    init_api(app)
    init_web(app)
    cli.init_app(app)
    return app


def _settings(instance_path: str, *, from_entry_point: bool) -> dict:
    """The environment's settings. Started by flask, gunicorn or celery (no overrides), a bad
    setting is one line naming it and exit status 2, not a traceback."""
    try:
        return build_config(instance_path)
    except ConfigError as err:
        if not from_entry_point:
            raise
        print(f"govflow: configuration error: {err}", file=sys.stderr)
        raise SystemExit(2) from None
