"""The applicant's progress lookup (办件查询), public and without signing in.

A case is found by its number and a check only the applicant holds: the query code printed
on the 受理通知书 or the last six characters of the ID number. What it shows is an
`ApplicantView`: the status, who handles it (department and window, never a person), the
stage, the deadlines and what moved them, what is missing in a 补正, the written notices,
the licence's number, validity and status, and for a 上报件 the level that holds it.
Nothing else of the case leaves this module.
"""
from __future__ import annotations

import hmac
from urllib.parse import quote
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.models import Case, CaseLink, HumanTask, ProcessInstance, Window, db
from app.models.case_clock import APPROVED, ENDED, EXTENSION, RUNNING
from app.models.organization import window_department
from app.models.task import OPEN
from app.services.cases import clock as case_clock
from app.services.cases import licences, notices
from app.services.linkage import tracking
from app.services.workflow import instances, working_days

ID_DIGITS = 6  # the last characters of the ID number that stand in for the query code
MAX_INPUT = 40
REGISTRATION_DIGITS = 12  # a 接件登记号 is the instance id, zero-padded to six digits
NOTICE_TOKEN_SALT = "public-notice"
NOTICE_TOKEN_MAX_AGE = 30 * 60  # a link from the result page works for half an hour
_DUMMY = "X" * 8  # compared against when the number is unknown: the same work either way

# Stages in plain words for the page (translated there), from the status codes.
RECEIVED, SUPPLEMENT, HANDLING, PAUSED, REPORTED_UP, CONCLUDED, CLOSED = (
    "received", "supplement", "handling", "paused", "reported_up", "concluded", "closed")
_CLOSED_CODES = (2, 4, 5, 14, 15)
_CONCLUDED_CODES = (11, 12, 13)


@dataclass(frozen=True)
class ClockLine:
    """An extension or pause the applicant was told of in writing."""
    kind: str  # extension / special / correction
    procedure: str  # 听证, 检验, … for a special procedure, else ""
    reason: str
    days: int  # requested (extension) or expected (pause) working days
    moved_days: int  # by how many working days it moved the deadline (0 while running)
    running: bool
    started_at: datetime | None
    ended_at: datetime | None


@dataclass(frozen=True)
class NoticeLine:
    kind: str
    title: str
    number: str
    date: str


@dataclass(frozen=True)
class HoldingLevel:
    level: str  # province / city / county
    center_name: str


@dataclass(frozen=True)
class ApplicantView:
    case_no: str  # empty before 受理
    registration_no: str  # 接件登记号, what the notices before 受理 carry
    item_name: str
    status_name: str
    stage: str
    steps: tuple[str, ...]  # the open steps' titles (process data, no person)
    department: str
    window: str | None
    received_at: datetime
    accepted_at: datetime | None
    promised_deadline: datetime | None
    current_deadline: datetime | None
    concluded_at: datetime | None
    clock: tuple[ClockLine, ...]
    missing: tuple[str, ...]
    notices: tuple[NoticeLine, ...]
    holding_level: HoldingLevel | None
    licence: licences.PublicLicence | None = None  # 电子证照 of an approval


def find(case_no: object, check: object) -> Case | None:
    """The case numbered `case_no` if `check` is its query code (any case) or the last six
    characters of the applicant's ID number; None alike for an unknown number and a wrong
    check, so that an answer tells nothing about which of the two was wrong."""
    number = str(case_no or "").strip()[:MAX_INPUT]
    given = str(check or "").strip().upper()[:MAX_INPUT]
    case = _numbered(number)
    code = (case.query_code if case else None) or _DUMMY
    digits = ((case.applicant_id_number or "") if case else "")[-ID_DIGITS:] or _DUMMY
    by_code = hmac.compare_digest(given.encode(), code.encode())
    by_digits = hmac.compare_digest(given.encode(), digits.encode())
    if case is None or len(given) < ID_DIGITS:
        return None
    if (by_code and case.query_code) or (by_digits and case.applicant_id_number):
        return case
    return None


def _numbered(number: str) -> Case | None:
    """By its case number (办件编号), or before 受理 by its 接件登记号 (notices.registration_no,
    on the 一次性告知书 and the 不予受理决定书)."""
    if not number:
        return None
    case = db.session.scalar(sa.select(Case).where(Case.case_no == number))
    if case is None and number.isdecimal() and len(number) <= REGISTRATION_DIGITS:
        case = db.session.scalar(sa.select(Case).where(Case.instance_id == int(number)))
    return case


