"""Authorization letters (授权书): issued, revoked or replaced, never edited in place.

Rules, from the seeds (000: 首席事务代表授权书; 003: 原则上一年一签):
- the grantee is the department's chief representative (a Membership with that role),
  appointed by a 任命书 in force on valid_from (appointments.py);
- the term runs from valid_from to valid_until inclusive and ends before the same day thirteen
  months later: one year, plus a month of slack for letters signed in December that start
  mid-month and run to the end of the next year;
- on any day at most one letter of a department is in force, so routing has one answer. A
  letter is in force from valid_from to valid_until, but no longer from its ended_on (the
  local day it was revoked or replaced). Issuing a letter whose term meets another one's is
  a conflict: change letters with `replace`, which ends the old one today, or issue the
  next term's letter with `letter_renewal.renew` (续期), which leaves the old one to its end.
"""
from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.models import (AuthorizationLetter, Center, Department, HumanTask, LetterItem, User, db,
                        utcnow)
from app.models.authorization import (ACCEPTANCE, ACTIVE, APPROVAL, CERTIFICATE, COORDINATION,
                                      DELIVERY, ITEM_POWERS, LITIGATION, MANAGEMENT_POWERS,
                                      REPLACED, REVOKED)
from app.models.identity import CHIEF_REPRESENTATIVE
from app.services import calendar, catalog
from app.services.authorization import appointments, in_force_on
from app.services.organization.checks import as_id, names_among, required_text
from app.services.workflow import audit, execution, permissions, reassign
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput, NotFound

MAX_TERM_MONTHS = 13
STATUSES = (ACTIVE, REVOKED, REPLACED)

POWER_NAMES = {
    ACCEPTANCE: "受理决定权", APPROVAL: "审核审批权(直接审批权)",
    COORDINATION: "协调处置权", CERTIFICATE: "制证权",
    DELIVERY: "办理结果投递权", LITIGATION: "应诉代理权",
}
MANAGEMENT_POWER_NAMES = {  # seed 000, 授权书 三 to 五
    "staff_management": "负责本部门进驻中心工作人员的日常管理和考核工作",
    "approval_seal": "负责本部门行政审批专用章的使用和管理",
    "liaison": "负责本部门与中心的联络协调工作，参与联办项目和协调督办项目的协调办理",
    "collective_proposal": "集体决策事项的审批办理建议权",
}


# --- reading -------------------------------------------------------------------------------

def get(letter_id: int) -> AuthorizationLetter:
    letter = db.session.get(AuthorizationLetter, letter_id)
    if letter is None:
        raise NotFound(f"authorization letter {letter_id} does not exist",
                       code="letter_not_found")
    return letter


def listing(department_id: int | None = None, status: str | None = None,
            valid_on: date | None = None) -> list[AuthorizationLetter]:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(STATUSES)}",
                           errors=[{"field": "status", "message": "unknown status"}])
    query = sa.select(AuthorizationLetter)
    if department_id is not None:
        query = query.where(AuthorizationLetter.department_id == department_id)
    if status is not None:
        query = query.where(AuthorizationLetter.status == status)
    if valid_on is not None:
        query = query.where(in_force_on(valid_on))
    return list(db.session.scalars(query.order_by(
        AuthorizationLetter.department_id, AuthorizationLetter.valid_from.desc(),
        AuthorizationLetter.id.desc())))


def history(department_id: int) -> list[AuthorizationLetter]:
    """Every letter the department ever issued, newest term first."""
    return listing(department_id=department_id)


def parties(letters: list[AuthorizationLetter]) -> tuple[dict, dict]:
    """The departments and users a list of letters names, by id (for display)."""
    department_ids = {letter.department_id for letter in letters}
    user_ids = {letter.grantee_id for letter in letters}
    found_departments = db.session.scalars(
        sa.select(Department).where(Department.id.in_(department_ids))) if letters else []
    found_users = db.session.scalars(
        sa.select(User).where(User.id.in_(user_ids))) if letters else []
    return {d.id: d for d in found_departments}, {u.id: u for u in found_users}


