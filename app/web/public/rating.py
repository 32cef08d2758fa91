"""好差评 on the public site: the page the SMS link at 办结 opens (一事一评), no sign-in."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import gettext as _

from app.models import db
from app.models.evaluation import BAD_LEVELS, LEVEL_LABELS, reasons_for
from app.services.evaluation import rating
from app.services.workflow.errors import Conflict, InvalidInput, NotFound
from app.web.form_support import FailedForm
from app.web.public.blueprint import public_bp


def _page(token: str, case, failed: FailedForm | None = None, status: int = 200):
    evaluation = rating.evaluation_of(case)
    return render_template(
        "public/rate.html", token=token, via=_channel(), case=case, evaluation=evaluation, failed=failed,
        concluded=case.status_code in rating.CONCLUDED_CODES, bad_levels=BAD_LEVELS,
        levels=list(LEVEL_LABELS.items()), reasons=reasons_for(_channel()),
        level_labels=LEVEL_LABELS), status


def _case(token: str):
    try:
        return rating.case_for_token(token)
    except NotFound:
        return None


def _channel() -> str:
    """The SMS link opens this page; the case lookup links here with ?via=lookup."""
    return "lookup" if request.args.get("via") == "lookup" else "sms"


def _invalid():
    return render_template("public/rate_invalid.html"), 404


@public_bp.get("/rate/<token>")
def rate(token: str):
    case = _case(token)
    return _invalid() if case is None else _page(token, case)


@public_bp.post("/rate/<token>")
def rate_submit(token: str):
    case = _case(token)
    if case is None:
        return _invalid()
    try:
        rating.rate(case, request.form.get("level"), request.form.getlist("reasons"),
                    request.form.get("comment", ""), _channel())
    except (InvalidInput, Conflict) as err:
        db.session.rollback()
        return _page(token, case, FailedForm("rate", err), err.status)
    return render_template("public/rate_thanks.html", case=case,
                           bad=rating.evaluation_of(case).bad, title=_("感谢您的评价"))
