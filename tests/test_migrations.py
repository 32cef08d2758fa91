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
