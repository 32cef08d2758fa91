"""The layers import only downwards: models <- engine/services <- api/web/workers.

Every module under app/ and workers/ is parsed (not imported) and each import, including
ones inside functions, is checked against the rules below.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "workers")

WEB_LAYER = ("app.api", "app.web")
REQUEST_STATE = ("flask.request", "flask_login.current_user")

PLATFORM = ("app.services.workflow", "app.engine")
# Everything else under app/services is the service center's domain (or sign-in), listed from
# the tree so that a new domain package is covered the day it is added.
DOMAIN = tuple(sorted(
    f"app.services.{p.stem}" for p in (ROOT / "app" / "services").iterdir()
    if p.name not in ("workflow", "__init__.py", "__pycache__")
    and (p.suffix == ".py" or (p / "__init__.py").exists())))

# (modules the rule applies to, dotted names they must not import)
RULES = {
    "models": (("app.models",), ("app.services", *WEB_LAYER, "workers")),
    "services and engine": (("app.services", "app.engine"), (*WEB_LAYER, "workers",
                                                               *REQUEST_STATE)),
    "workers": (("workers",), WEB_LAYER),
    # The workflow platform knows no service-center domain: the domain plugs in by
    # registration at app start (app/services/center.py), never by the platform importing it.
    "the platform knows no domain": (PLATFORM, DOMAIN),
    # Demo data is loaded by the command line only; nothing a center runs depends on it.
    "no demo in production code": (("app.models", "app.engine", "app.services", *WEB_LAYER,
                                    "workers"), ("app.demo",)),
}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_names(source: str, module: str, is_package: bool = False) -> set[tuple[str, int]]:
    """Dotted names a module imports, with line numbers.

    `import a.b` gives a.b; `from a import b` gives a and a.b (b may be a module or an
    attribute); relative imports are resolved against `module`. Attribute access such as
    `flask.request` on a plainly imported module counts as importing that name too.
    """
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found: set[tuple[str, int]] = set()
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.add((alias.name, node.lineno))
                aliases[alias.asname or alias.name.split(".")[0]] = (
                    alias.name if alias.asname else alias.name.split(".")[0])
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            if base:
                found.add((base, node.lineno))
            for alias in node.names:
                if alias.name != "*":
                    found.add((f"{base}.{alias.name}" if base else alias.name, node.lineno))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id in aliases:
            found.add((f"{aliases[node.value.id]}.{node.attr}", node.lineno))
    return found


def python_files(root: Path = ROOT) -> list[Path]:
    return sorted(p for package in PACKAGES if (root / package).is_dir()
                  for p in (root / package).rglob("*.py"))


def _within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def violations(scope: tuple[str, ...], forbidden: tuple[str, ...], root: Path = ROOT) -> list[str]:
    problems = []
    for path in python_files(root):
        module = module_name(path, root)
        if not _within(module, scope):
            continue
        names = imported_names(path.read_text("utf-8"), module, path.name == "__init__.py")
        for name, line in sorted(names, key=lambda item: (item[1], item[0])):
            if _within(name, forbidden):
                problems.append(f"{path.relative_to(root)}:{line} imports {name}")
    return problems


@pytest.mark.parametrize("rule", sorted(RULES))
def test_layer_imports(rule):
    scope, forbidden = RULES[rule]
    assert violations(scope, forbidden) == []


def test_collector_sees_every_kind_of_import():
    source = (
        "import flask\n"
        "import os.path as osp\n"
        "from flask_login import current_user, login_required\n"
        "from . import audit\n"
        "from ..api import tasks\n"
        "def late():\n"
        "    from workers.worker import celery\n"
        "    return flask.request.args\n"
    )
    names = {name for name, _ in imported_names(source, "app.services.example")}
    assert {"flask", "flask.request", "os.path", "flask_login.current_user",
            "flask_login.login_required", "app.services.audit", "app.api",
            "app.api.tasks", "workers.worker", "workers.worker.celery"} <= names
    assert {name for name, _ in imported_names("from . import x\n", "app.models", True)} \
        == {"app.models", "app.models.x"}


def test_collector_sees_the_real_tree():
    files = {module_name(p) for p in python_files()}
    assert {"app.models.task", "app.services.workflow.tasks", "app.engine.runtime",
            "app.api.workflow.tasks"} <= files
    tasks_source = (ROOT / "app/services/workflow/tasks.py").read_text("utf-8")
    names = {n for n, _ in imported_names(tasks_source, "app.services.workflow.tasks")}
    assert {"app.models", "app.services.workflow.execution"} <= names
    query_source = (ROOT / "app/services/workflow/task_query.py").read_text("utf-8")
    assert "sqlalchemy" in {n for n, _ in imported_names(query_source,
                                                          "app.services.workflow.task_query")}
    assert not _within("app.apiary", WEB_LAYER)


def test_planted_violations_are_reported(tmp_path):
    for name, source in {
        "app/models/bad.py": "def f():\n    from app.services.workflow.tasks import complete\n",
        "app/models/fine.py": "from app.models.base import db\n",
        "app/services/bad.py": "import flask\nuser = flask.request.remote_addr\n",
        "app/engine/bad.py": "from flask_login import current_user\n",
        "app/services/__init__.py": "from ..web import pages\n",
        "workers/bad.py": "from app.api.tasks import bp\n",
        "app/web/demo_page.py": "from app.demo import data\n",
        "app/services/workflow/execution.py": "from app.services.linkage import outbox\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source)
    assert violations(*RULES["models"], root=tmp_path) == [
        "app/models/bad.py:2 imports app.services.workflow.tasks",
        "app/models/bad.py:2 imports app.services.workflow.tasks.complete"]
    assert violations(*RULES["services and engine"], root=tmp_path) == [
        "app/engine/bad.py:1 imports flask_login.current_user",
        "app/services/__init__.py:1 imports app.web",
        "app/services/__init__.py:1 imports app.web.pages",
        "app/services/bad.py:2 imports flask.request"]
    assert violations(*RULES["workers"], root=tmp_path) == [
        "workers/bad.py:1 imports app.api.tasks", "workers/bad.py:1 imports app.api.tasks.bp"]
    assert violations(*RULES["the platform knows no domain"], root=tmp_path) == [
        "app/services/workflow/execution.py:1 imports app.services.linkage",
        "app/services/workflow/execution.py:1 imports app.services.linkage.outbox"]
    assert violations(*RULES["no demo in production code"], root=tmp_path) == [
        "app/web/demo_page.py:1 imports app.demo", "app/web/demo_page.py:1 imports app.demo.data"]


def import_graph(root: Path = ROOT) -> dict[str, set[str]]:
    """Each module of app/ and workers/ -> the modules of the tree it imports, at the top or
    inside a function. `from package import module` depends on that module, not on the
    package's __init__ (which may register its modules lazily)."""
    paths = {module_name(p, root): p for p in python_files(root)}
    graph = {}
    for module, path in paths.items():
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        graph[module] = {target for target in _targets(path.read_text("utf-8"), package, paths)
                         if target != module}
    return graph


def _targets(source: str, package: str, modules: dict) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(_module_of(alias.name, modules) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.add(full if full in modules else _module_of(base, modules))
    return found - {None}


def _module_of(name: str, modules: dict) -> str | None:
    while name and name not in modules:
        name = name.rpartition(".")[0]
    return name or None


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or around a circle (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for other in sorted(graph[module]):
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while not group or group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))
    for module in sorted(graph):
        if module not in index:
            visit(module)
    return found


def test_no_import_circles():
    assert circles(import_graph()) == []


def test_a_planted_circle_is_found(tmp_path):
    for name, source in {
        "app/__init__.py": "",
        "app/services/__init__.py": "",
        "app/services/a.py": "from app.services import b\n",
        "app/services/b.py": "def late():\n    from app.services.c import thing\n",
        "app/services/c.py": "import app.services.a\n",
        "app/services/d.py": "from app.services import a\n",
        "app/services/e.py": "from . import d\n",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(source)
    assert circles(import_graph(tmp_path)) == [
        ["app.services.a", "app.services.b", "app.services.c"]]
