"""效能监察 (seed 004's fourth platform): the center's supervision of its window units.

Its parts live in modules of their own (the monthly assessment, cards and violations, case
file checks, duty at the window); what they share is here: who sees which units' figures.
The center (supervisors and administrators) sees every unit; a unit's staff see their own.
"""
from __future__ import annotations

from app.models import User
from app.services.organization import routing
from app.services.workflow.errors import Forbidden


def units_of(viewer: User) -> set[int] | None:
    """The departments whose supervision figures `viewer` may read; None means all of them.
    Anyone else (a designer, a committee member without a unit role) is refused."""
    if viewer.is_supervisor:
        return None
    found = routing.unit_departments(viewer)
    if not found:
        # English only: a detail with Chinese in it would be shown on pages as is
        # (problem_text), instead of the code's wording.
        raise Forbidden("supervision figures are for the center's supervisors and the units' "
                        "staff", code="supervision_not_allowed")
    return found


def may_see_unit(viewer: User, department_id: int | None) -> bool:
    allowed = units_of(viewer)
    return allowed is None or department_id in allowed


def require_supervisor(viewer: User) -> None:
    """The center's own acts (recording a violation, drawing a sample, deciding a
    consequence) are for its supervisors and administrators only."""
    if not viewer.is_supervisor:
        raise Forbidden("only the center's supervisors (效能监察员) may do this",
                        code="not_supervisor")
