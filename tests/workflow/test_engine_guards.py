"""Guards around SpiffWorkflow's known pitfalls, and the restricted script sandbox."""
from datetime import date
from decimal import Decimal

import pytest

from app.engine import runtime
from app.engine.scripting import SCRIPT_ENGINE, collecting_effects
from app.models import ProcessInstance, db
from app.services.workflow import execution, instances
from app.services.workflow.actor import Actor
from app.services.workflow.errors import EngineFailure
from tests.conftest import deploy_test_file, headers_for

ACTOR = Actor.system("tests")


def test_short_loop_completes(session):
    deploy_test_file("script_loop.bpmn")
    instance = instances.start("script_loop", ACTOR, variables={"limit": 50})
    assert instance.state == "completed"
    assert instances.variables(instance)["n"] == 50


def test_deep_loop_raises_incident_instead_of_reporting_completion(session):
    """Past ~1000 levels SpiffWorkflow stops seeing tasks and calls the workflow complete."""
    deploy_test_file("script_loop.bpmn")
    with pytest.raises(EngineFailure, match="depth"):
        instances.start("script_loop", ACTOR, variables={"limit": 700})
    db.session.rollback()
    assert db.session.query(ProcessInstance).filter_by(state="completed").count() == 0


def test_nested_data_is_not_shared_and_dates_decimals_survive(session):
    deploy_test_file("data_types.bpmn")
    instance = instances.start("data_types", ACTOR, variables={
        "cfg": {"level1": {"x": 1}}, "fee": Decimal("12.50"), "due": date(2026, 3, 2)})
    workflow = runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))
    assert workflow.task_tree.data["cfg"]["level1"]["x"] == 1  # the start data is untouched
    [waiting] = runtime.ready_user_tasks(workflow)
    assert waiting.data["cfg"]["level1"]["x"] == 42
    assert waiting.data["fee"] == Decimal("25.00") and waiting.data["due"] == date(2026, 3, 2)


@pytest.mark.parametrize("script, error", [
    ("x = open('/etc/passwd').read()", NameError),
    ("import os", ImportError),
    ("x = getattr(1, '__class__')", Exception),
])
def test_scripts_have_no_dangerous_builtins(script, error):
    env = SCRIPT_ENGINE.environment
    with pytest.raises(error), collecting_effects():
        env.execute(script, {})


def test_scripts_cannot_reach_dunder_attributes():
    with pytest.raises(SyntaxError):
        SCRIPT_ENGINE.environment.execute("x = ().__class__.__bases__", {})


def test_script_results_and_injected_names_are_cleaned_up():
    context = {"a": 2}
    SCRIPT_ENGINE.environment.execute("b = a * 3\nc = sorted([3, 1])", context)
    assert context == {"a": 2, "b": 6, "c": [1, 3]}


def test_unexpected_errors_do_not_leak_internals(client, monkeypatch):
    from app.services.workflow import task_query

    def explode(*args, **kwargs):
        raise RuntimeError("secret connection string postgres://x:y@db")

    monkeypatch.setattr(task_query, "page", explode)  # what GET /api/tasks reads the inbox with
    response = client.get("/api/tasks", headers=headers_for("clerk"))
    assert response.status_code == 500 and response.json["code"] == "internal_error"
    assert "secret" not in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("script", [
    "x = 10 ** 10 ** 10",
    "x = 'a' * 10 ** 9",
    "x = [0] * (10 ** 8)",
    "x = 1 << 10 ** 9",
    "x = list(range(10 ** 9))",
    "n = 7\nn **= 10 ** 8",
])
def test_one_operation_cannot_build_a_huge_value(script):
    from app.engine.script_limits import ScriptLimitExceeded
    with pytest.raises(ScriptLimitExceeded), collecting_effects():
        SCRIPT_ENGINE.environment.execute(script, {})


def test_ordinary_arithmetic_still_works():
    context = {}
    with collecting_effects():
        SCRIPT_ENGINE.environment.execute(
            "a = 2 ** 10\nb = 'ab' * 3\nc = [1] * 4\nd = 3 << 2\ne = list(range(5))\n"
            "f = 1.5 * 2\ng = 2 ** 0.5", context)
    assert (context["a"], context["b"], context["c"], context["d"], context["e"],
            context["f"]) == (1024, "ababab", [1, 1, 1, 1], 12, [0, 1, 2, 3, 4], 3.0)


def test_an_endless_loop_is_stopped_within_the_budget():
    import time

    from app.engine import script_limits
    script_limits.configure(0.5, 64)
    try:
        started = time.perf_counter()
        with pytest.raises(script_limits.ScriptLimitExceeded, match="longer than"), \
                collecting_effects():
            SCRIPT_ENGINE.environment.execute("while True:\n    pass", {})
        assert time.perf_counter() - started < 2
    finally:
        script_limits.configure(2, 64)


def test_a_growing_script_is_stopped_at_the_memory_cap():
    from app.engine import script_limits
    script_limits.configure(30, 16)
    try:
        with pytest.raises(script_limits.ScriptLimitExceeded, match="MiB"), \
                collecting_effects():
            SCRIPT_ENGINE.environment.execute(
                "x = []\nwhile True:\n    x.append('y' * 1000 + str(len(x)))", {})
    finally:
        script_limits.configure(2, 64)


def test_task_data_cannot_shadow_the_guards_or_the_functions():
    with collecting_effects():  # a guard replaced by data would let `x.y` reach anything
        value = SCRIPT_ENGINE.environment.evaluate(
            "add_working_days is not None and len(d.keys()) == 1",
            {"add_working_days": None, "_getattr_": None, "d": {"a": 1}})
    assert value is True
