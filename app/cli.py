"""Command-line entry points (`flask --app app ...`); each calls a service and prints."""
from __future__ import annotations

import os

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import demo, migrate
from app.launcher import run_all
from app.models.identity import CENTER_ADMIN
from app.services import calendar
from app.services.calendar import admin as calendar_admin
from app.services.organization import staff
from app.services.workflow import deployment
from app.services.workflow.actor import Actor
from app.services.workflow.errors import ServiceError

ADMIN_PASSWORD_ENV = "GOVFLOW_ADMIN_PASSWORD"


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
    for command in (db_upgrade, db_revision, deploy, seed_demo, setup, create_admin, run_all):
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


def _admin_password() -> str:
    """GOVFLOW_ADMIN_PASSWORD, else asked twice at the terminal; never an argument (it would
    stay in the shell's history and the process list)."""
    return os.environ.get(ADMIN_PASSWORD_ENV) or click.prompt(
        "Password", hide_input=True, confirmation_prompt=True)


def _create_admin(username: str, display_name: str | None) -> None:
    try:
        staff.create_staff({"username": username, "displayName": display_name or username,
                            "password": _admin_password(),
                            "roles": [{"role": CENTER_ADMIN, "department": None}]},
                           Actor.system("cli"))
    except ServiceError as err:
        problems = "; ".join(f"{e['field']}: {e['message']}" for e in err.errors)
        raise click.ClickException(f"{err.detail}{': ' + problems if problems else ''}") from None
    click.echo(f"center administrator {username} created; sign in at /login")


@click.command("create-admin", help="Create a center administrator (the first one, say); "
                                    f"the password from {ADMIN_PASSWORD_ENV} or asked twice.")
@click.option("--username", required=True)
@click.option("--display-name", default=None, help="the name pages show, e.g. 中心管理员 王敏")
def create_admin(username: str, display_name: str | None) -> None:
    _create_admin(username, display_name)


@click.command("setup", help="Migrate, seed the calendar, deploy processes, load demo data.")
@click.option("--demo/--no-demo", default=True)
@click.option("--admin", "admin_username", default=None,
              help=f"also create this center administrator (password: {ADMIN_PASSWORD_ENV} "
                   "or asked)")
def setup(demo: bool, admin_username: str | None) -> None:
    from app.models import db
    migrate.upgrade()
    added = calendar_admin.ensure_years(current_app.config["CALENDAR_REGION"],
                                        calendar.today(), Actor.system("setup"))
    db.session.commit()
    click.echo(f"calendar: {', '.join(map(str, added)) or 'no'} years added")
    for r in deployment.deploy_directory(current_app.config["PROCESSES_DIR"], Actor.system("setup")):
        click.echo(f"deployed {r.definition.key} v{r.definition.version}")
    from app.services.cases import notice_font
    click.echo(f"notice font: {notice_font.truetype_path()}")  # converted now, not on the 1st PDF
    if demo:
        from app import demo as demo_data
        demo_data.load(current_app.config["CENTER_CODE"])
        renewed, refused = demo_data.renew_lapsed_letters()
        for letter in renewed:
            click.echo(f"renewed a demo letter: {letter.number} "
                       f"({letter.valid_from} to {letter.valid_until})")
        for problem in refused:
            click.echo(f"demo letter not renewed: {problem}")
        click.echo("demo accounts: admin, designer, clerk, leader, chief (password: demo)")
    if admin_username:
        _create_admin(admin_username, None)


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


@calendar_cli.command("add-year", help="Store YEAR now, counted by the law's rule (暂定).")
@click.argument("year", type=int)
def add_year(year: int) -> None:
    from app.models import db
    rows = calendar_admin.add_year_by_rule(_region(), year, Actor.system("cli"))
    db.session.commit()
    click.echo(f"{rows} days added for {year} (provisional until its notice is confirmed)")


@calendar_cli.command("years", help="The stored years: confirmed (已核定) or provisional (暂定).")
def list_years() -> None:
    for row in calendar_admin.years(_region()):
        click.echo(f"{row.year} {row.status} {row.source} {row.document_no}".rstrip())


@calendar_cli.command("confirm", help="Enter the State Council's holiday notice for YEAR.")
@click.argument("year", type=int)
@click.option("--notice", "notice", type=click.File(encoding="utf-8"), required=True,
              help="the notice's text as published (UTF-8), '-' for standard input")
@click.option("--document-no", required=True, help="its 文号, e.g. 国办发明电〔2026〕7号")
@click.option("--dry-run", is_flag=True, help="show what would change, change nothing")
def confirm_year(year: int, notice, document_no: str, dry_run: bool) -> None:
    from app.models import db
    text = notice.read()
    _, changes = calendar_admin.preview_notice(_region(), year, text)
    for change in changes:
        state = "working day" if change.is_workday else "day off"
        click.echo(f"{change.day.isoformat()} -> {state} {change.note}".rstrip())
    if dry_run:
        click.echo(f"{len(changes)} days would change (dry run, nothing saved)")
        return
    done = calendar_admin.confirm_notice(_region(), year, text, document_no, Actor.system("cli"))
    db.session.commit()
    click.echo(f"{year} confirmed ({document_no}): {len(done.changes)} days changed, "
               f"deadlines moved in {done.moved_instances} instances")


def _region() -> str:
    return current_app.config["CALENDAR_REGION"]
