"""HTML pages. Sign-in and the inbox; the richer pages build on the same services."""
from flask import Blueprint, Flask

bp = Blueprint("web", __name__)


def init_app(app: Flask) -> None:
    from app.web import (absence_pages, admin_calendar_notice_pages,  # noqa: F401
                         admin_calendar_pages, admin_pages,
                         catalog_pages, designer_pages, intake_pages,  # registers routes
                         joint_pages, link_pages,
                         letters_pages, organization_pages, pages, task_pages)
    from app.web import committee_pages, decision_pages, denial_pages  # noqa: F401
    from app.web import clock_pages  # noqa: F401  延期, 特别程序
    app.register_blueprint(bp)
