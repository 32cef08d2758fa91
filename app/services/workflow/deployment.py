"""Deploying BPMN: validate everything first, then store a new version only when content changed."""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.engine import bpmn
from app.models import ProcessDefinition, User, db
from app.services.workflow import audit, decisions, forms, process_structure
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound


class Unconnected(InvalidInput):
    status, code, title = 422, "bpmn_unconnected", "Process not connected"


@dataclass
class Deployed:
    definition: ProcessDefinition
    created: bool


@dataclass
class _Parsed:
    filename: str
    xml: str
    processes: list[tuple[str, str]]
    forms: dict[str, dict]  # the forms its user tasks name, by file name
    decisions: dict[str, str]  # the DMN files its business rule tasks call, by file name


def require_designer(actor: Actor) -> None:
    """Process designers and center administrators; the system actor (CLI, setup) passes."""
    if actor.user is not None and not actor.user.is_designer:
        raise Forbidden("only process designers and administrators may deploy",
                        code="not_designer")


MAX_NOTE = 2000


def deploy(files: list[tuple[str, bytes]], actor: Actor, *,
           reuse_deployed_forms: bool = False, note: str = "",
           confirmation: str | None = None) -> list[Deployed]:
    """Deploy .bpmn files (with any .json forms and .dmn decision tables uploaded beside
    them); all or nothing. .dmn files alone redeploy the processes that call them.
    With `reuse_deployed_forms` a form neither uploaded nor in FORMS_DIR may come from the
    latest deployed version of the same process (the modeler sends the BPMN alone).
    `note` is kept with each new version; a `confirmation` (the token of `plan`) must still
    match: the same content onto the same current versions, else nothing is deployed."""
    note = checked_note(note, required=False)
    parsed, problems = check_files(files, reuse_deployed_forms)
    if problems:
        raise refusal(problems)
    if confirmation is not None and confirmation != confirmation_token(parsed):
        raise Conflict("the process changed since the deployment was confirmed; confirm again",
                       code="deploy_confirmation_stale")
    results = [_store(p, key, name, actor, note) for p in parsed for key, name in p.processes]
    db.session.commit()
    return results


def refusal(problems: list[bpmn.Problem]) -> InvalidInput:
    """400 bpmn_invalid; when every problem is a disconnected element, 422 bpmn_unconnected:
    the document is well-formed and executable, its graph is not connected."""
    errors = [p.as_dict() for p in problems]
    if all(p.code in process_structure.CODES for p in problems):
        return Unconnected(f"{len(problems)} element(s) not connected from a start event "
                           "to an end event", errors=errors)
    return InvalidInput(f"{len(problems)} problem(s) in the BPMN", code="bpmn_invalid",
                        errors=errors)


def checked_note(note: object, *, required: bool) -> str:
    """The change note as stored: text, trimmed, bounded; required where a person deploys."""
    if note is None:
        note = ""
    if not isinstance(note, str):
        raise InvalidInput("the change note must be text", code="note_invalid",
                           errors=[{"field": "note", "message": "invalid"}])
    note = note.strip()
    if required and not note:
        raise InvalidInput("a change note is required: say what this version changes",
                           code="note_required", errors=[{"field": "note", "message": "required"}])
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"the change note is longer than {MAX_NOTE} characters",
                           code="note_too_long", errors=[{"field": "note", "message": "too long"}])
    return note


def confirmation_token(parsed: list[_Parsed]) -> str:
    """What a confirmation agreed to: each document's content and the version it follows."""
    parts = [f"{key}:{content_digest(p)}:{_current_number(key)}"
             for p in parsed for key, _name in p.processes]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _current_number(key: str) -> int:
    current = latest(key, required=False)
    return current.version if current else 0


def validate(files: list[tuple[str, bytes]], *,
             reuse_deployed_forms: bool = False) -> list[bpmn.Problem]:
    """Every problem deploy() would refuse the files for, without storing anything."""
    return check_files(files, reuse_deployed_forms)[1]


