"""What a deployment will do before it is done, and rollbacks.

`plan` answers the confirmation step: for each process of the document its name, the
version it will get and what changes against the current one, with a token that the
deploy must send back (deployment.deploy checks it, so what was confirmed is what lands).
`redeploy` stores an earlier version's content again as a new version: the history stays
append-only, running instances keep their version, new ones start on the restored one."""
from __future__ import annotations

from dataclasses import dataclass

from app.models import ProcessDefinition, db
from app.services.workflow import audit, deployment, process_diff
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, InvalidInput


@dataclass
class Planned:
    key: str
    name: str
    current: int | None  # the version deployed now, None for a new process
    next: int | None  # the version it will become, None when the content is unchanged
    diff: process_diff.ProcessDiff | None  # against the current version

    def as_dict(self) -> dict:
        return {"key": self.key, "name": self.name, "currentVersion": self.current,
                "newVersion": self.next, "changes": summary(self.diff)}


@dataclass
class Plan:
    processes: list[Planned]
    token: str

    @property
    def changes_anything(self) -> bool:
        return any(p.next is not None for p in self.processes)


def plan(files: list[tuple[str, bytes]], *, reuse_deployed_forms: bool = False) -> Plan:
    """The confirmation of deploying `files`; refuses what deploy() would refuse."""
    parsed, problems = deployment.check_files(files, reuse_deployed_forms)
    if problems:
        raise deployment.refusal(problems)
    planned = []
    for document in parsed:
        for key, name in document.processes:
            current = deployment.latest(key, required=False)
            unchanged = current is not None and current.sha256 == deployment.content_digest(
                document)
            diff = None if current is None else process_diff.compare(
                current.bpmn_xml, document.xml, current.forms or {}, document.forms)
            planned.append(Planned(key, name, current.version if current else None,
                                   None if unchanged else (current.version + 1 if current else 1),
                                   diff))
    return Plan(planned, deployment.confirmation_token(parsed))


def summary(diff: process_diff.ProcessDiff | None) -> dict | None:
    """Counts and ids of what changed, as the confirmation and the API show them."""
    if diff is None:
        return None
    return {"added": [_change(c) for c in diff.added],
            "removed": [_change(c) for c in diff.removed],
            "changed": [_change(c) for c in diff.changed],
            "layoutOnly": len(diff.layout_only),
            "forms": {"added": diff.forms_added, "removed": diff.forms_removed,
                      "changed": diff.forms_changed}}


def _change(change: process_diff.Change) -> dict:
    return {"id": change.id, "type": change.type, "name": change.name,
            "aspects": change.aspects}


def restore_preview(key: str, number: int) -> tuple[ProcessDefinition, ProcessDefinition,
                                                      process_diff.ProcessDiff]:
    """(the version to restore, the current one, what restoring changes against it)."""
    earlier, current = deployment.version(key, number), deployment.latest(key)
    return earlier, current, process_diff.compare(
        current.bpmn_xml, earlier.bpmn_xml, current.forms or {}, earlier.forms or {})


def redeploy(key: str, number: int, actor: Actor, *, note: object,
             expected_current: int | None = None) -> ProcessDefinition:
    """Version `number`'s BPMN, forms and decision tables as the new latest version.
    `expected_current` is the version the person confirmed against: a deployment in
    between makes the confirmation stale."""
    deployment.require_designer(actor)
    note = deployment.checked_note(note, required=True)
    earlier, current = deployment.version(key, number), deployment.latest(key)
    if expected_current is not None and expected_current != current.version:
        raise Conflict(f"version {current.version} was deployed since; confirm again",
                       code="deploy_confirmation_stale")
    if current.sha256 == earlier.sha256:
        raise Conflict(f"version {current.version} already has the content of version {number}",
                       code="already_current")
    restored = ProcessDefinition(
        key=key, version=current.version + 1, name=earlier.name,
        source_name=earlier.source_name, bpmn_xml=earlier.bpmn_xml,
        forms=dict(earlier.forms or {}), decisions=dict(earlier.decisions or {}),
        sha256=earlier.sha256, deployed_by=actor.user_id, change_note=note,
        restored_from=earlier.version)
    db.session.add(restored)
    db.session.flush()
    audit.record(actor, "process.redeployed", key=key, version=restored.version,
                 definition_id=restored.id, restored_from=earlier.version, note=note)
    db.session.commit()
    return restored


def expected_version(raw: object) -> int | None:
    """The confirmed current version as a form or body sends it."""
    if raw in (None, ""):
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().isdecimal():
        return int(raw.strip())
    raise InvalidInput("currentVersion must be a version number", code="invalid_input",
                       errors=[{"field": "currentVersion", "message": "invalid"}])
