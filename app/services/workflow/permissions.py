"""Who may administer what: checks shared by every administrative service."""
from __future__ import annotations

from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden


def require_admin(actor: Actor) -> None:
    """Center administrators only; the system actor (CLI, workers, demo loader) passes."""
    if actor.user is None:
        return
    if not actor.user.is_admin:
        raise Forbidden("only a center administrator may do this", code="not_admin")
