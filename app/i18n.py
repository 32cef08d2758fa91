"""Simplified Chinese first, English on request (?lang=en or the browser's preference)."""
from flask import Flask, request, session

from app.extensions import babel

LANGUAGES = ("zh_Hans_CN", "en")


def _locale() -> str:
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in ("en", "zh"):
        session["lang"] = chosen
        return "en" if chosen == "en" else "zh_Hans_CN"
    return request.accept_languages.best_match(["zh", "en"], default="zh") == "en" and "en" \
        or "zh_Hans_CN"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=_locale)
