"""``python -m outcomes``: the outcomes report from CSV files (CONTRACT.md section 4).

Bad input exits with status 2 and one message on standard error naming the
file, the row (header = row 1) and the problem; nothing is printed on
standard output.  Beyond the contract, ``--measures``, ``--onward`` and
``--support`` add wellbeing, onward-referral and service-throughput figures
(columns in ``outcomes/__init__.py``).
"""
from __future__ import annotations

import argparse
import json
import sys

from .costs import SHIPPED_UNIT_COSTS
from .dates import parse_date_text
from .errors import OutcomesInputError
from .inputs import read_activity_csv, read_cohort_csv, read_csv_text
from .report import compute_report
from .stats import start_loading_scipy
from .text import render_text


def _months(text: str) -> int:
    """--window-months: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of months") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"'{text}' must be at least 1")
    return value


def _date(text: str) -> str:
    """--as-of: a real YYYY-MM-DD date."""
    try:
        parse_date_text(text, what="--as-of")
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def build_parser() -> argparse.ArgumentParser:
    """The command line of CONTRACT.md section 4, plus --comparison and the extras."""
    parser = argparse.ArgumentParser(
        prog="python -m outcomes",
        description="Hearthlink outcomes report: use of services before and after support, priced.",
    )
    parser.add_argument("--referrals", required=True, help="REFERRALS.csv (CONTRACT.md 4.1)")
    parser.add_argument("--activity", required=True, help="ACTIVITY.csv (CONTRACT.md 4.2)")
    parser.add_argument(
        "--unit-costs", help=f"UNIT_COSTS.csv (4.3); default the shipped table {SHIPPED_UNIT_COSTS.name}"
    )
    parser.add_argument("--window-months", type=_months, default=12, help="W, default 12")
    parser.add_argument("--anchor", choices=("referral", "discharge"), default="referral")
    parser.add_argument("--as-of", type=_date, help="YYYY-MM-DD; default the latest activity date")
    parser.add_argument("--format", choices=("json", "text"), default="text")
    parser.add_argument("--comparison", help="COMPARISON.csv, a comparison cohort (4.6)")
    parser.add_argument("--measures", help="wellbeing measures CSV (ONS4 / UCLA3)")
    parser.add_argument("--onward", help="onward referrals CSV (person_id, sector, status)")
    parser.add_argument("--support", help="support episodes CSV (waits, contacts, peer support)")
    return parser


def run(args: argparse.Namespace) -> str:
    """Read the files named in ``args``, compute, and return the rendered report."""
    start_loading_scipy()  # its tests' p-values come last; it loads while the files are read
    optional = {}
    for key in ("comparison", "measures", "onward", "support"):
        path = getattr(args, key)
        if path is not None:
            reader = read_cohort_csv if key == "comparison" else read_csv_text
            optional[key] = reader(path, source=path)
    report = compute_report(
        read_cohort_csv(args.referrals, source=args.referrals),
        read_activity_csv(args.activity, source=args.activity),
        read_csv_text(args.unit_costs, source=args.unit_costs) if args.unit_costs else None,
        window_months=args.window_months,
        anchor=args.anchor,
        as_of=args.as_of,
        sources={
            "referrals": args.referrals,
            "activity": args.activity,
            "unit_costs": args.unit_costs or "unit_costs",
            **{key: getattr(args, key) for key in optional},
        },
        **optional,
    )
    if args.format == "json":
        return json.dumps(report, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
    return render_text(report)


def main(argv: list[str] | None = None) -> int:
    """Run the command; exit status 2 with one line on stderr for bad input (4.5)."""
    args = build_parser().parse_args(argv)
    try:
        output = run(args)
    except OutcomesInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
