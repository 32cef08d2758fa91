"""Who may sit at a window (窗口人员配备, seeds 000, 002 and 004), and sending people back.

Seed 004: 窗口工作人员必须是在本单位工作2年以上的正式在编人员，且具备实施行政执法资格，在窗口
岗位不得少于2年……对窗口单位未按要求配备的人员，中心一律予以退回原单位. Seed 000: the chief
representative is established staff (正式在编) of section rank or above (股级以上). Seed 002
art. 22: rotating a clerk out early needs the center's prior consent.

The staff record (StaffRecord) keeps these facts. Granting a window role to someone who
does not meet them, or taking a clerk off the window within 2 years, is refused unless the
center records its approval with a reason (`exceptionReason`), which the audit keeps. Only
center administrators change roles, so that approval is the center's by construction.
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta

from app.models import HumanTask, StaffRecord, User, db
from app.models.identity import CHIEF_REPRESENTATIVE, WINDOW_CLERK, WINDOW_HEAD
from app.services import calendar, organization
from app.services.organization import routing
from app.services.organization.checks import Problems, get_or_404, past_day, ticked
from app.services.workflow import audit, execution, notifications, permissions, reassign
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput

WINDOW_ROLES = (*organization.WINDOW_ROLES, WINDOW_HEAD)  # what 退回原单位 ends

YEARS_IN_DEPARTMENT = 2  # 在本单位工作2年以上
YEARS_AT_WINDOW = {WINDOW_CLERK: 2,  # 在窗口岗位不得少于2年 (seed 004)
                   CHIEF_REPRESENTATIVE: 1}  # 连续工作时间不得少于一年 (seeds 000, 002)
RULED_ROLES = (WINDOW_CLERK, CHIEF_REPRESENTATIVE, WINDOW_HEAD)
CERTIFICATE_LENGTH = 40


def record_of(user_id: int) -> StaffRecord | None:
    return db.session.get(StaffRecord, user_id)


def records_of(user_ids) -> dict[int, StaffRecord]:
    ids = list(user_ids)
    if not ids:
        return {}
    return {r.user_id: r for r in db.session.scalars(
        sa.select(StaffRecord).where(StaffRecord.user_id.in_(ids)))}


# The facts the rules read, as a record without any (nobody's record yet) holds them.
BLANK_RECORD = {"established": False, "section_head": False, "section_rank": False,
                "department_since": None, "enforcement_certificate": "", "window_since": None}


def preview(record: StaffRecord | None, values: Mapping) -> StaffRecord:
    """The record as it would be with `values` written (kept out of the session)."""
    current = BLANK_RECORD if record is None else {
        name: getattr(record, name) for name in BLANK_RECORD}
    return StaffRecord(**{**current, **values})


def as_json(record: StaffRecord | None) -> dict:
    blank = record is None
    return {"established": False if blank else record.established,
            "sectionHead": False if blank else record.section_head,
            "sectionRank": False if blank else record.section_rank,
            "departmentSince": None if blank or not record.department_since
            else record.department_since.isoformat(),
            "enforcementCertificate": "" if blank else record.enforcement_certificate,
            "windowSince": None if blank or not record.window_since
            else record.window_since.isoformat(),
            "sentBackOn": None if blank or not record.sent_back_on
            else record.sent_back_on.isoformat(),
            "sentBackReason": "" if blank else record.sent_back_reason}


# --- the record ----------------------------------------------------------------------------

def checked_fields(data, problems: Problems, where: str = "qualification") -> dict:
    """Model attribute -> value for the fields given (JSON or an HTML form's strings)."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        problems.add(where, "an object {established, sectionHead, sectionRank, "
                            "departmentSince, enforcementCertificate, windowSince}")
        return {}
    prefix, values = f"{where}." if where else "", {}
    for field, attr in (("established", "established"), ("sectionHead", "section_head"),
                        ("sectionRank", "section_rank")):
        if field in data:
            values[attr] = _truth(data[field], f"{prefix}{field}", problems)
    for field, attr in (("departmentSince", "department_since"),
                        ("windowSince", "window_since")):
        if field in data:
            values[attr] = past_day(data[field], f"{prefix}{field}", problems)
    if "enforcementCertificate" in data:
        text = data["enforcementCertificate"]
        if text is not None and not isinstance(text, str):
            problems.add(f"{prefix}enforcementCertificate", "must be text")
        elif len((text or "").strip()) > CERTIFICATE_LENGTH:
            problems.add(f"{prefix}enforcementCertificate", "is too long")
        else:
            values["enforcement_certificate"] = (text or "").strip()
    return values


