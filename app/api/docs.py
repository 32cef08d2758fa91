"""The API's contract and its reference page, open to anyone (an integrator reads them before
holding a token)."""
from __future__ import annotations

from flask import jsonify, render_template

from app.api import openapi
from app.api.blueprint import bp


@bp.get("/openapi.json")
def openapi_document():
    return jsonify(openapi.document())


@bp.get("/docs")
def api_reference():
    """Swagger UI, served from this server (nothing from a CDN), on /api/openapi.json."""
    return render_template("api_docs.html")
