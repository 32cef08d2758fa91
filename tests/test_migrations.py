"""The migrations are one straight line, and the schema they build is the models' schema."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import migrate
from app.models import db

# Expression indexes: SQLite cannot reflect them and PostgreSQL reflects them in its own
# spelling (casts added), so autogenerate cannot compare them; this test checks they exist.
EXPRESSION_INDEXES = {"ix_human_task_open_due"}
# PostgreSQL's only (info={"dialect": "postgresql"}): compared there, left out on SQLite.
POSTGRESQL_INDEXES = {"ix_service_case_case_no_prefix", "ix_service_case_applicant_trgm"}
POSTGRESQL_EXPRESSION_INDEXES = {"ix_service_case_applicant_grams"}


def test_single_head():
    assert len(migrate.heads()) == 1, f"several Alembic heads: {migrate.heads()}; merge them"


def test_migrated_schema_matches_models(app):
    # The session-scoped `app` fixture built the test database with the migrations only.
    with app.app_context(), db.engine.connect() as connection:
        dialect = connection.dialect.name
        expressions = EXPRESSION_INDEXES | (
            POSTGRESQL_EXPRESSION_INDEXES if dialect == "postgresql" else set())
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": migrate.include_object(dialect)})
        diffs = [diff for diff in compare_metadata(context, db.metadata)
                 if not (diff[0] in ("add_index", "remove_index")
                         and diff[1].name in expressions)]
        assert context.get_current_heads() == tuple(migrate.heads())
        listed = ("SELECT name FROM sqlite_master WHERE type = 'index'" if dialect == "sqlite"
                  else "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")
        indexes = set(connection.execute(sa.text(listed)).scalars())
    assert expressions <= indexes
    if dialect == "postgresql":
        assert POSTGRESQL_INDEXES <= indexes
    else:
        assert not (POSTGRESQL_INDEXES | POSTGRESQL_EXPRESSION_INDEXES) & indexes
    assert diffs == [], "models and migrations differ; run `flask --app app db-revision`"


def test_cases_warned_before_keep_the_moment_of_their_last_warning(tmp_path):
    """Migration c4f8a2d6e9b1 reads each case's last case.warning event into warned_at."""
    import sqlite3

    from app import create_app
    path = tmp_path / "warned.sqlite"
    application = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                              "SECRET_KEY": "test", "CELERY_BROKER_URL": "memory://"})
    with application.app_context():
        migrate.upgrade("b6e3d9a4c2f7")
        db.engine.dispose()
    raw = sqlite3.connect(path)  # rows with only what their NOT NULL columns need
    for case_id in (1, 2):
        _insert(raw, "service_case", id=case_id, instance_id=case_id * 10)
    for n, (instance_id, at) in enumerate(((10, "2026-03-01 08:00:00.000000"),
                                           (10, "2026-03-05 08:00:00.000000"),
                                           (20, "2026-03-05 09:00:00.000000")), 1):
        _insert(raw, "audit_event", id=n, instance_id=instance_id, at=at,
                action="case.warning" if instance_id == 10 else "task.created")
    raw.commit()
    raw.close()
    with application.app_context():
        migrate.upgrade()
        warned = dict(db.session.execute(sa.text("SELECT id, warned_at FROM service_case")).all())
        db.engine.dispose()
    assert warned == {1: "2026-03-05 08:00:00.000000", 2: None}


def _insert(raw, table: str, **values) -> None:
    for _, name, kind, notnull, default, _ in raw.execute(f"PRAGMA table_info({table})"):
        if notnull and default is None and name not in values:
            values[name] = 0 if kind in ("INTEGER", "BOOLEAN") else "{}" if kind == "JSON" else "x"
    raw.execute(f"INSERT INTO {table} ({', '.join(values)}) VALUES "
                f"({', '.join('?' * len(values))})", list(values.values()))


def test_the_task_index_carries_every_column_instance_visibility_reads(session):
    """ix_human_task_instance_id includes what visible_to tests of a task, so that the check
    stays an index-only probe on PostgreSQL when the rule changes."""
    from sqlalchemy.sql import visitors

    from app.models import HumanTask, User
    from app.models.task import VISIBILITY_COLUMNS
    from app.services.workflow import instances
    from tests.conftest import user
    read = set()
    for username in ("clerk", "leader", "chief"):
        viewer = user(username) or db.session.scalar(sa.select(User).limit(1))
        for element in visitors.iterate(instances.visible_to(viewer)):
            if isinstance(element, sa.Column) and element.table is HumanTask.__table__:
                read.add(element.name)
    assert read - {"instance_id"} and read - {"instance_id"} <= set(VISIBILITY_COLUMNS)
    [index] = [i for i in HumanTask.__table__.indexes if i.name == "ix_human_task_instance_id"]
    assert [c.name for c in index.columns] == ["instance_id"]
    assert index.dialect_options["postgresql"]["include"] == list(VISIBILITY_COLUMNS)
