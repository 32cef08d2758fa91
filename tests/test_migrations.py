"""The migrations are one straight line, and the schema they build is the models' schema."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app import migrate
from app.models import db


def test_single_head():
    assert len(migrate.heads()) == 1, f"several Alembic heads: {migrate.heads()}; merge them"


def test_migrated_schema_matches_models(app):
    # The session-scoped `app` fixture built the test database with the migrations only.
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diffs = compare_metadata(context, db.metadata)
        assert context.get_current_heads() == tuple(migrate.heads())
    assert diffs == [], "models and migrations differ; run `flask --app app db-revision`"
