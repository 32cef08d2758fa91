"""What the case page shows of the 行政复议 and 行政诉讼 brought against the decision (应诉),
and which of their forms the person looking may use."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_login import current_user

from app.models import Case, RemedyMatter, User, db
from app.models.identity import APPROVING_LEADER
from app.models.remedy import LITIGATION_SUIT, OPEN, RECONSIDERATION
from app.services.cases import remedies
from app.web.form_support import FailedForm


@dataclass
class RemedySection:
    matters: list[RemedyMatter]
    representatives: dict[int, User]
    may_record: bool  # a concluded case, the department's leaders and chief, the center
    answerable: set[int]  # the open matters the person looking answers
    failed: FailedForm | None
    kinds: dict[str, str]


def section(case: Case, failed: FailedForm | None) -> RemedySection:
    user = current_user._get_current_object()
    matters = remedies.of_case(case.instance_id)
    department_id = case.item.department_id
    leader = user.has_role(APPROVING_LEADER, department_id)
    return RemedySection(
        matters=matters,
        representatives={m.representative_id: db.session.get(User, m.representative_id)
                         for m in matters if m.representative_id},
        may_record=case.concluded_at is not None and remedies.may_handle(user, department_id),
        answerable={m.id for m in matters if m.status == OPEN
                    and (leader or m.representative_id == user.id)},
        failed=failed if failed and failed.form == "remedy" else None,
        kinds={RECONSIDERATION: _("行政复议"), LITIGATION_SUIT: _("行政诉讼")})
