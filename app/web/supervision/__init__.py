"""效能监察 pages (/supervision/…). Each part registers its entry in the header's 效能监察
menu when its module is imported (`nav_entry`), so the parts stay independent; the menu
shows the center's entries to supervisors and administrators and the units' entries to
department staff too."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_login import current_user

from app.models.identity import DEPARTMENT_ROLES


@dataclass(frozen=True)
class NavEntry:
    endpoint: str
    label: object  # a lazy string: worded in the page's language when rendered
    units_too: bool  # False: the center's supervisors and administrators only


NAV: list[NavEntry] = []


def nav_entry(endpoint: str, label, *, units_too: bool = True) -> None:
    if all(entry.endpoint != endpoint for entry in NAV):
        NAV.append(NavEntry(endpoint, label, units_too))


def menu() -> list[tuple[str, object]]:
    """The entries the signed-in user may open, as nav_menu takes them."""
    if not current_user.is_authenticated:
        return []
    center = current_user.is_supervisor
    unit = bool(current_user.roles & set(DEPARTMENT_ROLES))
    return [(e.endpoint, e.label) for e in NAV if center or (unit and e.units_too)]


def init_app(app: Flask) -> None:
    app.context_processor(lambda: {"supervision_menu": menu})
