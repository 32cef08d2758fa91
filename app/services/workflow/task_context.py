"""What a task shows its decider, read-only, of the steps before it.

The platform knows tasks and forms, not what a 办结送达 or a 补正 needs to show; the domain
registers, at app start, a provider per form key (the form's schema file without
".schema.json"). A provider reads server-side state only (the case, the audit trail, the
decision records, the workflow data earlier steps recorded), never what a form posts, so
the page can show the context but nobody can change it by typing.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from app.models import HumanTask

SCHEMA_SUFFIX = ".schema.json"


@dataclass(frozen=True)
class Entry:
    """One line of context. `label` is a display name pages translate; `value` is data
    (shown as stored) unless `translate`; `when` a moment pages show in local time; `link`
    is (endpoint, params) for a page to build."""
    label: str
    value: str = ""
    translate: bool = False
    when: datetime | str | None = None
    link: tuple[str, dict] | None = None


@dataclass(frozen=True)
class Section:
    title: str
    entries: list[Entry] = field(default_factory=list)


Provider = Callable[[HumanTask], list[Section]]
_providers: dict[str, list[Provider]] = {}


def form_key(task: HumanTask) -> str:
    name = task.form_schema or ""
    return name[:-len(SCHEMA_SUFFIX)] if name.endswith(SCHEMA_SUFFIX) else name


def provide(keys: Iterable[str], provider: Provider) -> None:
    """`provider` adds its sections to every task whose form key is one of `keys`."""
    for key in keys:
        registered = _providers.setdefault(key, [])
        if provider not in registered:
            registered.append(provider)


def sections(task: HumanTask) -> list[Section]:
    """The context every registered provider gives the task, empty sections left out."""
    found = [s for provider in _providers.get(form_key(task), []) for s in provider(task)]
    return [s for s in found if s.entries]
