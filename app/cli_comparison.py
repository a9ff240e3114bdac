"""`flask --app app comparison …` (issue 16): make the comparison cohort by matching.

(`flask import comparison FILE.csv`, the other way to make one, lives with the other imports.)
"""
from __future__ import annotations

import click
from flask.cli import AppGroup

comparison_cli = AppGroup("comparison", help="The comparison cohort for the fairer, difference-in-differences estimate.")


@comparison_cli.command("match")
@click.option("--per-person", "per_person", type=click.IntRange(1, 20), default=3, show_default=True,
              help="K: up to this many unreferred people for each referred person")
@click.option("--caliper", type=click.FloatRange(min=0, max=1000), default=2.0, show_default=True,
              help="the largest difference in GP consultations in the 12 months before referral")
@click.option("--seed", type=click.IntRange(0, 2**31 - 1), default=20251202, show_default=True,
              help="breaks ties between equally near candidates; the same seed gives the same cohort")
@click.option("--with-replacement", is_flag=True,
              help="let one unreferred person serve several referred people (default: each at most once)")
@click.option("--by", "stratum", type=click.Choice(["practice", "locality"]), default="practice", show_default=True,
              help="match within the same practice, or within the same locality")
def match(per_person: int, caliper: float, seed: int, with_replacement: bool, stratum: str):
    """Match each referred person to unreferred people of the same practice, sex and 5-year age band
    with the nearest GP use in the year before referral, and store them as the comparison cohort."""
    from app.extensions import db
    from app.services.comparison_match import run_match
    from app.services.pseudonyms import PseudonymKeyMissing
    from outcomes.matching import MatchSettings

    settings = MatchSettings(per_person=per_person, caliper=caliper, seed=seed, with_replacement=with_replacement)
    try:
        outcome = run_match(by=None, settings=settings, stratum=stratum)
    except (PseudonymKeyMissing, ValueError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(str(outcome))
