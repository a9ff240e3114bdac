"""Commands added by later areas (imports, outcomes); each area registers its own group here."""
from __future__ import annotations

from flask import Flask


def register_extra(app: Flask) -> None:
    from app.cli_import import import_cli
    from app.cli_comparison import comparison_cli
    from app.cli_outcomes import outcomes_cli

    app.cli.add_command(import_cli)
    app.cli.add_command(outcomes_cli)
    app.cli.add_command(comparison_cli)