def check_files(files: list[tuple[str, bytes]], reuse_deployed_forms: bool):
    """(parsed documents, problems) of the files and the processes their tables serve."""
    return _check_all(decisions.with_processes_calling(files), reuse_deployed_forms)


def document_files(xml: str | bytes, filename: str = "") -> list[tuple[str, bytes]]:
    """One BPMN document (from the modeler) as the file list deploy() and validate() take."""
    name = (filename or "").strip().replace("/", "_").replace("\\", "_") or "diagram.bpmn"
    if not name.endswith(".bpmn"):
        name += ".bpmn"
    return [(name, xml.encode("utf-8") if isinstance(xml, str) else xml)]


def _check_all(files: list[tuple[str, bytes]], reuse_deployed_forms: bool):
    """The one set of checks behind deploy() and validate(): (parsed files, problems)."""
    bpmn_files = [(name, data) for name, data in files if name.endswith(".bpmn")]
    if not bpmn_files:
        raise InvalidInput("no .bpmn file was given", code="no_bpmn")
    available = {**forms.load_dir(current_app.config["FORMS_DIR"]), **_uploaded_forms(files)}
    parsed, problems = [], []
    tables = decisions.parse(files, problems)
    for name, data in bpmn_files:
        try:
            parsed.append(_check(name, data, (available, tables), problems,
                                 reuse_deployed_forms))
        except bpmn.BpmnInvalid as err:
            problems.extend(err.problems)
    return parsed, problems


def deploy_directory(directory: str, actor: Actor) -> list[Deployed]:
    """Every .bpmn in the directory, with the .dmn decision tables and .json forms beside
    them (forms not there come from FORMS_DIR)."""
    files = [(p.name, p.read_bytes()) for p in sorted(Path(directory).glob("*.bpmn"))]
    if not files:
        return []
    return deploy(files + [(p.name, p.read_bytes()) for pattern in ("*.dmn", "*.json")
                           for p in sorted(Path(directory).glob(pattern))], actor)


def _uploaded_forms(files: list[tuple[str, bytes]]) -> dict[str, dict]:
    result = {}
    for name, data in files:
        if name.endswith(".json"):
            try:
                result[name] = json.loads(data)
            except ValueError as err:
                raise InvalidInput(f"{name} is not valid JSON: {err}", code="form_invalid") from None
    return result


def _check(name: str, data: bytes, sources: tuple, problems: list, reuse: bool) -> _Parsed:
    available, uploaded_tables = sources
    tree = bpmn.parse_xml(data, name, current_app.config["MAX_BPMN_BYTES"])
    found = bpmn.validate(tree, name)
    found += process_structure.check(tree, name)
    problems.extend(found)
    processes = bpmn.process_ids(tree)
    used = _used_forms(tree, name, {**(_deployed_forms(processes) if reuse else {}), **available},
                       problems)
    if not processes:
        problems.append(bpmn.Problem(name, "the document has no executable process"))
    missing_tables: list = []
    tables = decisions.used_by(tree, name, decisions.available(uploaded_tables, processes),
                               missing_tables)
    problems.extend(missing_tables)
    for process_id, _ in processes if not (found or missing_tables) else ():
        # the engine must accept it too
        bpmn.build_specs(tree, name, process_id, tuple((t.filename, t.tree) for t in tables))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # stored as text; lxml alone would have accepted GBK
        problems.append(bpmn.Problem(name, "the file must be encoded as UTF-8"))
        text = ""
    return _Parsed(name, text, processes, used, decisions.stored_form(tables))


def _used_forms(tree, name: str, known: dict, problems: list) -> dict[str, dict]:
    used = {}
    for node, ref in bpmn.form_references(tree):
        if ref not in known:
            problems.append(bpmn.Problem(name, f"form file '{ref}' does not exist",
                                         line=node.sourceline, element=node.get("id"),
                                         code="form_missing", name=node.get("name") or "",
                                         params={"form": ref}))
        elif problem := forms.schema_problem(ref, known[ref]):
            problems.append(bpmn.Problem(ref, problem, element=node.get("id")))
        else:
            used[ref] = known[ref]
    return used


