"""一次一评: the rating device at a window (/window/rate), signed in as the window's clerk.
The applicant faces it, so it shows the public site's layout, not the staff navigation."""
from __future__ import annotations

from flask import abort, render_template

from app.models.evaluation import BAD_LEVELS, LEVEL_LABELS, reasons_for
from app.security import current_actor
from app.services.evaluation import window
from app.web.blueprint import bp
from app.web.form_support import FailedForm, posted, submit


def _page(failed: FailedForm | None = None, thanked: bool = False) -> str:
    if not window.may_use(current_actor().user):
        abort(403)
    return render_template("evaluations/window.html", failed=failed, thanked=thanked,
                           levels=list(LEVEL_LABELS.items()), bad_levels=BAD_LEVELS,
                           reasons=reasons_for("window"))


@bp.get("/window/rate")
def window_rating_page():
    return _page()


@bp.get("/window/rate/thanks")
def window_rating_thanks():
    return _page(thanked=True)


@bp.post("/window/rate")
def window_rating_form():
    actor = current_actor()
    return submit("rate", lambda: window.rate_visit(actor.user, posted("reasons"), actor),
                  _page, "web.window_rating_thanks")
