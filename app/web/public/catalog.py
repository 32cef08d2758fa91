"""The public catalog and publicity pages (行政许可法 arts. 30 and 40): 办事指南, 授权公示 and
结果公示. Thin: the services decide what may be shown."""
from __future__ import annotations

from io import BytesIO

from flask import render_template, request, send_file
from flask_babel import lazy_gettext as _l

from app.services.authorization import public as authorization_public
from app.services.cases import public_results
from app.services.catalog import public as catalog_public
from app.services.catalog import samples
from app.web.public.blueprint import nav_entry, public_bp


def _page() -> int:
    page = request.args.get("page", "1")
    return int(page) if page.isdecimal() and 0 < int(page) < 10**6 else 1


@public_bp.get("/items")
def items():
    q = request.args.get("q", "")
    department = request.args.get("department", "")
    kind = request.args.get("kind", "")
    rows = catalog_public.items(q, catalog_public.department_id_of(department), kind)
    return render_template("public/items.html", rows=rows, q=q, department=department,
                           kind=kind, kinds=catalog_public.kinds(),
                           departments=catalog_public.departments())


@public_bp.get("/items/<code>")
def item(code: str):
    return render_template("public/guide.html", guide=catalog_public.guide(code),
                           days=catalog_public.days_text)


@public_bp.get("/items/<code>/materials/<material>/<kind>")
def sample_form(code: str, material: str, kind: str):
    """A material's 空白表格 or 示范文本, as a download (never shown inline)."""
    form = samples.published(code, material, kind)
    response = send_file(BytesIO(form.data), mimetype=form.content_type, as_attachment=True,
                         download_name=form.filename, etag=form.sha256)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@public_bp.get("/authorizations")
def authorizations():
    return render_template("public/authorizations.html",
                           units=authorization_public.listing())


@public_bp.get("/decisions")
def decisions():
    department = request.args.get("department", "")
    month = public_results.month_of(request.args.get("month"))
    page = _page()
    rows, total = public_results.decisions(catalog_public.department_id_of(department), page,
                                           month)
    shown_month = month.strftime("%Y-%m") if month else ""
    return render_template("public/decisions.html", rows=rows, total=total, page=page,
                           page_size=public_results.PAGE_SIZE, department=department,
                           month=shown_month, departments=catalog_public.departments(),
                           filter_args={k: v for k, v in (("department", department),
                                                          ("month", shown_month)) if v})


nav_entry("public.items", _l("办事指南"), _l("全部现行事项的办事指南：依据、条件、材料、时限、收费和办理地点"))
nav_entry("public.authorizations", _l("授权公示"), _l("各部门首席代表及其授权事项、AB岗"))
nav_entry("public.decisions", _l("结果公示"), _l("准予行政许可的决定"))
