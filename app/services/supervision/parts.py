"""The parts of 效能监察, bound at app start: importing a part registers its sweep steps
(app.services.supervision.sweep) and the hooks it listens on."""
from __future__ import annotations

import importlib

# One module a part; each registers what it needs when imported.
PARTS: tuple[str, ...] = ("app.services.supervision.assessment",)


def register() -> None:
    for name in PARTS:
        importlib.import_module(name)
