"""What the case and task pages show of the committee's reviews (every vote once voting has
closed) and of the case's denial reports: one context for both templates."""
from __future__ import annotations

from flask_babel import gettext as _

from app.models.committee import (CHOICE_LABELS, DECIDED_BY_LABELS, POSITION_LABELS, TRIGGER_LABELS,
                                  VOTE_STATE_LABELS)
from app.models.denial import KIND_LABELS, OUTCOME_LABELS
from app.models.denial import TRIGGER_LABELS as DENIAL_TRIGGER_LABELS
from app.models import Case
from app.services import committee
from app.services.cases import history
from app.services.committee import denials


def decision_words() -> dict[str, str]:
    return {"approve": _("同意（准予许可）"), "reject": _("不同意（不予许可）")}


def proposal_words() -> dict[str, str]:
    return {"approve": _("建议准予许可"), "deny": _("建议不予许可")}


def context(instance_id: int) -> dict:
    return {
        "committee_reviews": committee.reviews_of(instance_id),
        "choices_visible": committee.choices_visible,
        "committee_words": {"trigger": TRIGGER_LABELS, "position": POSITION_LABELS,
                            "choice": CHOICE_LABELS, "how": DECIDED_BY_LABELS,
                            "vote_state": VOTE_STATE_LABELS, "state": committee.STATE_LABELS,
                            "decision": decision_words(), "proposal": proposal_words()},
        "denial_reports": denials.reports_of(instance_id),
        "denial_words": {"kind": KIND_LABELS, "trigger": DENIAL_TRIGGER_LABELS,
                         "outcome": OUTCOME_LABELS},
    }


def history_context(case: Case) -> dict:
    """The case page's record: every recorded step, oldest first, and the status in words."""
    return {"timeline": history.timeline(case), "status_word": history.status_word}
