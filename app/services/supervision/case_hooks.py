"""What a case's own steps tell 效能监察 (called from app.services.cases): its 预警 and its
lateness deal the unit a card, lateness and a 一次性告知 broken by a second round asking for
new materials go in the register of violations."""
from __future__ import annotations

from app.models import Case
from app.models.accountability import ONE_TIME_NOTICE, OVERDUE_CASE, RED, YELLOW
from app.services.supervision import cards, violations
from app.services.workflow.actor import Actor


def warned(case: Case, actor: Actor) -> None:  # 预警 → 黄牌
    cards.deal(case, YELLOW, actor)


def overdue(case: Case, actor: Actor) -> None:  # 逾期 → 红牌, and 超时办件 in the register
    card = cards.deal(case, RED, actor)
    violations.record_automatic(
        OVERDUE_CASE, case.item.department_id, case=case,
        occurred_at=card.dealt_at if card else None,
        description=f"办件 {case.case_no or case.id}「{case.item.name}」超过承诺时限未办结",
        source_ref=f"case:{case.id}:overdue")


def supplement_round(case: Case, actor: Actor) -> None:
    """一次性告知制 (两次办结): all the missing materials are asked for at once; a later round
    asking for one the first 一次性告知书 did not list breaks it, even with the new fact the
    window wrote down (cases.open_supplement_round keeps both on the round); once per case.
    The window that asked is named."""
    latest = case.supplements[-1] if case.supplements else {}
    new = latest.get("new_materials") or []
    if not new:
        return
    reason = f"（窗口说明：{latest['reason']}）" if latest.get("reason") else ""
    violations.record_automatic(
        ONE_TIME_NOTICE, case.item.department_id, staff_id=actor.user_id, case=case,
        description=(f"办件 {case.case_no or case.id}「{case.item.name}」第 {len(case.supplements)} "
                     f"次补正告知新增材料：{'、'.join(case.material_names(new))}{reason}"),
        source_ref=f"case:{case.id}:one_time_notice")
