"""The JSON API under /api. Handlers are thin: parse, call a service, serialize.

Its folders follow the services': the workflow platform's endpoints in workflow/, the
service center's named after what a center does.
"""
from flask import Flask

from app.api.blueprint import bp


def init_app(app: Flask) -> None:
    app.json.ensure_ascii = False  # Chinese as UTF-8 text, in responses and in |tojson
    # importing a module registers its routes
    from app.api import agency, appointments, auth, authorization, calendar  # noqa: F401
    from app.api import cases, catalog  # noqa: F401
    from app.api import deliveries, docs, events, fees, intake, joint, linkage  # noqa: F401
    from app.api import remedies  # noqa: F401
    from app.api.committee import denials, reviews  # noqa: F401
    from app.api.organization import absences, units  # noqa: F401
    from app.api.supervision import assessment as supervision_assessment  # noqa: F401
    from app.api.workflow import attachments, decisions, definitions, instances, tasks  # noqa: F401
    app.register_blueprint(bp)
