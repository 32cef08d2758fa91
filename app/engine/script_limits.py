"""Budgets for BPMN scripts and expressions: time per run, memory, and the size of what a
single operation may build.

A runaway script must become an incident within seconds and release the instance's lock,
in a web request (any thread) as in a Celery task, so the budget is enforced from inside
the interpreter: a trace function on the restricted code's own frames checks the clock on
every line and the memory every few hundred lines. What no line event can interrupt (one
operator building a huge number, string or list) is refused before it runs: the restricted
compiler routes `**`, `*` and `<<` through checked functions, and `range` is capped.
"""
from __future__ import annotations

import ast
import operator
import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from RestrictedPython import RestrictingNodeTransformer

RESTRICTED_FILES = frozenset({"<script>", "<expression>"})
MAX_ITEMS = 1_000_000  # elements a single operation may build (a list, a string, a range)
MAX_BITS = 1_000_000  # size of an integer a single operation may build (~300,000 digits)
_MEMORY_EVERY = 500  # line events between two memory checks

limits = {"seconds": 2.0, "memory_bytes": 64 * 1024 * 1024}
# Seconds the step's scripts have used so far: the budget counts script time, not the
# engine's own work (a long but legal loop of script tasks is not a runaway).
_step_spent: ContextVar[list[float] | None] = ContextVar("script_step_spent", default=None)


class ScriptLimitExceeded(Exception):
    """A script ran longer, used more memory or built something larger than allowed."""


def configure(seconds: float, memory_mb: int) -> None:
    limits.update(seconds=float(seconds), memory_bytes=int(memory_mb) * 1024 * 1024)


def _peak_rss() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # Linux counts in KiB


@contextmanager
def step_budget() -> Iterator[None]:
    """One time budget shared by every script and expression of an engine step."""
    token = _step_spent.set([0.0])
    try:
        yield
    finally:
        _step_spent.reset(token)


@contextmanager
def budget() -> Iterator[None]:
    """Run restricted code under the step's time budget (its own outside a step) and the
    memory budget. The trace is on only while restricted code runs: the engine pays nothing."""
    if getattr(sys.gettrace(), "govflow_budget", False):
        yield
        return
    spent = _step_spent.get() or [0.0]
    started = time.perf_counter()
    deadline = started + limits["seconds"] - spent[0]
    ceiling = _peak_rss() + limits["memory_bytes"]
    lines = 0

    def on_line(frame, event, arg):
        nonlocal lines
        if event == "line":
            lines += 1
            if time.perf_counter() > deadline:
                raise ScriptLimitExceeded(
                    f"the script ran longer than {limits['seconds']:g} s and was stopped")
            if lines % _MEMORY_EVERY == 0 and _peak_rss() > ceiling:
                raise ScriptLimitExceeded(
                    f"the script used more than {limits['memory_bytes'] // 2**20} MiB")
        return on_line

    def on_call(frame, event, arg):
        return on_line if frame.f_code.co_filename in RESTRICTED_FILES else None

    on_call.govflow_budget = True
    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        yield
    finally:
        sys.settrace(previous)
        spent[0] += time.perf_counter() - started


def _sized(value) -> int | None:
    return len(value) if isinstance(value, (str, bytes, list, tuple)) else None


def checked_pow(base, exponent, *modulo):
    if isinstance(base, int) and isinstance(exponent, int) and not modulo and exponent > 0:
        if abs(base) > 1 and base.bit_length() * exponent > MAX_BITS:
            raise ScriptLimitExceeded(f"{base} ** {exponent} is too large to compute")
    return pow(base, exponent, *modulo)


def checked_mul(left, right):
    for seq, times in ((left, right), (right, left)):
        size = _sized(seq)
        if size is not None and isinstance(times, int) and size * times > MAX_ITEMS:
            raise ScriptLimitExceeded(f"a sequence of {size * times} items is too large")
    if isinstance(left, int) and isinstance(right, int):
        if left.bit_length() + right.bit_length() > MAX_BITS:
            raise ScriptLimitExceeded("the product is too large to compute")
    return left * right


def checked_lshift(value, shift):
    if isinstance(value, int) and isinstance(shift, int) and shift > MAX_BITS:
        raise ScriptLimitExceeded(f"{value} << {shift} is too large to compute")
    return value << shift


def capped_range(*args):
    found = range(*args)
    if len(found) > MAX_ITEMS:
        raise ScriptLimitExceeded(f"range of {len(found)} items is too large")
    return found


CHECKED_OPERATORS = {ast.Pow: "_pow_", ast.Mult: "_mul_", ast.LShift: "_lshift_"}
GUARDS = {"_pow_": checked_pow, "_mul_": checked_mul, "_lshift_": checked_lshift}
INPLACE = {"**=": checked_pow, "*=": checked_mul, "<<=": checked_lshift,
           "+=": operator.iadd, "-=": operator.isub, "/=": operator.itruediv,
           "//=": operator.ifloordiv, "%=": operator.imod, "|=": operator.ior,
           "&=": operator.iand}


class CheckedOperators(RestrictingNodeTransformer):
    """RestrictedPython's policy, with the operators that can build huge values checked."""

    def visit_BinOp(self, node: ast.BinOp):
        node = self.node_contents_visit(node)
        guard = CHECKED_OPERATORS.get(type(node.op))
        if guard is None:
            return node
        function = ast.copy_location(ast.Name(guard, ast.Load()), node)
        return ast.copy_location(ast.Call(func=function, args=[node.left, node.right],
                                          keywords=[]), node)
