from alembic import context

from app import migrate
from app.models import db

target_metadata = db.metadata


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True,
                      include_object=migrate.include_object(connection.dialect.name))
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'flask --app app db-upgrade'")
_run(connection)
