"""Lists count what they match up to a cap, and say so past it (app.services.workflow.paging);
a clerk's list shows the instances the clerk started or has a task in, and no others."""
from app.services.workflow import paging
from tests.conftest import deploy_test_file, headers_for


def _start(client, username: str) -> int:
    response = client.post("/api/process-definitions/key/two_step/start",
                           json={"variables": {"department_id": None}},
                           headers=headers_for(username))
    assert response.status_code == 201, response.json
    return response.json["id"]


def test_a_count_past_the_cap_says_more_than_the_cap(client, monkeypatch):
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    for _ in range(3):
        _start(client, "clerk")
    admin = headers_for("admin")
    exact = client.get("/api/process-instances", headers=admin).json
    assert exact["total"] == 3 and exact["totalCapped"] is False
    monkeypatch.setattr(paging, "COUNT_CAP", 2)
    capped = client.get("/api/process-instances", headers=admin).json
    assert capped["total"] == 3 and capped["totalCapped"] is True
    assert len(capped["items"]) == 3  # the page itself is not cut by the cap
    monkeypatch.setitem(client.application.jinja_env.globals, "count_cap", 2)
    page = client.get("/admin/instances", headers=admin).text
    assert "超过 2 条，请缩小查询条件" in page and "共 3 个" not in page


def test_a_clerk_lists_the_instances_of_the_clerks_tasks_only(client):
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    mine = _start(client, "clerk")
    theirs = _start(client, "admin")  # its first task is offered to the window clerks too
    listed = client.get("/api/process-instances", headers=headers_for("clerk")).json
    assert {i["id"] for i in listed["items"]} == {mine, theirs}
    outsider = client.get("/api/process-instances", headers=headers_for("leader")).json
    assert outsider["items"] == [] and outsider["total"] == 0


def test_a_page_is_planned_without_parallel_workers_and_the_setting_comes_back(session):
    """serial_plans() turns PostgreSQL's parallel workers off for what it wraps (a search's
    count and page) and gives the transaction's setting back after; SQLite has none."""
    import sqlalchemy as sa
    from app.models import db
    postgres = db.engine.dialect.name == "postgresql"

    def workers() -> str | None:
        return db.session.scalar(sa.text("SHOW max_parallel_workers_per_gather")) \
            if postgres else None
    db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 3")) \
        if postgres else None
    sent = []
    sa.event.listen(db.engine, "before_cursor_execute", keep := lambda *a: sent.append(a[2]))
    try:
        with paging.serial_plans():
            inside = workers()
        after = workers()
        try:  # a refusal inside (a bad cursor) gives the setting back too
            with paging.serial_plans():
                raise paging.BadCursor("not this list's")
        except paging.BadCursor:
            pass
        after_refusal = workers()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", keep)
    if postgres:
        assert (inside, after, after_refusal) == ("0", "3", "3")  # the transaction's own, back
    else:
        assert sent == [] and inside is after_refusal is None
