"""Simplified Chinese first, English on request (?lang=en or the browser's preference).

The source strings are Chinese; app/translations/en/LC_MESSAGES/messages.po holds their
English. Its compiled .mo is built by `make run` / `make test` and not committed: without it
every page falls back to Chinese (a warning is logged). See README, "Translations".
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_babel import refresh

from app.extensions import babel

LANGUAGES = ("zh_Hans_CN", "en")
CHOICES = {"en": "en", "zh": "zh_Hans_CN"}  # ?lang= value -> locale
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _start_request() -> None:
    """Choose the language afresh (Flask-Babel keeps it in g, which outlives a request when an
    app context is already active, as in tests); ?lang=en or ?lang=zh sticks for the session,
    set before anything is rendered (base.html reads it for <html lang>)."""
    refresh()
    if request.args.get("lang") in CHOICES:
        session["lang"] = request.args["lang"]


def _locale() -> str:
    if not has_request_context():  # a CLI command or a worker: the center's language
        return CHOICES["zh"]
    chosen = request.args.get("lang") or session.get("lang")
    if chosen in CHOICES:
        return CHOICES[chosen]
    return CHOICES[request.accept_languages.best_match(["zh", "en"], default="zh")]


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=_locale)
    app.before_request(_start_request)
    directories = app.config.get("BABEL_TRANSLATION_DIRECTORIES", "translations").split(";")
    if not any(Path(app.root_path, d, "en", "LC_MESSAGES", "messages.mo").is_file()
               for d in directories):
        app.logger.warning("no compiled English catalog under %s: English pages fall back "
                           "to Chinese (make run and make test compile it: pybabel compile "
                           "-d app/translations)", ", ".join(directories))


# --- message extraction (babel.cfg) --------------------------------------------------------

def extract_tables(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """A pybabel extractor for modules whose tables of display names (status names, labels)
    the pages pass through gettext: the module's usual _() messages, plus every Chinese
    string literal in the module-level assignments named by the `names` option."""
    from babel.messages.extract import extract_python

    yield from extract_python(fileobj, keywords, comment_tags, options)
    fileobj.seek(0)
    source = fileobj.read()
    tree = ast.parse(source.decode(options.get("encoding", "utf-8"))
                     if isinstance(source, bytes) else source)
    wanted = set(options.get("names", "").split())
    for statement in tree.body:
        if _assigned_name(statement) in wanted:
            for node in ast.walk(statement.value):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                        and CJK.search(node.value):
                    yield node.lineno, "gettext", node.value, []


def _assigned_name(statement: ast.stmt) -> str | None:
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target = statement.target
    else:
        return None
    return target.id if isinstance(target, ast.Name) else None
