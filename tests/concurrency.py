"""What the tests that commit for real share: an app of their own on a database URL, the
demo clerk as an actor, a task completed in a thread at a barrier, and the clean-up of an
instance's committed rows (the `session` fixture's savepoint is invisible to other
connections, so these tests commit and remove what they wrote)."""
from __future__ import annotations

import threading

import sqlalchemy as sa

from app import create_app
from app.models import ProcessDefinition, ProcessInstance, User, db
from app.services.workflow import tasks
from app.services.workflow.actor import Actor


def committed_app(url: str, tmp_path):
    return create_app({
        "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
        "CELERY_BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}",
    })


def clerk(username: str = "clerk") -> Actor:
    return Actor.of(db.session.scalar(sa.select(User).where(User.username == username)))


def complete_at_barrier(app, task_id: str, variables: dict, barrier: threading.Barrier,
                     outcomes: dict, username: str = "clerk") -> None:
    """Complete one task in a thread of its own, at the barrier; the outcome goes to `outcomes`."""
    with app.app_context():
        try:
            actor = clerk(username)
            barrier.wait(timeout=30)
            tasks.complete(task_id, variables, actor)
            outcomes[task_id] = "ok"
        except Exception as err:  # reported by the assertion in the test
            outcomes[task_id] = f"{type(err).__name__}: {err}"
            db.session.rollback()
        finally:
            db.session.remove()


def delete_instance(instance_id: int, definition_id: int | None) -> None:
    """Remove every committed row of the run (audit rows too: this is test data)."""
    for table in reversed(db.metadata.sorted_tables):
        if table.name != "process_instance" and "instance_id" in table.c:
            db.session.execute(sa.delete(table).where(table.c.instance_id == instance_id))
    db.session.execute(sa.delete(ProcessInstance.__table__)
                       .where(ProcessInstance.__table__.c.id == instance_id))
    if definition_id is not None:
        db.session.execute(sa.delete(ProcessDefinition.__table__)
                           .where(ProcessDefinition.__table__.c.id == definition_id))
    db.session.commit()
