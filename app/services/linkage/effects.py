"""Case effects of the levels above the one that accepted a 上报件.

Those levels never write to the applicant: the accepting window does (一次性告知, delivery),
so their 补正 and decisions only change their own case record and tell their own staff.
"""
from __future__ import annotations

from app.models import Case, utcnow
from app.services import cases
from app.services.workflow import audit
from app.services.workflow.actor import Actor


def supplement_requested(case: Case, actor: Actor, missing: list) -> None:  # 补正（开始）
    listed = "；".join(cases.open_supplement_round(case, missing))
    cases.set_status(case, 6, actor, f"要求下级窗口通知申请人补正：{listed}")


def decided_here(case: Case, actor: Actor, decision: str, reasons: str = "",
                 legal_basis: str = "") -> None:
    """This level took the decision; it goes down the chain to the accepting window."""
    _conclude(case, actor, decision, reasons or "本级作出决定")
    audit.record(actor, "case.decided", instance_id=case.instance_id, decision=decision,
                 legal_basis=legal_basis)


def decided_above(case: Case, actor: Actor, decision: str, decided_by: str = "") -> None:
    _conclude(case, actor, decision, f"{decided_by}作出决定")


def _conclude(case: Case, actor: Actor, decision: str, note: str) -> None:
    case.concluded_at, case.decision = utcnow(), decision
    cases.set_status(case, 11 if decision == "approve" else 13, actor, note)


EFFECTS = {
    "case_supplement_requested": supplement_requested,
    "case_decided_here": decided_here,
    "case_decided_above": decided_above,
}
