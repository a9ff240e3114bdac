"""`flask --app app import …` (CONTRACT.md §2): files into the database, all or nothing."""
from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from app.extensions import db

import_cli = AppGroup("import", help="Import files: the community directory (organisations), practice activity, "
                                     "the deprivation lookup, a comparison cohort, population shares.")


def _whole_file(file: Path, importer) -> None:
    """Run ``importer(content)`` on the file's bytes and print what it did; a refused file
    (``FileRejected``) has each of its problems printed, changes nothing and fails the command."""
    from app.services.errors import FileRejected

    if not file.exists():
        raise click.ClickException(f"{file}: no such file.")
    try:
        outcome = importer(file.read_bytes())
    except FileRejected as error:
        db.session.rollback()
        for problem in error.problems:
            click.echo(f"  {file.name}: {problem}", err=True)
        raise click.ClickException(f"{file.name}: {error.message}") from None
    click.echo(f"{file.name}: {outcome}")


@import_cli.command("organisations")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_organisations(file: Path):
    """Import the community directory from Open Referral UK 3.0 JSON (a service, an array of
    services, or a /services page) or from the CSV of docs/directory-csv.md."""
    from app.services.oruk_import import ImportRejected, import_file

    if not file.exists():
        raise click.ClickException(f"{file}: no such file.")
    try:
        outcome = import_file(by=None, filename=file.name, content=file.read_bytes())
    except ImportRejected as error:
        db.session.rollback()
        for problem in error.problems[1:]:
            click.echo(f"  {problem}", err=True)
        raise click.ClickException(f"{file.name}: {error.message}") from None
    click.echo(str(outcome))


@import_cli.command("activity")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--practice", "practice_ods", help="ODS code of the practice whose extract this is "
              "(default: each row belongs to the person's registered practice)")
def import_activity(file: Path, practice_ods: str | None):
    """Import a practice activity extract (CONTRACT.md §4.2; person_id is the NHS number)."""
    from sqlalchemy import select

    from app.models import Practice
    from app.services.activity_import import import_extract

    practice = None
    if practice_ods:
        practice = db.session.scalar(select(Practice).where(Practice.ods_code == practice_ods.strip().upper()))
        if practice is None:
            raise click.ClickException(f"No practice with ODS code {practice_ods}.")
    _whole_file(file, lambda content: import_extract(by=None, content=content, filename=file.name, practice=practice))


@import_cli.command("deprivation")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True, help="Remove postcodes the file does not list (a whole new edition)")
def import_deprivation(file: Path, replace: bool):
    """Import a postcode → IMD decile lookup (columns postcode, imd_decile; docs/deprivation.md)."""
    from app.services.deprivation import import_lookup

    _whole_file(file, lambda content: import_lookup(by=None, content=content, filename=file.name, replace=replace))


@import_cli.command("comparison")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_comparison(file: Path):
    """Import a comparison cohort (CONTRACT.md §4.6 and §6: person_id = NHS number, referral_date =
    the pseudo-anchor, optionally sex, year_of_birth, practice_code), stored under a keyed hash."""
    from app.services.comparison import import_cohort
    from app.services.pseudonyms import PseudonymKeyMissing

    try:
        _whole_file(file, lambda content: import_cohort(by=None, content=content, filename=file.name))
    except PseudonymKeyMissing as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None


@import_cli.command("population")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def import_population(file: Path):
    """Import the local population's share of each group (columns area, dimension, group, share;
    docs/deprivation.md), shown beside the dashboard's "who the service reaches" tables."""
    from app.services.population import import_shares

    _whole_file(file, lambda content: import_shares(by=None, content=content, filename=file.name))
