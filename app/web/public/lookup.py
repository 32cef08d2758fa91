"""办件查询: the applicant looks a case up by its number and query code (or the ID number's
last six characters), without signing in. Rate-limited per client address."""
from __future__ import annotations

from flask import current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import limiter
from app.services.cases import notice_pdf, public_lookup
from app.services.evaluation import rating
from app.services.workflow.errors import NotFound
from app.web.public.blueprint import nav_entry, public_bp


def _lookup_limit() -> str:
    return current_app.config["LOOKUP_RATE_LIMIT"]


def _page(form: dict, view=None, case=None, tokens=None, problem: str = "") -> str:
    return render_template("public/lookup.html", form=form, view=view, case=case,
                           tokens=tokens or {}, problem=problem, rating=_rating(case),
                           stage_words=_stage_words(),
                           level_words=_level_words(), clock_words=_clock_words())


def _rating(case) -> dict:
    """好差评 from the lookup: a link to rate a concluded case not yet rated (一事一评)."""
    if case is None:
        return {}
    rated = rating.evaluation_of(case) is not None
    concluded = case.status_code in rating.CONCLUDED_CODES
    return {"rated": rated,
            "token": rating.rating_token(case) if concluded and not rated else None}


def _stage_words() -> dict[str, str]:
    return {public_lookup.RECEIVED: _("已接件，待受理"),
            public_lookup.SUPPLEMENT: _("待补正材料"),
            public_lookup.HANDLING: _("审批办理中"),
            public_lookup.PAUSED: _("暂停计时（特别程序或补正）"),
            public_lookup.REPORTED_UP: _("已上报上级办理"),
            public_lookup.CONCLUDED: _("已办结"),
            public_lookup.CLOSED: _("已终止办理")}


def _level_words() -> dict[str, str]:
    return {"province": _("省级"), "city": _("市级"), "county": _("县级")}


def _clock_words() -> dict[str, str]:
    return {"special": _("特别程序"), "correction": _("补正")}


@public_bp.get("/lookup")
def lookup():
    form = {"case_no": request.args.get("case_no", "").strip()[:public_lookup.MAX_INPUT]}
    return _page(form)


@public_bp.post("/lookup")
@limiter.limit(_lookup_limit)
def lookup_post():
    form = {"case_no": request.form.get("case_no", "").strip()[:public_lookup.MAX_INPUT]}
    if not form["case_no"] or not request.form.get("check", "").strip():
        return _page(form, problem=_("请填写办件编号和查询码（或证件号码后六位）。")), 400
    case = public_lookup.find(form["case_no"], request.form.get("check"))
    if case is None:  # the same answer for an unknown number and a wrong check
        return _page(form, problem=_("未找到该办件，或查询码/证件号码后六位不符。")), 404
    secret = current_app.config["SECRET_KEY"]
    view = public_lookup.view(case)
    tokens = {n.kind: public_lookup.notice_token(secret, case, n.kind) for n in view.notices}
    response = make_response(_page(form, view=view, case=case, tokens=tokens))
    response.headers["Cache-Control"] = "no-store"  # the applicant's data, on a shared phone
    return response


@public_bp.get("/lookup/notice/<token>")
def lookup_notice(token: str):
    found = public_lookup.notice_for_token(current_app.config["SECRET_KEY"], token[:500])
    if found is None:
        raise NotFound("the download link is invalid or has expired",
                       code="notice_link_invalid")
    case, notice = found
    url = public_lookup.lookup_url(current_app.config["PUBLIC_BASE_URL"], case)
    response = make_response(notice_pdf.render(notice, url))
    response.mimetype = "application/pdf"
    response.headers["Content-Disposition"] = f'inline; filename="notice-{notice["kind"]}.pdf"'
    response.headers["Cache-Control"] = "no-store"
    return response


nav_entry("public.lookup", _l("办件查询"), _l("凭办件编号和查询码查询办理进度"))