def apply_fields(user: User, values: Mapping) -> tuple[StaffRecord, dict]:
    """Write the values into the user's record (made if missing); {attr: [before, after]}."""
    record = record_of(user.id) if user.id else None
    if record is None:
        record = StaffRecord(**BLANK_RECORD, sent_back_reason="")
        record.user_id = user.id
        db.session.add(record)
    changes = {}
    for attr, value in values.items():
        before = getattr(record, attr)
        if before != value:
            changes[attr] = [_plain(before), _plain(value)]
            setattr(record, attr, value)
    return record, changes


def update(user_id: int, data, actor: Actor) -> StaffRecord:
    permissions.require_admin(actor)
    user = get_or_404(User, user_id, "staff")
    problems = Problems()
    values = checked_fields(data, problems, where="")
    problems.raise_if_any("invalid_staff_record", "staff record")
    record, changes = apply_fields(user, values)
    if changes:
        audit.record(actor, "staff.record_updated", staff_id=user.id, changes=changes)
    db.session.commit()
    return record


# --- the rules -----------------------------------------------------------------------------

def shortfalls(record: StaffRecord | None, role: str, day: date) -> list[dict]:
    """What the person lacks for `role` on `day`, as the API's errors."""
    if role not in RULED_ROLES:
        return []
    lacking = []
    if record is None or not record.established:
        lacking.append(("established", f"a {role} is formally established staff of the "
                                       "department"))
    if role == WINDOW_CLERK:
        since = record.department_since if record else None
        if since is None or since > day - relativedelta(years=YEARS_IN_DEPARTMENT):
            lacking.append(("departmentSince", f"a window clerk has worked in the department "
                                               f"for {YEARS_IN_DEPARTMENT} years or more"))
        if record is None or not record.enforcement_certificate:
            lacking.append(("enforcementCertificate", "a window clerk holds law-enforcement "
                                                      "qualification (a certificate number)"))
    if role == CHIEF_REPRESENTATIVE and not (record is not None and record.section_rank):
        lacking.append(("sectionRank", "a chief representative is of section rank or above "
                                       "(股级以上)"))
    if role == WINDOW_HEAD and not (record is not None and record.section_head):
        lacking.append(("sectionHead", "a window head heads the department's approving "
                                       "section"))
    return [{"field": f"qualification.{field}", "message": message} for field, message in lacking]


def unmet(user: User, record: StaffRecord | None) -> list[str]:
    """What the person lacks today for the window roles they hold (the staff list shows it:
    the center sends back who was sent without meeting the rules)."""
    day = calendar.today()
    return [p["message"] for p in _unique([problem for role in sorted(user.roles)
                                           for problem in shortfalls(record, role, day)])]


def early_rotation(record: StaffRecord | None, day: date, role: str) -> list[dict]:
    """Taking a clerk or a chief representative off the window before their term is served
    (seed 004: 2 years for a clerk; seeds 000 and 002 art. 30: 1 year for a chief)."""
    years = YEARS_AT_WINDOW[role]
    since = record.window_since if record else None
    if since is None or since + relativedelta(years=years) <= day:
        return []
    until = since + relativedelta(years=years)
    return [{"field": "qualification.windowSince",
             "message": f"serves at the window for {years} year{'s' if years > 1 else ''}, "
                        f"until {until.isoformat()}"}]


