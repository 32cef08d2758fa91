"""The 红黄牌 board (/supervision/cards): this month's yellow and red cards per unit and the
open cases holding one; the center sees every unit, a unit its own."""
from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l

from app.security import current_actor
from app.services import supervision
from app.services.supervision import cards
from app.web.blueprint import bp
from app.web.supervision import nav_entry

nav_entry("web.supervision_cards_page", _l("红黄牌"), units_too=True)


@bp.get("/supervision/cards")
def supervision_cards_page():
    viewer = current_actor().user
    month = cards.checked_month(request.args.get("month"))
    board = cards.board(month, supervision.units_of(viewer))
    peak = max([n for _, counts in board.units for n in counts.values()] or [0]) or 1
    return render_template("supervision/cards.html", board=board, peak=peak)
