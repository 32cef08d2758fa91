"""Finding a case again (办件查询): by number, applicant, ID number, phone, item, department,
status and dates, among the cases the clerk may see; and the tasks a user completed (已办)."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from app.models import Case, HumanTask, Item, ProcessInstance, User, db
from app.models.case import STATUS_NAMES, name_grams
from app.models.task import COMPLETED
from app.services.workflow import instances, paging, working_days
from app.services.workflow.errors import InvalidInput

PAGE_SIZE = 50


@dataclass(frozen=True)
class CaseQuery:
    case_no: str = ""
    applicant: str = ""
    id_number: str = ""
    phone: str = ""
    item_code: str = ""
    department_id: int | None = None
    status: int | None = None
    received_from: date | None = None
    received_to: date | None = None
    page: int = 1

    @property
    def is_empty(self) -> bool:
        return not any((self.case_no, self.applicant, self.id_number, self.phone,
                        self.item_code, self.department_id, self.status,
                        self.received_from, self.received_to))


def query_from(args) -> CaseQuery:
    """A CaseQuery from request arguments (page or API alike); every bad field is named."""
    problems: list[dict] = []
    department_id = _integer(args.get("department_id"), "department_id", problems)
    status = _integer(args.get("status"), "status", problems)
    if status is not None and status not in STATUS_NAMES:
        problems.append({"field": "status", "message": "unknown status"})
    received_from = _day(args.get("received_from"), "received_from", problems)
    received_to = _day(args.get("received_to"), "received_to", problems)
    if received_from and received_to and received_to < received_from:
        problems.append({"field": "received_to", "message": "before received_from"})
    page = _integer(args.get("page"), "page", problems) or 1
    if problems:
        raise InvalidInput("the search cannot be read so", code="search_invalid",
                           errors=problems)
    return CaseQuery(**{k: (args.get(k) or "").strip()[:200] for k in (
        "case_no", "applicant", "id_number", "phone", "item_code")},
        department_id=department_id, status=status, received_from=received_from,
        received_to=received_to, page=max(page, 1))


# The newest received first; the id breaks ties of one moment (ix_service_case_received).
NEWEST_FIRST = paging.Keyset("cases", (
    paging.Key(Case.received_at, lambda c: c.received_at, datetime, descending=True),
    paging.Key(Case.id, lambda c: c.id, int, descending=True)))


def find_cases(viewer: User, query: CaseQuery) -> tuple[list[Case], int]:
    """The newest first, page `query.page` of PAGE_SIZE; and how many match in all."""
    stmt = _matching(viewer, query)
    with _planned(query):
        total = paging.bounded_count(stmt)
        rows = list(db.session.scalars(stmt.order_by(*NEWEST_FIRST.order_by())
                                       .limit(PAGE_SIZE).offset((query.page - 1) * PAGE_SIZE))
                    .unique())
    return rows, total


def find_page(viewer: User, query: CaseQuery, *, after: list | None, limit: int = PAGE_SIZE,
              offset: int = 0) -> tuple[list[Case], int, list | None]:
    """The newest first after the key `after` (of NEWEST_FIRST) and `offset` more; how many
    match in all (bounded); the key to continue after when more follow."""
    stmt = _matching(viewer, query)
    with _planned(query):
        total = paging.bounded_count(stmt)
        rows, next_key = paging.keyset_page(stmt, NEWEST_FIRST, after=after, limit=limit,
                                            offset=offset)
    return rows, total, next_key


def _planned(query: CaseQuery):
    """A name's 1 or 2 characters are looked up in the name-pieces index, whose candidates
    the planner read with parallel workers it took about 10 ms to start, for a page or a
    count that stops after a few thousand (bench/README.md): planned without them. Other
    searches are planned serially anyway and skip the three statements it takes."""
    short_name = query.applicant and len(query.applicant) <= 2
    return paging.serial_plans() if short_name else contextlib.nullcontext()


def _matching(viewer: User, query: CaseQuery) -> sa.Select:
    stmt = (sa.select(Case).join(ProcessInstance, ProcessInstance.id == Case.instance_id)
            .join(Item, Item.id == Case.item_id).where(instances.visible_to(viewer)))
    for condition in _conditions(query):
        stmt = stmt.where(condition)
    return stmt


def _conditions(query: CaseQuery) -> list:
    found = []
    if query.case_no:  # by its first characters (ix_service_case_case_no_prefix)
        found.append(Case.case_no.like(f"{_escaped(query.case_no)}%", escape="\\"))
    if query.applicant:
        found.append(_name_contains(query.applicant))
    if query.id_number:
        found.append(Case.applicant_id_number == query.id_number.upper())
    if query.phone:
        found.append(Case.applicant_phone == query.phone)
    if query.item_code:
        found.append(Item.code == query.item_code)
    if query.department_id is not None:
        found.append(Item.department_id == query.department_id)
    if query.status is not None:
        found.append(Case.status_code == query.status)
    if query.received_from:
        found.append(Case.received_at >= _start_of(query.received_from))
    if query.received_to:
        found.append(Case.received_at < _start_of(query.received_to + timedelta(days=1)))
    return found


def _name_contains(text: str) -> sa.ColumnElement[bool]:
    """The applicant's name contains `text`: LIKE '%text%', the test on every database (SQLite
    reads the cases for it). PostgreSQL finds the candidates by index. From 3 characters on,
    pg_trgm's GIN index serves the LIKE itself. A shorter text holds no trigram to look up,
    so pg_trgm would read its whole index, and Chinese names have 2 to 4 characters ("李四"
    is a whole name): for 1 or 2 characters the GIN index of the name's 1- and 2-character
    pieces (name_grams) holds exactly the names containing the text, and the statistics of
    its elements tell the planner how common the text is: a rare one is looked up, and for
    a surname a tenth of the cases share a page walks the newest cases instead (the LIKE kept
    beside it is the cheap test of each). Measured at 500,000 cases (bench/README.md, "Lists
    at scale"): pg_trgm on each character written three times serves short texts too, but
    its estimates sent the planner to the index for common ones; the pieces' index serves
    long texts as well, a little slower than pg_trgm."""
    contains = Case.applicant_name.like(f"%{_escaped(text)}%", escape="\\")
    if len(text) > 2 or db.session.get_bind().dialect.name != "postgresql":
        return contains
    return sa.and_(name_grams.contains([text]), contains)


def completed_tasks(user: User, page: int = 1) -> tuple[list[HumanTask], int]:
    """已办: the tasks `user` completed, the latest first."""
    stmt = sa.select(HumanTask).where(HumanTask.completed_by == user.id,
                                      HumanTask.state == COMPLETED)
    total = paging.bounded_count(stmt)
    rows = db.session.scalars(stmt.order_by(HumanTask.completed_at.desc())
                              .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE))
    return list(rows), total


def cases_of(instance_ids: set[int]) -> dict[int, Case]:
    if not instance_ids:
        return {}
    return {c.instance_id: c for c in db.session.scalars(
        sa.select(Case).where(Case.instance_id.in_(instance_ids)))}


def _escaped(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, working_days.local_zone())


def _integer(value, field: str, problems: list[dict]) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        problems.append({"field": field, "message": "not a whole number"})
        return None
    if not 0 < number < 2**31:
        problems.append({"field": field, "message": "out of range"})
        return None
    return number


def _day(value, field: str, problems: list[dict]) -> date | None:
    if value in (None, ""):
        return None
    try:
        day = date.fromisoformat(str(value))
    except ValueError:
        problems.append({"field": field, "message": "not a date (YYYY-MM-DD)"})
        return None
    if not 1900 <= day.year <= 2999:  # a day no case was or will be received on
        problems.append({"field": field, "message": "a date from 1900 to 2999"})
        return None
    return day