def _deployed_forms(processes: list[tuple[str, str]]) -> dict[str, dict]:
    found: dict[str, dict] = {}
    for key, _ in processes:
        if (current := latest(key, required=False)) is not None:
            found.update(current.forms or {})
    return found


def content_digest(parsed: _Parsed) -> str:
    return hashlib.sha256(parsed.xml.encode() + json.dumps(parsed.forms, sort_keys=True).encode()
                          + decisions.digest_part(parsed.decisions)).hexdigest()


def _store(parsed: _Parsed, key: str, name: str, actor: Actor, note: str) -> Deployed:
    digest = content_digest(parsed)
    current = latest(key, required=False)
    if current is not None and current.sha256 == digest:
        return Deployed(current, created=False)
    definition = ProcessDefinition(
        key=key, version=(current.version + 1) if current else 1, name=name,
        source_name=parsed.filename, bpmn_xml=parsed.xml, forms=parsed.forms,
        decisions=parsed.decisions, sha256=digest, deployed_by=actor.user_id,
        change_note=note)
    db.session.add(definition)
    db.session.flush()
    audit.record(actor, "process.deployed", key=key, version=definition.version,
                 definition_id=definition.id, note=note)
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


def version(key: str, number: int) -> ProcessDefinition:
    definition = db.session.scalar(sa.select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version == number))
    if definition is None:
        raise NotFound(f"process '{key}' has no version {number}", code="version_not_found",
                       message=_l("流程 %(key)s 没有第 %(number)s 版。", key=key, number=number))
    return definition


def versions(key: str) -> list[ProcessDefinition]:
    """Every version of one process, newest first; NotFound when none is deployed."""
    found = list(db.session.scalars(sa.select(ProcessDefinition).where(
        ProcessDefinition.key == key).order_by(ProcessDefinition.version.desc())))
    if not found:
        raise NotFound(f"no process is deployed under key '{key}'", code="process_not_found")
    return found


def latest_versions() -> list[ProcessDefinition]:
    """The newest version of every deployed process, by key."""
    newest = sa.select(ProcessDefinition.key, sa.func.max(ProcessDefinition.version).label("v")) \
        .group_by(ProcessDefinition.key).subquery()
    return list(db.session.scalars(sa.select(ProcessDefinition).join(newest, sa.and_(
        ProcessDefinition.key == newest.c.key, ProcessDefinition.version == newest.c.v))
        .order_by(ProcessDefinition.key)))


def deployers(definitions: list[ProcessDefinition]) -> dict[int, User]:
    """Who deployed the given versions, by user id."""
    ids = {d.deployed_by for d in definitions if d.deployed_by is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_(ids)))}


@dataclass
class FormSource:
    """Where form files come from: FORMS_DIR (`definition` None) or a deployed version."""
    id: str  # "dir", or the definition's id
    definition: ProcessDefinition | None
    forms: dict[str, dict]


def form_sources() -> list[FormSource]:
    """FORMS_DIR and the forms stored with each process's latest version."""
    return [FormSource("dir", None, forms.load_dir(current_app.config["FORMS_DIR"]))] + [
        FormSource(str(d.id), d, d.forms) for d in latest_versions() if d.forms]


def form_pair(source_id: str, name: str) -> tuple[tuple[str, dict | None], tuple[str, dict | None]]:
    """((schema file, document), (UI schema file, document)) for either file of a pair
    named by the x.schema.json / x.uischema.json convention; a missing half is None."""
    source = next((s for s in form_sources() if s.id == source_id), None)
    if source is None or name not in source.forms:
        raise NotFound(f"no form file '{name}' in this source", code="form_not_found")
    if name.endswith(".uischema.json"):
        schema_name, ui_name = name.removesuffix(".uischema.json") + ".schema.json", name
    elif name.endswith(".schema.json"):
        schema_name, ui_name = name, name.removesuffix(".schema.json") + ".uischema.json"
    else:
        schema_name, ui_name = name, ""
    return ((schema_name, source.forms.get(schema_name)),
            (ui_name, source.forms.get(ui_name) if ui_name else None))
