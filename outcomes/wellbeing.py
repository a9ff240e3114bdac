"""Wellbeing change from baseline to latest measure (ONS4 and UCLA 3-item).

Measures frame columns: ``person_id``, ``date`` (YYYY-MM-DD), ``instrument``
("ons4" or "ucla3") and the item scores: for ONS4 personal wellbeing (ONS,
*Personal well-being user guidance*) ``life_satisfaction``, ``worthwhile``,
``happiness`` and ``anxiety``, each 0–10; for the UCLA 3-item loneliness
scale (Hughes et al. 2004, *Research on Aging* 26(6)) ``total``, 3–9.

For each instrument, a person's baseline is their earliest measure and their
latest is their last; only people with a latest measure dated after the
baseline count, and only people in the referrals.  Each item reports the
mean baseline, mean latest and mean change (latest − baseline) with a 95%
bootstrap interval over people, and the ``people`` it rests on.  Higher is
better for ONS4 life satisfaction, worthwhile and happiness; lower is better
for ONS4 anxiety and for UCLA3 loneliness (``higher_is_better`` says which).

Each item's interval reads only that item's changes, so the items are
resampled one at a time with :func:`outcomes.stats.bootstrap_column_sums`:
for one item that is exactly the bootstrap over people, and because a
change takes few values (whole numbers from −10 to 10) it is drawn as counts
of each value rather than person by person.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .cohort import Cohort, known_people, require_columns, text_ids
from .columns import per_distinct, stripped
from .dates import parse_date_column
from .errors import OutcomesInputError, first_row
from .stats import bootstrap_column_sums, percentile_interval, tidy_round

INSTRUMENTS: dict[str, dict[str, tuple[float, float, bool]]] = {
    "ons4": {
        "life_satisfaction": (0, 10, True),
        "worthwhile": (0, 10, True),
        "happiness": (0, 10, True),
        "anxiety": (0, 10, False),
    },
    "ucla3": {"total": (3, 9, False)},
}


def _numbers(raw: pd.Series) -> np.ndarray:
    """A score column as float64, a blank or non-number as NaN (caught as bad later).

    Text (the CLI reads CSV cells as text) is stripped — once per distinct
    cell, as scores repeat — blank is missing and anything else is parsed.
    A plain numpy number column (the web app's frames) is used as it is:
    for numbers the text route only ever yields the numbers back (``where``
    keeps every cell, since no number prints as blank, and ``to_numeric``
    returns a numeric column untouched), while turning 140,000 cells into
    text just to check them costs more than all the rest of the wellbeing
    figures.  Nullable (extension) dtypes keep the text route, as before.
    """
    if isinstance(raw.dtype, np.dtype) and raw.dtype.kind in "biuf":
        return raw.to_numpy(dtype=np.float64)
    blank = stripped(raw.astype(str)) == ""
    return pd.to_numeric(raw.where(~blank), errors="coerce").to_numpy(dtype=np.float64)


def _scores(frame: pd.DataFrame, rows: np.ndarray, item: str, bounds, source: str) -> np.ndarray:
    """Validated scores of one item on the given rows (positional mask)."""
    low, high, _ = bounds
    if item not in frame.columns:
        raise OutcomesInputError(source, first_row(rows), f"missing column '{item}'")
    raw = frame[item]
    values = _numbers(raw)
    bad = rows & ~((values >= low) & (values <= high))
    if bad.any():
        row = first_row(bad)
        raise OutcomesInputError(
            source, row, f"{item} '{raw.iloc[row - 2]}' is not a score from {low} to {high}"
        )
    return values


def wellbeing_change(
    measures: pd.DataFrame, referrals: Cohort, *, source: str, rng: np.random.Generator,
    replicates: int,
) -> dict:
    """The ``wellbeing`` object: instrument -> item -> change figures."""
    require_columns(measures, source, ("person_id", "date", "instrument"))
    measures = measures.reset_index(drop=True)
    ids = text_ids(measures["person_id"], source=source)
    day, _ = parse_date_column(measures["date"], source=source, column="date", required=True)
    instrument = per_distinct(
        measures["instrument"].fillna("").astype(str), lambda text: text.str.strip().str.lower()
    )
    unknown = ~np.isin(instrument, list(INSTRUMENTS))
    if unknown.any():
        row = first_row(unknown)
        raise OutcomesInputError(
            source, row,
            f"instrument '{measures['instrument'].iloc[row - 2]}' is not one of ons4, ucla3",
        )
    known = known_people(ids, referrals)
    result: dict = {"rows_unmatched": int((~known).sum())}
    for name, items in INSTRUMENTS.items():
        rows = instrument == name
        if rows.any():
            scores = {item: _scores(measures, rows, item, b, source) for item, b in items.items()}
        else:
            scores = {item: np.zeros(len(measures)) for item in items}
        use = rows & known
        table = pd.DataFrame({"person": ids[use], "day": day[use]})
        for item in items:
            table[item] = scores[item][use]
        # Each person's first and latest measure (same day: the first and last recorded), in
        # person order.  A stable sort by day alone keeps each person's rows in that order, and
        # sorting the few people afterwards is cheaper than sorting every row by person text.
        table = table.sort_values("day", kind="stable")
        first = table.drop_duplicates("person", keep="first").set_index("person").sort_index()
        last = table.drop_duplicates("person", keep="last").set_index("person").sort_index()
        paired = last["day"] > first["day"]
        first, last = first[paired], last[paired]
        people = len(first)
        change = (last[list(items)] - first[list(items)]).to_numpy()
        reps = bootstrap_column_sums(change, rng=rng, replicates=replicates) / max(people, 1)
        result[name] = {}
        for i, (item, (_, _, higher_better)) in enumerate(items.items()):
            result[name][item] = {
                "people": people,
                "baseline_mean": tidy_round(first[item].mean(), 2) if people else None,
                "latest_mean": tidy_round(last[item].mean(), 2) if people else None,
                "mean_change": tidy_round(change[:, i].mean(), 2) if people else None,
                "mean_change_ci95": percentile_interval(reps[:, i], 2) if people else None,
                "higher_is_better": higher_better,
            }
    return result