def view(case: Case) -> ApplicantView:
    events = case_clock.events(case.instance_id)
    told = [e for e in events if e.notice_no and (e.kind != EXTENSION or e.state == APPROVED)]
    moved = sum(e.moved_days for e in told)  # approved extensions, running or ended pauses
    steps = tuple(db.session.scalars(sa.select(HumanTask.title).where(
        HumanTask.instance_id == case.instance_id, HumanTask.state == OPEN)
        .order_by(HumanTask.id)))
    holding = _holding_level(case)
    return ApplicantView(
        case_no=case.case_no or "", registration_no=notices.registration_no(case),
        item_name=case.item.name, status_name=case.status_name,
        stage=_stage(case, told, holding), steps=steps,
        department=case.item.department.name, window=_window_name(case),
        received_at=case.received_at, accepted_at=case.accepted_at,
        promised_deadline=(working_days.shift_working_days(case.deadline_at, -moved)
                           if case.deadline_at and moved else case.deadline_at),
        current_deadline=case.deadline_at, concluded_at=case.concluded_at,
        clock=tuple(_clock_line(e) for e in told), missing=_missing(case),
        notices=_notices(case), holding_level=holding,
        licence=licences.public(licences.of_case(case.instance_id)))


def _stage(case: Case, told: list, holding: HoldingLevel | None) -> str:
    if case.status_code in _CLOSED_CODES:
        return CLOSED
    if case.status_code in _CONCLUDED_CODES:
        return CONCLUDED
    if case.status_code == 6:
        return SUPPLEMENT
    if any(e.state == RUNNING for e in told):
        return PAUSED
    if holding is not None:
        return REPORTED_UP
    return HANDLING if case.accepted_at else RECEIVED


def _clock_line(event) -> ClockLine:
    return ClockLine(kind=event.kind, procedure=case_clock.PROCEDURES.get(event.procedure, ""),
                     reason=event.reason, days=event.days, moved_days=event.moved_days,
                     running=event.state == RUNNING, started_at=event.requested_at,
                     ended_at=event.decided_at if event.state == ENDED else None)


def _missing(case: Case) -> tuple[str, ...]:
    if case.status_code != 6 or not case.supplements or case.supplements[-1]["ended_at"]:
        return ()
    return tuple(notices.missing_material_names(case))


def _notices(case: Case) -> tuple[NoticeLine, ...]:
    variables = _variables(case)
    found = []
    for kind in notices.applicable(case):
        notice = notices.build(case, kind, variables)
        found.append(NoticeLine(kind, notice["title"], notice["number"],
                                notice["signature"]["date"]))
    return tuple(found)


def _window_name(case: Case) -> str | None:
    """The window serving the item's department in the case's center: the receiving clerk's,
    if the clerk holds a post there."""
    department = case.item.department
    windows = list(db.session.scalars(
        sa.select(Window).join(window_department, window_department.c.window_id == Window.id)
        .where(window_department.c.department_id == department.id,
               Window.center_id == department.center_id, Window.active)
        .order_by(Window.code)))
    clerk = case.received_by
    mine = [w for w in windows if any(clerk in (p.a_user_id, p.b_user_id) for p in w.posts)]
    chosen = (mine or windows or [None])[0]
    return f"{chosen.code} {chosen.name}".strip() if chosen else None


def _holding_level(case: Case) -> HoldingLevel | None:
    """For a case reported to a higher level (上报件) and held there: that level; a report on
    its way is held by nobody yet (no center name). None while the case is handled here."""
    link = db.session.scalar(sa.select(CaseLink).where(CaseLink.case_id == case.id))
    if link is None or not link.upper_center:
        return None
    holder = tracking.timeline(link).holder
    if holder is None:
        return HoldingLevel("", "")
    if holder.get("center") == link.center_code:
        return None
    return HoldingLevel(holder.get("level", ""), holder.get("center_name", ""))


def lookup_url(public_base_url: str, case: Case) -> str | None:
    """Where the QR code on the case's notices leads: its lookup, the number filled in."""
    if not case.case_no:
        return None  # not accepted yet: nothing to look it up by
    return f"{public_base_url.rstrip('/')}/public/lookup?case_no={quote(case.case_no)}"


# Notice downloads from the result page: a signed, time-limited token names the case and the
# notice, so that no URL can be guessed or kept for later.
def notice_token(secret: str, case: Case, kind: str) -> str:
    return URLSafeTimedSerializer(secret, salt=NOTICE_TOKEN_SALT).dumps([case.id, kind])


def notice_for_token(secret: str, token: str,
                     max_age: int = NOTICE_TOKEN_MAX_AGE) -> tuple[Case, dict] | None:
    """The case and the notice the token names, or None if it is forged, expired or stale."""
    try:
        case_id, kind = URLSafeTimedSerializer(secret, salt=NOTICE_TOKEN_SALT).loads(
            token, max_age=max_age)
    except (BadSignature, SignatureExpired, ValueError, TypeError):
        return None
    case = db.session.get(Case, case_id) if isinstance(case_id, int) else None
    if case is None or not isinstance(kind, str) or kind not in notices.applicable(case):
        return None
    return case, notices.build(case, kind, _variables(case))


def _variables(case: Case) -> dict:
    """The process variables the notices word themselves from (reasons, legal basis)."""
    return instances.variables(db.session.get(ProcessInstance, case.instance_id))