@dataclass(frozen=True)
class LetterContext:
    """What a letter's document names besides its own fields."""

    department: Department
    center: Center | None
    grantee: User | None
    items: dict  # item code -> current Item (missing if the item left the catalog)
    replaces: AuthorizationLetter | None
    replaced_by: AuthorizationLetter | None


def context(letter: AuthorizationLetter) -> LetterContext:
    department = db.session.get(Department, letter.department_id)
    return LetterContext(
        department, db.session.get(Center, department.center_id),
        db.session.get(User, letter.grantee_id),
        {item.code: item for item in catalog.listing(department_id=letter.department_id)},
        db.session.scalar(sa.select(AuthorizationLetter)
                          .where(AuthorizationLetter.replaced_by_id == letter.id)),
        db.session.get(AuthorizationLetter, letter.replaced_by_id)
        if letter.replaced_by_id else None)


def parse_day(value, field_name: str) -> date:
    """A date from a date or an ISO string (YYYY-MM-DD); InvalidInput otherwise."""
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{field_name} must be a date (YYYY-MM-DD)", errors=[
            {"field": field_name, "message": "expected a date (YYYY-MM-DD)"}]) from None


# --- validating a new letter ------------------------------------------------------------------

@dataclass
class _Draft:
    """The fields of a letter being issued, and every problem found with them."""

    fields: dict
    problems: list = field(default_factory=list)
    values: dict = field(default_factory=dict)

    def fail(self, name: str, message: str) -> None:
        self.problems.append({"field": name, "message": message})

    def text(self, name: str, *, required: bool = True) -> str:
        value = self.fields.get(name, "")
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(name, "required" if value is None or isinstance(value, str)
                      else "expected text")
            value = ""
        self.values[name] = value.strip()
        return self.values[name]

    def day(self, name: str) -> date | None:
        try:
            self.values[name] = parse_day(self.fields.get(name), name)
        except InvalidInput:
            self.fail(name, "expected a date (YYYY-MM-DD)")
            self.values[name] = None
        return self.values[name]

    def ident(self, name: str) -> int | None:
        value = as_id(self.fields.get(name))  # 0, true, past a key: no id
        if value is None:
            self.fail(name, "required")
        return value


