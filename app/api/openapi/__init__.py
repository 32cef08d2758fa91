"""The API's contract (OpenAPI 3.1): base.yaml and one fragment per area of the API
(workflow, organization, cases, authorization, ...), merged once per process.

A fragment holds `tags`, `paths` and `components` (schemas, parameters); two fragments
defining the same operation or component name is an error at load, so no fragment silently
overrides another. tests/api/test_openapi_contract.py holds the contract to the routes: every
route has its operation and every operation its route.
"""
from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path

import yaml

HERE = Path(__file__).parent
BASE = "base.yaml"


def document() -> dict:
    """The merged contract (a copy: callers may change it)."""
    return copy.deepcopy(_merged())


def document_view() -> dict:
    """The merged contract itself, shared: to read, never to change."""
    return _merged()


@lru_cache(maxsize=1)
def _merged() -> dict:
    merged = _read(HERE / BASE)
    for fragment in sorted(HERE.glob("*.yaml")):
        if fragment.name != BASE:
            _add(merged, _read(fragment), fragment.name)
    merged["tags"] = sorted(merged["tags"], key=lambda tag: tag["name"])
    _add_standard_responses(merged)
    return merged


METHODS = ("get", "put", "post", "patch", "delete")


def _add_standard_responses(merged: dict) -> None:
    """What every operation can answer whatever it does, so that no fragment forgets it: 401
    without a token, 400 for a parameter or body it cannot read (an id past the range of
    ids), 404 for a path naming nothing."""
    for operations in merged["paths"].values():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            if operation.get("security", merged.get("security")):
                responses.setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
            parameters = operation.get("parameters", []) + operations.get("parameters", [])
            if parameters or "requestBody" in operation:
                responses.setdefault("400", {"$ref": "#/components/responses/BadRequest"})
            if any(_is_path(p, merged) for p in parameters):
                responses.setdefault("404", {"$ref": "#/components/responses/NotFound"})


def _is_path(parameter: dict, merged: dict) -> bool:
    if "$ref" in parameter:
        parameter = merged["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
    return parameter.get("in") == "path"


def _read(path: Path) -> dict:
    with path.open(encoding="utf-8") as stream:
        return yaml.safe_load(stream) or {}


def _add(merged: dict, fragment: dict, name: str) -> None:
    merged["tags"].extend(fragment.get("tags", []))
    for path, operations in (fragment.get("paths") or {}).items():
        _put_new(merged["paths"].setdefault(path, {}), operations, f"{name}: {path}")
    for section, entries in (fragment.get("components") or {}).items():
        _put_new(merged["components"].setdefault(section, {}), entries,
                 f"{name}: components.{section}")


def _put_new(target: dict, entries: dict, where: str) -> None:
    for key, value in entries.items():
        if key in target:
            raise ValueError(f"{where}: {key} is defined twice")
        target[key] = value
