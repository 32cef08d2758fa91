"""授权公示: per department, the chief representative (首席代表), what the letter in force
authorizes and its term, and the AB posts of the department's windows.

Letters in force today only; people by their names and posts only (never a username, phone
or e-mail). Power names are the letters' Chinese names, which the pages pass through gettext.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.models import AuthorizationLetter, Department, User, db
from app.models.organization import Post, Window, window_department
from app.services import calendar, catalog, organization
from app.services.authorization import ONE_STOP_POWERS, group_consented, in_force_on
from app.services.authorization.letters import MANAGEMENT_POWER_NAMES, POWER_NAMES


@dataclass(frozen=True)
class GrantedItem:
    code: str
    name: str  # the item in force, or its code when it left the catalog
    powers: tuple[str, ...]
    one_stop: bool = False  # 首席服务员一站式办理 (authorization.ONE_STOP_POWERS)


@dataclass(frozen=True)
class PublicLetter:
    number: str  # 文号
    chief: str  # the chief representative's name
    issuer: str
    valid_from: date
    valid_until: date
    items: tuple[GrantedItem, ...]
    management_powers: tuple[str, ...]


@dataclass(frozen=True)
class PublicPost:
    window: str
    post: str
    a_holder: str
    b_holder: str


@dataclass(frozen=True)
class DepartmentAuthorization:
    department: str
    letter: PublicLetter | None
    posts: tuple[PublicPost, ...]


def _name(users: dict, user_id: int) -> str:
    person = users.get(user_id)
    return person.display_name if person is not None else ""


def _letter(letter: AuthorizationLetter, users: dict, names: dict, day: date) -> PublicLetter:
    consented = group_consented(letter, day)  # 领导小组 consent makes an item one-stop
    granted = tuple(GrantedItem(i.item_code, names.get(i.item_code, i.item_code),
                                tuple(POWER_NAMES.get(p, p) for p in i.powers),
                                consented and ONE_STOP_POWERS <= set(i.powers))
                    for i in letter.items)
    return PublicLetter(letter.number, _name(users, letter.grantee_id), letter.issuer,
                        letter.valid_from, letter.valid_until, granted,
                        tuple(MANAGEMENT_POWER_NAMES.get(p, p) for p in letter.management_powers))


def _posts_by_department() -> dict[int, list[Post]]:
    rows = db.session.execute(
        sa.select(window_department.c.department_id, Post)
        .join(Window, Window.id == window_department.c.window_id)
        .join(Post, Post.window_id == Window.id)
        .where(Window.active.is_(True)).order_by(Window.code, Post.id)).all()
    found: dict[int, list[Post]] = {}
    for department_id, post in rows:
        found.setdefault(department_id, []).append(post)
    return found


def listing(day: date | None = None) -> list[DepartmentAuthorization]:
    """Active departments with a letter in force on `day` (today) or window posts."""
    day = day or calendar.today()
    letters = {letter.department_id: letter for letter in db.session.scalars(
        sa.select(AuthorizationLetter).where(in_force_on(day))
        .order_by(AuthorizationLetter.id))}
    posts = _posts_by_department()
    user_ids = {letter.grantee_id for letter in letters.values()}
    users = {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))}
    users.update(organization.post_holders([p for ps in posts.values() for p in ps]))
    names = {item.code: item.name for item in catalog.listing()}
    result = []
    for department in db.session.scalars(sa.select(Department).where(
            Department.active.is_(True)).order_by(Department.code)):
        letter, held = letters.get(department.id), posts.get(department.id, [])
        if letter is None and not held:
            continue
        result.append(DepartmentAuthorization(
            department.name, _letter(letter, users, names, day) if letter else None,
            tuple(PublicPost(p.window.name, p.name, _name(users, p.a_user_id),
                             _name(users, p.b_user_id)) for p in held)))
    return result
