"""`flask api-clients create/list/revoke` (CONTRACT §5): register the systems that send referrals
as FHIR messages. `create` prints the bearer token once, on standard output; only its hash is kept."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.extensions import db
from app.services import api_clients
from app.services.errors import RuleBroken

api_clients_cli = AppGroup("api-clients", help="Systems that send referrals to /fhir/$process-message.")


def _fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


@api_clients_cli.command("create")
@click.option("--name", required=True, help="A name for the sending system, unique")
@click.option("--practice", "practice_ods", required=True, help="ODS code of the practice it refers for")
@click.option("--endpoint", default="", help="Base URL messages back are POSTed to (URL/$process-message)")
def create(name, practice_ods, endpoint):
    """Register a client and print its bearer token (shown only this once)."""
    try:
        client, token = api_clients.create(by=None, name=name, practice_ods=practice_ods, endpoint=endpoint,
                                           allow_http=current_app.config["HEARTHLINK_ENV"] != "production")
    except RuleBroken as error:
        _fail(error.message)
    click.echo(token)
    click.echo(f"Created API client {client.name} for practice {client.practice.ods_code}. The line above is its "
               "bearer token: it is shown only now.", err=True)


@api_clients_cli.command("list")
def list_clients():
    """One line per client: name, practice, endpoint, created, revoked."""
    for client in api_clients.all_clients():
        state = f"revoked {client.revoked_at:%Y-%m-%d %H:%M}" if client.revoked_at else "active"
        click.echo(f"{client.name}\t{client.practice.ods_code}\t{client.endpoint or '-'}\t"
                   f"created {client.created_at:%Y-%m-%d %H:%M}\t{state}")


@api_clients_cli.command("revoke")
@click.option("--name", required=True)
def revoke(name):
    """Stop a client's token working at once."""
    client = api_clients.named(name)
    if client is None:
        _fail(f"No API client called {name}")
    try:
        api_clients.revoke(by=None, client=client)
    except RuleBroken as error:
        _fail(error.message)
    click.echo(f"Revoked API client {client.name}")
