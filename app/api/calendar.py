"""The working-day calendar: its years (confirmed or provisional), entering the State
Council's notice, and counting a limit."""
from __future__ import annotations

from flask import current_app, jsonify, request

from app.api import pages
from app.api.blueprint import bp, json_object
from app.models import db
from app.security import current_actor
from app.services import calendar
from app.services.calendar import admin as calendar_admin
from app.services.workflow import permissions
from app.services.workflow.errors import InvalidInput


def _region() -> str:
    return current_app.config["CALENDAR_REGION"]


def _text(body: dict, key: str) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or len(value) > 20_000:
        raise InvalidInput(f"{key} must be a text of at most 20000 characters", field=key)
    return value


def _change_json(change) -> dict:
    return {"day": change.day.isoformat(), "wasWorkday": change.was_workday,
            "isWorkday": change.is_workday, "note": change.note}


@bp.get("/calendar/years")
def calendar_years():
    permissions.require_admin(current_actor())
    return jsonify(pages.page(
        {"year": row.year, "status": row.status, "source": row.source,
         "documentNo": row.document_no,
         "confirmedAt": row.confirmed_at.isoformat() if row.confirmed_at else None}
        for row in calendar_admin.years(_region())))


@bp.post("/calendar/years/<int:year>/notice")
def calendar_notice(year: int):
    """Enter the notice: {"text": "...", "documentNo": "..."}; with "dryRun": true only the
    days it would change."""
    actor = current_actor()
    permissions.require_admin(actor)
    body = json_object()
    text = _text(body, "text")
    dry_run = body.get("dryRun", False)
    if not isinstance(dry_run, bool):
        raise InvalidInput("dryRun must be true or false",
                           errors=[{"field": "dryRun", "message": "must be true or false"}])
    if dry_run:
        arrangement, changes = calendar_admin.preview_notice(_region(), year, text)
        return jsonify({"year": year, "changes": [_change_json(c) for c in changes],
                        "holidays": [{"name": n, "first": a.isoformat(), "last": b.isoformat()}
                                     for n, a, b in arrangement.holidays],
                        "workdays": [d.isoformat() for d in arrangement.workdays]})
    done = calendar_admin.confirm_notice(_region(), year, text, _text(body, "documentNo"),
                                         actor)
    db.session.commit()
    return jsonify({"year": year, "status": "confirmed",
                    "changes": [_change_json(c) for c in done.changes],
                    "movedInstances": done.moved_instances})


@bp.get("/calendar/deadline")
def calendar_deadline():
    """When `days` working days counted from `start` end, and whether that is provisional."""
    start, days = request.args.get("start", ""), request.args.get("days", "")
    try:
        due = calendar.add_working_days(start, days)
    except OverflowError:  # a start at the end (or the start) of what a date can hold
        raise InvalidInput("start is too far from any calendar year", field="start",
                           code="calendar_invalid_start") from None
    except ValueError as err:
        if isinstance(err, InvalidInput):
            raise
        raise InvalidInput(f"start must be an ISO date or moment with an offset: {err}",
                           field="start", code="calendar_invalid_start") from None
    return jsonify({"start": start, "days": days, "due": due.isoformat(),
                    "provisional": calendar.is_provisional(due, since=start)})
