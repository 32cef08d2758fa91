"""首问登记 (/enquiries): the window's log of enquiries answered or referred on, one day at a
time; a unit's staff write it, the center reads every unit's."""
from __future__ import annotations

from datetime import date

from flask import render_template, request

from app.models import Department, db
from app.models.enquiry import OUTCOME_LABELS
from app.security import current_actor
from app.services import calendar
from app.services.cases import enquiries
from app.web.blueprint import bp
from app.web.form_support import FailedForm, posted, submit


def _day() -> date:
    try:
        return date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return calendar.today()


def _page(failed: FailedForm | None = None) -> str:
    user, day = current_actor().user, _day()
    rows = enquiries.listing(user, day)
    units = [db.session.get(Department, d) for d in enquiries.units_for(user)]
    return render_template("cases/enquiries.html", failed=failed, rows=rows, day=day,
                           today=calendar.today(), outcomes=OUTCOME_LABELS,
                           units=sorted(units, key=lambda d: d.code))


@bp.get("/enquiries")
def enquiries_page():
    return _page()


@bp.post("/enquiries")
def enquiry_form():
    actor = current_actor()
    return submit("enquiry", lambda: enquiries.record(actor.user, posted(), actor), _page,
                  "web.enquiries_page")
