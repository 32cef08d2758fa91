"""The lead window's board (牵头窗口看板) for joint cases: departments as columns, and the
urge, extension and meeting actions as plain forms over joint_board."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.http_inputs import db_int
from app.models.joint import MEETING_KINDS, OPINION_LABELS
from app.security import current_actor
from app.services import calendar
from app.services.joint import board as joint_board
from app.services.workflow.errors import Conflict, InvalidInput
from app.web import problem_text
from app.web.blueprint import bp

MEETING_LABELS = {"inspection": "联合踏勘", "meeting": "联席会议"}


@bp.get("/joint")
def joint_board_page():
    rows, columns = joint_board.board(current_user._get_current_object(),
                                      include_closed=request.args.get("closed") == "1")
    return render_template("joint/board.html", rows=rows, columns=columns,
                           state_labels={k: _(v) for k, v in OPINION_LABELS.items()},
                           meeting_labels={k: _(v) for k, v in MEETING_LABELS.items()},
                           meeting_kinds=MEETING_KINDS, local=calendar.to_local)


def _act(action) -> object:
    """Run a board action; a refusal comes back as a message at the top of the board."""
    try:
        action()
        flash(_("已办理"))
    except (InvalidInput, Conflict) as err:
        flash(_("未能办理：%(reason)s", reason=problem_text.for_people(err)))
    return redirect(url_for("web.joint_board_page"), code=303)


@bp.post("/joint/<int:instance_id>/urge")
def joint_urge(instance_id: int):
    department_id = request.form.get("department_id", type=db_int)
    return _act(lambda: joint_board.urge(instance_id, department_id, current_actor()))


@bp.post("/joint/<int:instance_id>/extension")
def joint_extension(instance_id: int):
    days = request.form.get("days", type=db_int)
    return _act(lambda: joint_board.request_extension(
        instance_id, days, request.form.get("reason", ""), current_actor()))


@bp.post("/joint/<int:instance_id>/meetings")
def joint_meeting(instance_id: int):
    form = request.form
    return _act(lambda: joint_board.schedule_meeting(
        instance_id, form.get("kind", ""), form.get("held_at", ""), form.get("place", ""),
        current_actor()))
