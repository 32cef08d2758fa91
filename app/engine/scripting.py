"""Restricted execution of BPMN scripts and expressions, and the effects they emit.

SpiffWorkflow runs scripts with plain exec/eval. Here every script and expression is
compiled by RestrictedPython (no underscore attributes, no imports, a short list of
builtins), and compiled code is cached because the engine evaluates the same
expressions over and over.
"""
from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache

from RestrictedPython import (compile_restricted_eval, compile_restricted_exec,
                              limited_builtins, safe_builtins, utility_builtins)
from RestrictedPython.Eval import default_guarded_getitem, default_guarded_getiter
from RestrictedPython.Guards import (full_write_guard, guarded_iter_unpack_sequence,
                                     guarded_unpack_sequence, safer_getattr)
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from app.engine import script_limits

_EXTRA_BUILTINS = {name: __builtins__[name] if isinstance(__builtins__, dict)
                   else getattr(__builtins__, name)
                   for name in ("dict", "list", "sum", "min", "max", "any", "all", "enumerate",
                                "sorted", "map", "filter", "zip", "reversed", "len", "round")}

BUILTINS = {**safe_builtins, **limited_builtins, **utility_builtins, **_EXTRA_BUILTINS,
            "range": script_limits.capped_range}

GUARDS = {
    "__builtins__": BUILTINS,
    "_getattr_": safer_getattr,
    "_getitem_": default_guarded_getitem,
    "_getiter_": default_guarded_getiter,
    "_iter_unpack_sequence_": guarded_iter_unpack_sequence,
    "_unpack_sequence_": guarded_unpack_sequence,
    "_write_": full_write_guard,
    "_inplacevar_": lambda op, x, y: script_limits.INPLACE[op](x, y),
    **script_limits.GUARDS,
}

_functions: dict[str, Callable] = {}


def register_function(name: str, function: Callable) -> None:
    """Make a function callable from BPMN scripts and expressions (services do this)."""
    _functions[name] = function


def script_functions() -> dict[str, Callable]:
    return dict(_functions)


@lru_cache(maxsize=4096)
def compile_expression(source: str):
    result = compile_restricted_eval(source.strip(), "<expression>",
                                     policy=script_limits.CheckedOperators)
    if result.errors:
        raise SyntaxError("; ".join(result.errors))
    return result.code


@lru_cache(maxsize=1024)
def compile_script(source: str):
    result = compile_restricted_exec(source, "<script>", policy=script_limits.CheckedOperators)
    if result.errors:
        raise SyntaxError("; ".join(result.errors))
    return result.code


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """Task data as globals, like SpiffWorkflow's TaskDataEnvironment, but restricted."""

    def _injected(self, external_context) -> dict:
        return {**GUARDS, **_functions, **(external_context or {})}

    def evaluate(self, expression, context, external_context=None):
        # Task data may not shadow the guards or the registered functions.
        scope = {**context, **self._injected(external_context)}
        with script_limits.budget():
            return eval(compile_expression(expression), scope)  # noqa: S307 - restricted

    def execute(self, script, context, external_context=None):
        injected = self._injected(external_context)
        clashes = set(_functions).intersection(context)
        if clashes:
            raise ValueError(f"task data shadows script functions: {sorted(clashes)}")
        code = compile_script(script)
        # Nested values are shared with the parent task's data; copy before a script mutates them.
        for key, value in context.items():
            if isinstance(value, (dict, list)):
                context[key] = copy.deepcopy(value)
        context.update(injected)
        try:
            with script_limits.budget():
                exec(code, context)  # noqa: S102 - restricted code
        finally:
            for key in list(context):
                if key in injected or callable(context[key]):
                    context.pop(key)
        return True

    def call_service(self, context, **kwargs):
        raise NotImplementedError("service tasks are not enabled on this server")


class ScriptEngine(PythonScriptEngine):
    """Lets a multi-instance completion condition see the outputs collected so far."""

    def evaluate(self, task, expression, external_context=None):
        scope = dict(external_context or {})
        scope["mi_parent_data"] = task.parent.data if task.parent else {}
        return super().evaluate(task, expression, scope)


SCRIPT_ENGINE = ScriptEngine(environment=RestrictedEnvironment())

_effects: ContextVar[list] = ContextVar("engine_effects")


@contextmanager
def collecting_effects() -> Iterator[list]:
    """Collect what scripts ask for (notifications, case status) during one engine run."""
    effects: list = []
    token = _effects.set(effects)
    try:
        yield effects
    finally:
        _effects.reset(token)


def emit(kind: str, **payload) -> None:
    """Called by script functions; the caller of the run persists the effects it collected."""
    try:
        _effects.get().append((kind, payload))
    except LookupError:
        raise RuntimeError("script effect emitted outside an engine run") from None
