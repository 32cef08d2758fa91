"""A PostgreSQL database for a bench: created if missing, EMPTIED, migrated, the demo center."""
from __future__ import annotations

import os
from datetime import date

import sqlalchemy as sa

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/govflow_bench"


def bench_url() -> str:
    return (os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
            or DEFAULT_URL)


def ensure_database(url: str) -> None:
    target = sa.engine.make_url(url)
    server = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                           {"n": target.database}):
            conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    server.dispose()
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def existing_app(url: str):
    """The application on a database a bench filled before, migrated to the head."""
    from app import create_app, migrate
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "CELERY_BROKER_URL": "memory://"})
    with app.app_context():
        migrate.upgrade()
    return app


def setup_app(url: str, today: date):
    """The application on `url`, migrated, with the calendar, the demo center and processes."""
    from app import create_app, demo, migrate
    from app.models import db
    from app.services.calendar import admin as calendar_admin
    from app.services.workflow import deployment
    from app.services.workflow.actor import Actor
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "CELERY_BROKER_URL": "memory://"})
    with app.app_context():
        migrate.upgrade()
        calendar_admin.seed_from_library("CN", Actor.system("bench"))
        demo.load(app.config["CENTER_CODE"], today=today)
        deployment.deploy_directory(app.config["PROCESSES_DIR"], Actor.system("bench"))
        db.session.commit()
    return app
