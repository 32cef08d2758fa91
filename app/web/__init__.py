"""HTML pages. Their folders follow the services': the workflow platform's pages (sign-in,
inbox, tasks, designer, administration) in workflow/, the service center's named after what
a center does."""
from flask import Flask

from app.web.blueprint import bp


def init_app(app: Flask) -> None:
    from app.web import agency, appointments, authorization, cashier, catalog  # noqa: F401
    from app.web import evaluations  # noqa: F401
    from app.web import joint, linkage  # noqa: F401
    from app.web import time_filters, window_rating  # noqa: F401
    from app.web.calendar import admin, notice  # noqa: F401
    from app.web.cases import clock, delivery, enquiries, fees, intake, lenient  # noqa: F401
    from app.web.cases import remedies, search  # noqa: F401
    from app.web.committee import denials, reviews  # noqa: F401
    from app.web.organization import absences, center, documents, units  # noqa: F401
    from app.web.workflow import admin as workflow_admin  # noqa: F401
    from app.web.workflow import decisions, designer, pages, tasks, timer_pages  # noqa: F401
    from app.web.public import lookup as public_lookup  # noqa: F401  first in the header
    from app.web.public import catalog as public_catalog  # noqa: F401
    from app.web.public import rating as public_rating  # noqa: F401
    from app.web.public.blueprint import public_bp
    from app.web import supervision
    from app.web.supervision import checks as case_checks, duty  # noqa: F401
    from app.web.supervision import cards as supervision_cards  # noqa: F401
    from app.web.supervision import register as supervision_register  # noqa: F401
    from app.web.supervision import assessment as supervision_assessment  # noqa: F401
    supervision.init_app(app)
    app.register_blueprint(bp)
    app.register_blueprint(public_bp)
