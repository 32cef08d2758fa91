"""DMN decision tables deployed with the processes whose business rule tasks call them.

A decision table is part of a process version, like its forms: a version keeps the table it
was deployed with, so a running case is never judged by rules edited after it started.
Where a table comes from, first match wins: a .dmn file uploaded in the same deployment,
the latest deployed version of the same process, then PROCESSES_DIR. Designers edit a table
by deploying the .dmn alone: every process whose latest version calls one of its decisions
gets a new version with it (with_processes_calling).
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.engine import bpmn
from app.models import ProcessDefinition, db
from app.services.workflow.errors import InvalidInput


@dataclass(frozen=True)
class Table:
    filename: str
    text: str
    tree: object  # the parsed DMN document

    @property
    def decision_id(self) -> str:
        return bpmn.decision_ids(self.tree)[0]


def dmn_files(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    return [(name, data) for name, data in files if name.endswith(".dmn")]


def parse(files: list[tuple[str, bytes]], problems: list) -> dict[str, Table]:
    """The tables among `files` by decision id; every problem is appended to `problems`."""
    found: dict[str, Table] = {}
    for name, data in dmn_files(files):
        try:
            tree = bpmn.parse_dmn(data, name, current_app.config["MAX_BPMN_BYTES"])
            text = data.decode("utf-8")
        except bpmn.BpmnInvalid as err:
            problems.extend(err.problems)
            continue
        except UnicodeDecodeError:
            problems.append(bpmn.Problem(name, "the file must be encoded as UTF-8"))
            continue
        found_problems = bpmn.check_dmn(tree, name)
        problems.extend(found_problems)
        if not found_problems:
            table = Table(name, text, tree)
            found[table.decision_id] = table
    return found


def _stored(decisions: dict | None) -> dict[str, Table]:
    """Tables kept with a deployed version (already validated when it was deployed)."""
    found = {}
    for name, text in (decisions or {}).items():
        data = text.encode("utf-8")
        table = Table(name, text, bpmn.parse_dmn(data, name, max_bytes=len(data)))
        found[table.decision_id] = table
    return found


def directory_files() -> list[tuple[str, bytes]]:
    folder = Path(current_app.config["PROCESSES_DIR"])
    return [(p.name, p.read_bytes()) for p in sorted(folder.glob("*.dmn"))]


def available(uploaded: dict[str, Table], processes: list[tuple[str, str]]) -> dict[str, Table]:
    """Uploaded tables, then those of the latest deployed versions of `processes`, then
    PROCESSES_DIR's."""
    from_dir = parse(directory_files(), [])  # the directory's own problems show at setup
    deployed: dict[str, Table] = {}
    for key, _ in processes:
        latest = _latest(key)
        if latest is not None:
            deployed.update(_stored(latest.decisions))
    return {**from_dir, **deployed, **uploaded}


def used_by(tree, filename: str, tables: dict[str, Table],
            problems: list) -> list[Table]:
    """The tables the document's business rule tasks call; a missing one is a problem."""
    used: dict[str, Table] = {}
    for node, decision_id in bpmn.decision_references(tree):
        if decision_id in tables:
            used[decision_id] = tables[decision_id]
        else:
            problems.append(bpmn.Problem(filename, f"decision table '{decision_id}' does not "
                                         "exist (deploy its .dmn file with the process)",
                                         line=node.sourceline, element=node.get("id")))
    return list(used.values())


def stored_form(tables: list[Table]) -> dict[str, str]:
    return {table.filename: table.text for table in tables}


def digest_part(decisions: dict[str, str]) -> bytes:
    """What the tables add to a version's checksum: nothing when there are none, so the
    checksums of processes without business rule tasks do not change."""
    return json.dumps(decisions, sort_keys=True).encode() if decisions else b""


def with_processes_calling(files: list[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """A deployment of .dmn files alone: add the latest version (BPMN and forms) of every
    process that calls one of their decisions, so each gets a new version with them."""
    if any(name.endswith(".bpmn") for name, _ in files) or not dmn_files(files):
        return files
    problems: list = []
    uploaded = parse(files, problems)
    if problems:
        raise InvalidInput(f"{len(problems)} problem(s) in the DMN", code="bpmn_invalid",
                           errors=[p.as_dict() for p in problems])
    callers = [d for d in _latest_versions() if set(_stored(d.decisions)) & set(uploaded)]
    if not callers:
        raise InvalidInput(f"no deployed process calls decision(s) {', '.join(sorted(uploaded))}",
                           code="decision_unused")
    added = [(d.source_name, d.bpmn_xml.encode("utf-8")) for d in callers]
    forms = [(name, json.dumps(doc, ensure_ascii=False).encode("utf-8"))
             for d in callers for name, doc in (d.forms or {}).items()]
    return [*files, *added, *forms]


def _latest(key: str) -> ProcessDefinition | None:
    return db.session.scalar(sa.select(ProcessDefinition).where(ProcessDefinition.key == key)
                             .order_by(ProcessDefinition.version.desc()).limit(1))


def _latest_versions() -> list[ProcessDefinition]:
    newest = sa.select(ProcessDefinition.key, sa.func.max(ProcessDefinition.version).label("v")) \
        .group_by(ProcessDefinition.key).subquery()
    return list(db.session.scalars(sa.select(ProcessDefinition).join(newest, sa.and_(
        ProcessDefinition.key == newest.c.key, ProcessDefinition.version == newest.c.v))
        .where(ProcessDefinition.decisions.is_not(None))))


def tables_of(definition: ProcessDefinition) -> list[Table]:
    return sorted(_stored(definition.decisions).values(), key=lambda t: t.filename)


def rows(table: Table) -> dict:
    """The table as the designer page shows it: inputs, outputs and rules as text."""
    def texts(node, tag):
        return [(e.findtext("{*}text") or "").strip() for e in node.findall(f"{{*}}{tag}")]
    [decision] = table.tree.getroot().findall("{*}decision")
    [dt] = decision.findall("{*}decisionTable")
    return {
        "id": decision.get("id"), "name": decision.get("name") or decision.get("id"),
        "hitPolicy": dt.get("hitPolicy", "UNIQUE"), "filename": table.filename,
        "inputs": [{"label": i.get("label") or "",
                    "expression": (i.findtext("{*}inputExpression/{*}text") or "").strip()}
                   for i in dt.findall("{*}input")],
        "outputs": [{"label": o.get("label") or "", "name": o.get("name") or ""}
                    for o in dt.findall("{*}output")],
        "rules": [{"inputs": texts(r, "inputEntry"), "outputs": texts(r, "outputEntry"),
                   "description": (r.findtext("{*}description") or "").strip()}
                  for r in dt.findall("{*}rule")],
    }
