"""Flask commands (CONTRACT.md §2). Every command fails with one readable line and changes nothing."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

from app.extensions import db
from app.models import Locality, Practice
from app.security import Role
from app.services import org
from app.services.errors import RuleBroken

#: What SQLite and PostgreSQL say when a table the code reads is not there.
_NO_TABLE = ("no such table", "does not exist")


class DatabaseGroup(AppGroup):
    """Commands that read and write the tables `flask db upgrade` makes. Run before it (on a new
    database, `flask demo load` without `make run`), a command says so in one line rather than
    ending in a traceback: it has changed nothing, as the failing statement was its first."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as error:
            if not any(words in str(error.orig).lower() for words in _NO_TABLE):
                raise
            raise click.ClickException("The database has no tables yet: run `flask db upgrade` first "
                                       "(`make run` does).") from None


users_cli = DatabaseGroup("users", help="User accounts.")
practices_cli = DatabaseGroup("practices", help="GP practices.")
demo_cli = DatabaseGroup("demo", help="The synthetic demo data set.")


def fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--practice", "practice_ods", help="ODS code of the practice (gp_practice users)")
@click.option("--locality", "locality_name", help="Locality name (link officers)")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the password from standard input")
def create_user(email, name, role, practice_ods, locality_name, password_stdin):
    """Create a user; the password is read from standard input."""
    password = sys.stdin.readline().rstrip("\r\n")
    practice = locality = None
    if practice_ods:
        practice = db.session.scalar(select(Practice).where(Practice.ods_code == practice_ods.strip().upper()))
        if practice is None:
            fail(f"No practice with ODS code {practice_ods}; create it first with 'practices create'.")
    if locality_name:
        locality = db.session.scalar(select(Locality).where(func.lower(Locality.name) == locality_name.strip().lower()))
        if locality is None:
            fail(f"No locality called {locality_name}.")
    try:
        user = org.create_user(by=None, email=email, name=name, role=role, password=password,
                               practice=practice, locality=locality)
    except RuleBroken as error:
        fail(error.message)
    click.echo(f"Created {user.role} user {user.email}")


@practices_cli.command("create")
@click.option("--ods", required=True)
@click.option("--name", required=True)
@click.option("--locality", "locality_name", required=True)
def create_practice(ods, name, locality_name):
    """Create a GP practice (and its locality if new)."""
    try:
        practice = org.create_practice(by=None, ods_code=ods, name=name, locality_name=locality_name)
    except RuleBroken as error:
        fail(error.message)
    click.echo(f"Created practice {practice.ods_code} {practice.name} in {practice.locality.name}")


@demo_cli.command("load")
@click.option("--people", default=240, show_default=True, type=click.IntRange(0, 100_000))
@click.option("--seed", default=2014, show_default=True, type=int)
@click.option("--force", is_flag=True, help="Load even if the database already has people")
@click.option("--if-empty", is_flag=True, help="Do nothing (and say so) if the database has any users")
def load_demo(people, seed, force, if_empty):
    """Load the reproducible synthetic demo data set."""
    from app.models import User
    from seed.demo import DemoRefused, describe_logins, load

    if if_empty and db.session.scalar(select(func.count(User.id))):
        click.echo("The database already has data, so the demo data was not loaded again.")
        click.echo(describe_logins())
        return
    try:
        summary = load(people=people, seed=seed, force=force)
    except DemoRefused as error:
        fail(str(error))
    click.echo(summary.describe())
    from seed.dashboard_first import prepare

    computed, queued, seconds = prepare()
    click.echo(f"Dashboard figures prepared for {computed} views in {seconds:.1f} s"
               + (f"; {queued} more views queued for the worker (make run starts it)." if queued else "."))


def register(app: Flask) -> None:
    for group in (users_cli, practices_cli, demo_cli):
        app.cli.add_command(group)
    from app.cli_extra import register_extra

    register_extra(app)
    from app.cli_worker import register as register_worker

    register_worker(app)
    from app.cli_api_clients import api_clients_cli

    app.cli.add_command(api_clients_cli)
