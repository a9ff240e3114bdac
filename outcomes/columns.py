"""Text work on a column done once per distinct value, not once per row.

pandas' ``.str`` methods call Python for every cell, which is most of the
cost of tidying a large column.  The columns the engine tidies repeat a few
values many times (an instrument name on every measure, a locality or a
sector on every person), so the work is done on the distinct values and
spread back to the rows — the same idea :mod:`outcomes.dates` uses for
dates.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pandas as pd


def per_distinct(text: pd.Series, transform: Callable[[pd.Series], pd.Series]) -> np.ndarray:
    """``transform(text).to_numpy(dtype=object)``, computed on the distinct values only.

    ``text`` must hold text (``astype(str)`` output), where equal values are
    the same string, and ``transform`` must treat each cell on its own (a
    ``.str`` method does).  Then every row's result depends only on its
    value, so transforming each distinct value once and indexing the results
    by row gives exactly the per-row answer.  (On raw values this would not
    hold: 1, 1.0 and True are equal to pandas yet print differently.)
    """
    codes, uniques = pd.factorize(text, use_na_sentinel=False)
    return transform(pd.Series(uniques, dtype=text.dtype)).to_numpy(dtype=object)[codes]


def stripped(text: pd.Series) -> np.ndarray:
    """``text.str.strip()`` as an object array, stripping each distinct value once."""
    return per_distinct(text, lambda values: values.str.strip())
