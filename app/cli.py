"""Command-line entry points (`flask --app app ...`); each calls a service and prints."""
from __future__ import annotations


import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import migrate
from app.launcher import run_all
from app.services import calendar, calendar_admin, demo, deployment
from app.services.actor import Actor
from app.services.errors import ServiceError

class _ServiceGroup(AppGroup):
    """Shows a service's refusal as a one-line error instead of a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ServiceError as err:
            raise click.ClickException(err.detail) from None


calendar_cli = _ServiceGroup("calendar", help="The working-day calendar (工作日历).")


def init_app(app: Flask) -> None:
    app.cli.add_command(calendar_cli)
    for command in (db_upgrade, db_revision, deploy, seed_demo, setup, run_all):
        app.cli.add_command(command)


@click.command("db-upgrade", help="Apply database migrations.")
def db_upgrade() -> None:
    migrate.upgrade()
    click.echo("database is at the latest migration")


@click.command("db-revision", help="Autogenerate a migration from the models (developers).")
@click.argument("message")
def db_revision(message: str) -> None:
    migrate.autogenerate(message)


@click.command("deploy", help="Deploy every BPMN in the processes directory.")
@click.option("--dir", "directory", default=None, help="defaults to PROCESSES_DIR")
def deploy(directory: str | None) -> None:
    results = deployment.deploy_directory(directory or current_app.config["PROCESSES_DIR"],
                                          Actor.system("cli"))
    for r in results:
        state = "new version" if r.created else "unchanged"
        click.echo(f"{r.definition.key} v{r.definition.version} ({state})")


@click.command("seed-demo", help="Load the demo center (demo only: passwords are 'demo').")
def seed_demo() -> None:
    created = demo.load(current_app.config["CENTER_CODE"])
    click.echo("demo data loaded" if created else "demo data already present")


@click.command("setup", help="Migrate, seed the calendar, deploy processes, load demo data.")
@click.option("--demo/--no-demo", default=True)
def setup(demo: bool) -> None:
    from app.models import db
    migrate.upgrade()
    rows = calendar_admin.seed_from_library(current_app.config["CALENDAR_REGION"],
                                            Actor.system("setup"))
    db.session.commit()
    click.echo(f"calendar: {rows} days added")
    for r in deployment.deploy_directory(current_app.config["PROCESSES_DIR"], Actor.system("setup")):
        click.echo(f"deployed {r.definition.key} v{r.definition.version}")
    if demo:
        from app.services import demo as demo_data
        demo_data.load(current_app.config["CENTER_CODE"])
        click.echo("demo accounts: admin, designer, clerk, leader, chief (password: demo)")


@calendar_cli.command("seed", help="Fill the calendar from the chinesecalendar package.")
def calendar_seed() -> None:
    from app.models import db
    rows = calendar_admin.seed_from_library(current_app.config["CALENDAR_REGION"],
                                            Actor.system("cli"))
    db.session.commit()
    click.echo(f"{rows} days added")


@calendar_cli.command("add-working-days", help="The day N working days after DATE ends.")
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("days", type=float)
def add_working_days(start, days: float) -> None:
    click.echo(calendar.add_working_days(start.date(), days).date().isoformat())


@calendar_cli.command("working-days-between", help="Working days after START up to END.")
@click.argument("start", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.argument("end", type=click.DateTime(formats=["%Y-%m-%d"]))
def working_days_between(start, end) -> None:
    click.echo(calendar.working_days_between(start.date(), end.date()))


@calendar_cli.command("set-day", help="Mark DATE as a working day or a day off.")
@click.argument("day", type=click.DateTime(formats=["%Y-%m-%d"]))
@click.option("--workday/--off", required=True)
@click.option("--note", default="")
def set_day(day, workday: bool, note: str) -> None:
    from app.models import db
    calendar_admin.set_day(current_app.config["CALENDAR_REGION"], day.date(), workday, note,
                           Actor.system("cli"))
    db.session.commit()
    click.echo(f"{day.date().isoformat()}: {'working day' if workday else 'day off'}")


@calendar_cli.command("add-year", help="Start YEAR from weekends only, to be corrected by hand.")
@click.argument("year", type=int)
def add_year(year: int) -> None:
    from app.models import db
    rows = calendar_admin.add_year_from_weekends(current_app.config["CALENDAR_REGION"], year,
                                                 Actor.system("cli"))
    db.session.commit()
    click.echo(f"{rows} days added for {year}; enter its holidays and 调休 days with set-day")