def months_after(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _check_number(draft: _Draft) -> None:
    number = draft.text("number")
    if number:
        taken = db.session.scalar(
            sa.select(AuthorizationLetter.id).where(AuthorizationLetter.number == number))
        if taken is not None:
            draft.fail("number", f"already used by authorization letter {taken}")


def _check_department(draft: _Draft, required_id: int | None) -> Department | None:
    department_id = draft.ident("department_id")
    department = db.session.get(Department, department_id) if department_id else None
    if department_id and (department is None or not department.active):
        draft.fail("department_id", "no such department, or it is no longer active")
        department = None
    elif required_id is not None and department_id and department_id != required_id:
        draft.fail("department_id", "a replacement is issued by the same department")
        department = db.session.get(Department, required_id)  # check the rest against it
    draft.values["department_id"] = department.id if department else None
    return department


def _check_grantee(draft: _Draft, department: Department | None) -> None:
    grantee_id = draft.ident("grantee_id")
    grantee = db.session.get(User, grantee_id) if grantee_id else None
    draft.values["grantee_id"] = grantee_id
    if grantee_id and (grantee is None or not grantee.active):
        draft.fail("grantee_id", "no such active user")
    elif grantee and department and not grantee.has_role(CHIEF_REPRESENTATIVE, department.id):
        draft.fail("grantee_id", "the grantee is not a chief representative (首席代表) of "
                                 "this department")
    elif grantee and department and (problem := appointments.grantee_problem(
            department.id, grantee.id, draft.fields.get("valid_from"))):
        draft.fail("grantee_id", problem)


def _check_dates(draft: _Draft) -> None:
    issued, filed = draft.day("issued_on"), draft.day("filed_on")
    start, end = draft.day("valid_from"), draft.day("valid_until")
    if issued and filed and filed < issued:
        draft.fail("filed_on", "a letter is filed (备案) on or after the day it is issued")
    if start and end and end < start:
        draft.fail("valid_until", "the term ends before it starts")
    elif start and end and end >= months_after(start, MAX_TERM_MONTHS):
        draft.fail("valid_until", "the term may not exceed one year and one month "
                                  "(原则上一年一签)")


def _check_management(draft: _Draft) -> None:
    chosen = draft.fields.get("management_powers") or []
    if not names_among(chosen, MANAGEMENT_POWERS):
        draft.fail("management_powers", f"each must be one of {', '.join(MANAGEMENT_POWERS)}")
        chosen = []
    draft.values["management_powers"] = [p for p in MANAGEMENT_POWERS if p in chosen]


def _item_powers(draft: _Draft, where: str, powers) -> list[str]:
    if not powers or not names_among(powers, ITEM_POWERS):
        draft.fail(f"{where}.powers", f"one or more of {', '.join(ITEM_POWERS)}")
        return []
    return [p for p in ITEM_POWERS if p in powers]


def _check_items(draft: _Draft, department: Department | None) -> None:
    rows, granted = draft.fields.get("items"), {}
    if not isinstance(rows, list) or not rows:
        draft.fail("items", "a letter grants powers over at least one item")
        rows = []
    known = {i.code for i in catalog.listing(department_id=department.id)} if department else None
    for index, row in enumerate(rows):
        where, row = f"items[{index}]", row if isinstance(row, dict) else {}
        code = row.get("item_code")
        powers = _item_powers(draft, where, row.get("powers"))
        if not isinstance(code, str) or not code:
            draft.fail(f"{where}.item_code", "required")
        elif code in granted:
            draft.fail(f"{where}.item_code", f"{code} is listed twice")
        elif known is not None and code not in known:
            draft.fail(f"{where}.item_code", f"{code} is not a current item of this department")
        else:
            granted[code] = powers
    draft.values["items"] = granted


def _validated(fields: dict, department_id: int | None = None) -> dict:
    """The letter's column values; `department_id` fixes the department (a replacement)."""
    draft = _Draft(fields if isinstance(fields, dict) else {})
    _check_number(draft)
    department = _check_department(draft, department_id)
    _check_grantee(draft, department)
    draft.text("issuer")
    draft.text("responsibilities", required=False)
    _check_dates(draft)
    _check_management(draft)
    _check_items(draft, department)
    if draft.problems:
        raise InvalidInput(f"the letter has {len(draft.problems)} problem(s)",
                           code="invalid_letter", errors=draft.problems)
    return draft.values


def _last_day_in_force(letter: AuthorizationLetter, ended_on: date | None) -> date:
    """Day before ended_on, capped by valid_until (may precede valid_from: never in force)."""
    if ended_on is None:
        return letter.valid_until
    return min(letter.valid_until, date.fromordinal(ended_on.toordinal() - 1))


def _refuse_overlap(values: dict, ending: AuthorizationLetter | None, today: date) -> None:
    """One letter in force per day: refuse a term meeting another letter's (`ending` ends today)."""
    for other in history(values["department_id"]):
        last = _last_day_in_force(other, today if other is ending else other.ended_on)
        never_in_force = last < other.valid_from  # ended before it started
        if never_in_force or other.valid_from > values["valid_until"] \
                or values["valid_from"] > last:
            continue
        hint = ("replace it instead of issuing a second one" if other is not ending else
                f"a replacement starts on or after {today.isoformat()}, the day the old "
                f"letter ends")
        raise Conflict(f"the term overlaps authorization letter {other.number} "
                       f"({other.valid_from} to {last}); {hint}",
                       code="letter_overlaps", letter_id=other.id)


# --- writing ---------------------------------------------------------------------------------

def lock_department(department_id: int) -> None:
    """Serialize letter changes of one department, so two overlapping issues cannot both pass.

    On SQLite begin_write already holds the database's write lock; PostgreSQL locks the row.
    """
    execution.begin_write()
    db.session.execute(sa.select(Department.id).where(Department.id == department_id)
                       .with_for_update())


def _new_letter(values: dict, actor: Actor) -> AuthorizationLetter:
    items = values.pop("items")
    letter = AuthorizationLetter(**values, status=ACTIVE, created_by=actor.user_id)
    letter.items = [LetterItem(item_code=code, powers=powers) for code, powers in items.items()]
    db.session.add(letter)
    db.session.flush()
    return letter


def _audit(actor: Actor, action: str, letter: AuthorizationLetter, **detail) -> None:
    audit.record(actor, action, letter_id=letter.id, number=letter.number,
                 department_id=letter.department_id, **detail)


def issue(fields: dict, actor: Actor) -> AuthorizationLetter:
    letter = add(fields, actor)
    db.session.commit()
    return letter


def add(fields: dict, actor: Actor, **detail) -> AuthorizationLetter:
    """Issue without committing: the caller's transaction (a renewal) commits it."""
    permissions.require_admin(actor)
    execution.begin_write()  # validate against what committed writers left (SQLite)
    values = _validated(fields)
    lock_department(values["department_id"])
    _refuse_overlap(values, None, calendar.today())
    letter = _new_letter(values, actor)
    _audit(actor, "letter.issued", letter, **detail)
    return letter


def _active_letter(letter_id: int, actor: Actor) -> AuthorizationLetter:
    permissions.require_admin(actor)
    letter = get(letter_id)
    lock_department(letter.department_id)
    db.session.refresh(letter)  # the status another writer may just have changed
    if letter.status != ACTIVE:
        raise Conflict(f"authorization letter {letter.number} is already {letter.status}",
                       code="letter_not_active")
    return letter


def _require_reason(reason: str) -> str:
    return required_text(reason, "reason", "a reason is required", "invalid_letter")


def _end(letter: AuthorizationLetter, status: str, reason: str, actor: Actor,
         today: date) -> None:
    letter.status, letter.end_reason = status, reason
    letter.ended_at, letter.ended_on, letter.ended_by = utcnow(), today, actor.user_id


def revoke(letter_id: int, reason: str, actor: Actor) -> AuthorizationLetter:
    reason = _require_reason(reason)
    letter = _active_letter(letter_id, actor)
    _end(letter, REVOKED, reason, actor, calendar.today())
    _audit(actor, "letter.revoked", letter, reason=reason)
    letter_ended(letter, actor)
    db.session.commit()
    return letter


def replace(letter_id: int, fields: dict, actor: Actor) -> AuthorizationLetter:
    """End the letter today and issue `fields` in its place, in one transaction."""
    fields = dict(fields if isinstance(fields, dict) else {})
    reason = _require_reason(fields.pop("reason", None) or "更换授权书")
    old = _active_letter(letter_id, actor)
    fields.setdefault("department_id", old.department_id)
    values = _validated(fields, old.department_id)
    today = calendar.today()
    _refuse_overlap(values, old, today)
    new = _new_letter(values, actor)
    _end(old, REPLACED, reason, actor, today)
    old.replaced_by_id = new.id
    _audit(actor, "letter.issued", new, replaces=old.id)
    _audit(actor, "letter.replaced", old, replaced_by=new.id, reason=reason)
    letter_ended(old, actor)
    db.session.commit()
    return new


def letter_ended(letter: AuthorizationLetter, actor: Actor) -> None:
    """A revoked or replaced letter no longer carries the open tasks it routed."""
    reason = f"授权书 {letter.number} 已{'撤销' if letter.status == REVOKED else '更换'}"
    for task in reassign.open_tasks_where(HumanTask.authorization_letter_id == letter.id):
        reassign.reroute(task, actor, reason)
