"""Running Alembic migrations against the application's database."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory

from app.config import ROOT
from app.models import db


def alembic_config() -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    return config


def upgrade(revision: str = "head") -> None:
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def autogenerate(message: str) -> None:
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)


def include_object(dialect: str):
    """Alembic's include_object on `dialect`: a model's object declared for one database only
    (info={"dialect": ...}, built there by its ddl_if) is left out of comparing another's."""
    def include(obj, _name, _type, _reflected, _compare_to) -> bool:
        return getattr(obj, "info", {}).get("dialect", dialect) == dialect
    return include


def heads() -> list[str]:
    return list(ScriptDirectory.from_config(alembic_config()).get_heads())
