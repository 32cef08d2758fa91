"""The window units the boards list: the active departments stationed at this deployment's
own center (the linked levels' departments are another center's to supervise), those the
viewer may see."""
from __future__ import annotations

import sqlalchemy as sa

from app.models import Department, User, db
from app.services import organization
from app.services.supervision import units_of


def visible(viewer: User) -> list[Department]:
    return of_units(units_of(viewer))


def of_units(units: set[int] | None) -> list[Department]:
    query = sa.select(Department).where(Department.active.is_(True)).order_by(Department.code)
    home = organization.home_center()
    if home is not None:
        query = query.where(Department.center_id == home.id)
    if units is not None:
        query = query.where(Department.id.in_(units))
    return list(db.session.scalars(query))