def check_role_change(username: str, record: StaffRecord | None, before: set, after: set,
                      exception_reason) -> dict | None:
    """Refuse what the seeds forbid in the change of roles, unless the center approves it
    with a reason; returns what was approved (for the audit entry) or None."""
    if exception_reason is not None and not isinstance(exception_reason, str):
        raise InvalidInput("exceptionReason must be text",
                           errors=[{"field": "exceptionReason", "message": "must be text"}])
    day = calendar.today()
    unmet = [problem for role, department_id in sorted(after - before, key=str)
             for problem in shortfalls(record, role, day)]
    for role in YEARS_AT_WINDOW:
        if role in {r for r, _ in before - after} and role not in {r for r, _ in after}:
            unmet += early_rotation(record, day, role)
    if not unmet:
        return None
    reason = exception_reason.strip() if isinstance(exception_reason, str) else ""
    if not reason:
        raise InvalidInput(
            f"{username} does not meet what the seeds ask of window staff; the center "
            "may approve it with a reason (exceptionReason)", code="staff_unqualified",
            errors=_unique(unmet))
    return {"unmet": [p["message"] for p in _unique(unmet)], "reason": reason}


def _unique(problems: list[dict]) -> list[dict]:
    seen, kept = set(), []
    for problem in problems:
        if problem["message"] not in seen:
            seen.add(problem["message"])
            kept.append(problem)
    return kept


def _truth(value, field: str, problems: Problems) -> bool:
    answer = ticked(value)
    if answer is None:
        problems.add(field, "must be true or false")
    return bool(answer)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


# --- 退回原单位 -------------------------------------------------------------------------------

def send_back(user_id: int, reason, actor: Actor) -> User:
    """The center sends a person back to their unit (退回原单位): their window roles end,
    their open tasks return to the pool of their lane, the department is told to send
    someone else (单位要立即予以调换). A post holder's AB post must be given away first."""
    permissions.require_admin(actor)
    execution.begin_write()
    user = get_or_404(User, user_id, "staff")
    text = reason.strip() if isinstance(reason, str) else ""
    if not text:
        raise InvalidInput("say why the person is sent back", code="reason_required",
                           errors=[{"field": "reason", "message": "required"}])
    posts = organization.list_posts(user_id=user.id)
    if posts:
        ids = ", ".join(str(p.id) for p in posts)
        raise Conflict(f"{user.username} holds window post(s) {ids}; give them to someone "
                       "else first", code="holds_ab_post", posts=[p.name for p in posts])
    departments = {m.department_id for m in user.memberships if m.role in WINDOW_ROLES}
    if not departments:
        raise Conflict(f"{user.username} holds no window role", code="not_at_a_window")
    user.memberships = [m for m in user.memberships if m.role not in WINDOW_ROLES]
    db.session.flush()
    record, _ = apply_fields(user, {"sent_back_on": calendar.today(), "sent_back_reason": text})
    if not user.memberships:
        user.active = False
        user.end_sessions()
    released = reassign.open_tasks_where(HumanTask.assignee_id == user.id)
    for task in released:
        reassign.reroute(task, actor, f"{user.display_name} 已退回原单位")
    audit.record(actor, "staff.sent_back", staff_id=user.id, reason=text,
                 departments=sorted(departments), tasks_released=len(released))
    _ask_for_a_replacement(user, departments, text)
    db.session.commit()
    return user


def _ask_for_a_replacement(user: User, departments: set[int], reason: str) -> None:
    for department_id in departments:
        told = {u.id: u for u in (*routing.holders(CHIEF_REPRESENTATIVE, department_id),
                                  *routing.holders(WINDOW_HEAD, department_id),
                                  *routing.department_contacts(department_id))}
        for person in told.values():
            notifications.tell_user(
                person, "staff_sent_back", f"窗口人员退回原单位：{user.display_name}",
                f"中心已将 {user.display_name} 退回原单位（{reason}），"
                "请立即选派符合条件的人员到窗口。", None)
