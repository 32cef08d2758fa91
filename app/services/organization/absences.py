"""Who stands in for an absent person: the filed deputy (临时代行) of a chief representative,
else the other holder of their AB post (AB岗). Lookups only; see absence_admin for changes."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.models import Absence, Post, db


def covering(user_id: int, day: date) -> Absence | None:
    """The absence of `user_id` in force on `day`, if any."""
    return db.session.scalar(
        sa.select(Absence)
        .where(Absence.user_id == user_id, Absence.starts_on <= day, Absence.ends_on >= day,
               Absence.ended_early_at.is_(None))
        .order_by(Absence.id.desc()).limit(1))


def substitute(user_id: int, department_id: int | None,
               day: date) -> tuple[int | None, int | None]:
    """(who acts, for whom) for work meant for `user_id` on `day`.

    (user_id, None) when they are present; (None, user_id) when nobody present can stand
    in, so the task goes back to the pool of candidates until they return.
    """
    absence = covering(user_id, day)
    if absence is None:
        return user_id, None
    for stand_in in (absence.deputy_id, post_partner(user_id, department_id)):
        if stand_in is not None and covering(stand_in, day) is None:
            return stand_in, user_id
    return None, user_id


def post_partner(user_id: int, department_id: int | None) -> int | None:
    """The other holder of a post `user_id` holds, at a window serving `department_id`."""
    posts = db.session.scalars(sa.select(Post).where(
        sa.or_(Post.a_user_id == user_id, Post.b_user_id == user_id)).order_by(Post.id))
    for post in posts:
        served = {d.id for d in post.window.departments}
        if department_id is None or department_id in served:
            return post.b_user_id if post.a_user_id == user_id else post.a_user_id
    return None
