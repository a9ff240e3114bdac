"""`flask --app app outcomes …` (CONTRACT.md §2 and §4): the outcomes report from the database.

The report is computed by the same engine as ``python -m outcomes`` from every activity row
held, so its JSON and text are exactly what that command prints for an export of the same data.
"""
from __future__ import annotations

import json

import click
from flask.cli import AppGroup

outcomes_cli = AppGroup("outcomes", help="The outcomes report (CONTRACT.md section 4), from the database.")


@outcomes_cli.command("report")
@click.option("--window-months", type=click.IntRange(min=1), default=12, show_default=True,
              help="W: the length of the before and after windows, in calendar months")
@click.option("--anchor", type=click.Choice(["referral", "discharge"]), default="referral", show_default=True)
@click.option("--format", "output_format", type=click.Choice(["json", "text"]), default="text", show_default=True)
def report(window_months: int, anchor: str, output_format: str):
    """Print the outcomes report for everyone supported (their first episode)."""
    import outcomes
    from app.analytics.comparison import report_with_comparison

    try:  # with a comparison cohort held, also its comparison, DiD and balance (CONTRACT.md §6)
        result = report_with_comparison(window_months=window_months, anchor=anchor, windowed=False)
    except outcomes.OutcomesInputError as error:
        raise click.ClickException(str(error)) from None
    if output_format == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False, allow_nan=False), nl=True)
    else:
        click.echo(outcomes.render_text(result), nl=False)


@outcomes_cli.command("warm-dashboard")
@click.option("--rebuild", is_flag=True, help="First rebuild the kept activity window sums from every activity row")
def warm_dashboard(rebuild):
    """Compute and cache the dashboard's figures for every locality and practice (run after an import)."""
    from app.analytics import activity_windows
    from app.analytics.figures import warm

    if rebuild:
        activity_windows.refresh(rebuild=True)
        click.echo("Rebuilt the activity window sums from every activity row.")
    count, seconds = warm()
    click.echo(f"Cached dashboard figures for {count} views in {seconds:.1f} s.")
