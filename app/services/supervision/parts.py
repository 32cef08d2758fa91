"""The parts of 效能监察, bound at app start: importing a part registers its sweep steps
(app.services.supervision.sweep) and the hooks it listens on."""
from __future__ import annotations

import importlib

# One module a part; each registers what it needs when imported.
PARTS: tuple[str, ...] = (
    "app.services.supervision.assessment",  # 月度效能考评: freeze_assessment
    "app.services.supervision.inspections",  # 案卷抽查: draw_case_checks
    "app.services.supervision.duty",  # 负责人值班: mark_missed_duty
    "app.services.supervision.violation_sources",  # 违规登记 found in the records
)


def register() -> None:
    for name in PARTS:
        importlib.import_module(name)
