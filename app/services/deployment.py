"""Deploying BPMN: validate everything first, then store a new version only when content changed."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.engine import bpmn
from app.models import ProcessDefinition, db
from app.services import audit, forms
from app.services.actor import Actor
from app.services.errors import InvalidInput, NotFound


@dataclass
class Deployed:
    definition: ProcessDefinition
    created: bool


@dataclass
class _Parsed:
    filename: str
    xml: str
    processes: list[tuple[str, str]]
    form_names: list[str]


def deploy(files: list[tuple[str, bytes]], actor: Actor) -> list[Deployed]:
    """Deploy .bpmn files (with any .json forms uploaded beside them); all or nothing."""
    bpmn_files = [(name, data) for name, data in files if name.endswith(".bpmn")]
    if not bpmn_files:
        raise InvalidInput("no .bpmn file was given", code="no_bpmn")
    available = {**forms.load_dir(current_app.config["FORMS_DIR"]), **_uploaded_forms(files)}
    parsed, problems = [], []
    for name, data in bpmn_files:
        try:
            parsed.append(_check(name, data, available, problems))
        except bpmn.BpmnInvalid as err:
            problems.extend(err.problems)
    if problems:
        raise InvalidInput(f"{len(problems)} problem(s) in the BPMN", code="bpmn_invalid",
                           errors=[p.as_dict() for p in problems])
    results = [_store(p, key, name, available, actor) for p in parsed for key, name in p.processes]
    db.session.commit()
    return results


def deploy_directory(directory: str, actor: Actor) -> list[Deployed]:
    files = [(p.name, p.read_bytes()) for p in sorted(Path(directory).glob("*.bpmn"))]
    return deploy(files, actor) if files else []


def _uploaded_forms(files: list[tuple[str, bytes]]) -> dict[str, dict]:
    result = {}
    for name, data in files:
        if name.endswith(".json"):
            try:
                result[name] = json.loads(data)
            except ValueError as err:
                raise InvalidInput(f"{name} is not valid JSON: {err}", code="form_invalid") from None
    return result


def _check(name: str, data: bytes, available: dict, problems: list) -> _Parsed:
    tree = bpmn.parse_xml(data, name, current_app.config["MAX_BPMN_BYTES"])
    found = bpmn.validate(tree, name)
    problems.extend(found)
    form_names = []
    for node, ref in bpmn.form_references(tree):
        if ref not in available:
            problems.append(bpmn.Problem(name, f"form file '{ref}' does not exist",
                                         line=node.sourceline, element=node.get("id")))
        elif problem := forms.schema_problem(ref, available[ref]):
            problems.append(bpmn.Problem(ref, problem, element=node.get("id")))
        else:
            form_names.append(ref)
    processes = bpmn.process_ids(tree)
    if not processes:
        problems.append(bpmn.Problem(name, "the document has no executable process"))
    for process_id, _ in processes if not found else ():
        bpmn.build_specs(tree, name, process_id)  # the engine must accept it too
    return _Parsed(name, data.decode("utf-8"), processes, form_names)


def _store(parsed: _Parsed, key: str, name: str, available: dict, actor: Actor) -> Deployed:
    used = {ref: available[ref] for ref in parsed.form_names}
    digest = hashlib.sha256(parsed.xml.encode() + json.dumps(used, sort_keys=True).encode())
    current = latest(key, required=False)
    if current is not None and current.sha256 == digest.hexdigest():
        return Deployed(current, created=False)
    definition = ProcessDefinition(
        key=key, version=(current.version + 1) if current else 1, name=name,
        source_name=parsed.filename, bpmn_xml=parsed.xml, forms=used,
        sha256=digest.hexdigest(), deployed_by=actor.user_id)
    db.session.add(definition)
    db.session.flush()
    audit.record(actor, "process.deployed", key=key, version=definition.version,
                 definition_id=definition.id)
    return Deployed(definition, created=True)


def latest(key: str, required: bool = True) -> ProcessDefinition | None:
    definition = db.session.scalar(sa.select(ProcessDefinition).where(ProcessDefinition.key == key)
                                   .order_by(ProcessDefinition.version.desc()).limit(1))
    if definition is None and required:
        raise NotFound(f"no process is deployed under key '{key}'", code="process_not_found")
    return definition


def listing() -> list[ProcessDefinition]:
    return list(db.session.scalars(sa.select(ProcessDefinition)
                                   .order_by(ProcessDefinition.key, ProcessDefinition.version)))
