"""The public blueprint and its navigation. A part of the public site registers its entry in
`NAV` when its module is imported, so the parts stay independent of each other."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, render_template
from flask_babel import lazy_gettext as _l

public_bp = Blueprint("public", __name__, url_prefix="/public")


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object  # a lazy string: worded in the page's language when rendered
    summary: object = ""


NAV: list[NavEntry] = []


def nav_entry(endpoint: str, label, summary="") -> None:
    """Lists a public page in the header and on the public home page (once)."""
    if all(entry.endpoint != endpoint for entry in NAV):
        NAV.append(NavEntry(endpoint, label, summary))


@public_bp.app_context_processor
def _public_nav() -> dict:
    return {"public_nav": NAV}


@public_bp.get("/")
def home():
    return render_template("public/home.html")


nav_entry("public.home", _l("首页"))
