"""What the case page shows of 容缺受理 (the deferred materials, the supplement deadline, the
window's "received" action) and of the 告知承诺 post-check (核查) with its form."""
from __future__ import annotations

from dataclasses import dataclass

from flask_login import current_user

from app.models import Case, CommitmentCheck, LenientAcceptance, utcnow
from app.models.lenient import CHECK_OUTCOME_LABELS
from app.services.cases import clock as case_clock
from app.services.cases import commitments, lenient
from app.web.form_support import FailedForm

FORMS = ("lenient", "commitment_check")


@dataclass
class LenientSection:
    record: LenientAcceptance | None
    materials: list[str]
    received_by: str | None
    may_receive: bool
    check: CommitmentCheck | None
    may_check: bool
    check_overdue: bool
    failed: FailedForm | None
    outcomes: dict


def section(case: Case, failed: FailedForm | None = None) -> LenientSection | None:
    record, check = lenient.of(case), commitments.of(case)
    if record is None and check is None:
        return None
    user = current_user._get_current_object()
    return LenientSection(
        record=record, materials=case.material_names(record.deferred) if record else [],
        received_by=lenient.received_by_name(record) if record else None,
        may_receive=bool(record and record.pending and case_clock.may_handle(user, case)),
        check=check, may_check=bool(check and check.outcome is None
                                    and commitments.may_check(user, case)),
        check_overdue=bool(check and check.outcome is None and check.due_at <= utcnow()),
        failed=failed if failed is not None and failed.form in FORMS else None,
        outcomes=CHECK_OUTCOME_LABELS)


def not_ours(failed: FailedForm | None) -> FailedForm | None:
    """A refused form for the other sections of the page (the clock's)."""
    return None if failed is not None and failed.form in FORMS else failed
