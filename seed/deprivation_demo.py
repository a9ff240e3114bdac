"""The demo's synthetic postcode → IMD decile lookup (seed/data/deprivation_demo.csv).

For the demo only: the postcodes are made up (seed/identities.py draws them from a few
Dudley-area districts), and so are their deciles. Each district has a level loosely like its
real one (Dudley town centre and Brierley Hill more deprived, Kingswinford and Halesowen less),
each sector (district + digit) moves it by up to two deciles, and one postcode in four moves one
more. Real lookups are built as docs/deprivation.md says.

    .venv/bin/python -m seed.deprivation_demo   # rewrite the CSV (it is committed)
"""
from __future__ import annotations

import random
from pathlib import Path

from seed.identities import INWARD_LETTERS, POSTCODE_DISTRICTS

PATH = Path(__file__).parent / "data" / "deprivation_demo.csv"
DISTRICT_DECILE = {"DY1": 2, "DY5": 2, "DY6": 6, "DY8": 4, "DY9": 3, "B62": 4, "B63": 6}


def rows() -> list[tuple[str, int]]:
    """Every postcode seed/identities.postcode can draw, with its decile."""
    rng = random.Random("deprivation-demo")
    districts = sorted({d for ds in POSTCODE_DISTRICTS.values() for d in ds} | {"DY1"})
    out = []
    for district in districts:
        for sector in range(1, 10):
            level = DISTRICT_DECILE[district] + rng.randint(-2, 2)
            for first in INWARD_LETTERS:
                for second in INWARD_LETTERS:
                    decile = level + (rng.choice((-1, 1)) if rng.random() < 0.25 else 0)
                    out.append((f"{district} {sector}{first}{second}", min(10, max(1, decile))))
    return out


def write(path: Path = PATH) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text("postcode,imd_decile\n" + "".join(f"{p},{d}\n" for p, d in rows()))


def load(*, summary) -> None:
    """Import the lookup through the same service as `flask import deprivation` (idempotent)."""
    from app.services.deprivation import import_lookup

    outcome = import_lookup(by=None, content=PATH.read_bytes(), filename=PATH.name)
    summary.extra.append(f"Deprivation lookup (synthetic, demo only): {outcome}")


if __name__ == "__main__":
    write()
    print(f"wrote {PATH}")
