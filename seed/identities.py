"""Synthetic identities: NHS numbers from the 999 range reserved for testing, Dudley-shaped postcodes."""
from __future__ import annotations

import random

from nhs_number import is_valid

POSTCODE_DISTRICTS = {"Brierley Hill": ["DY5", "DY6"], "Stourbridge": ["DY8", "DY9"], "Halesowen": ["B62", "B63"]}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def nhs_numbers(rng: random.Random):
    """Yield distinct valid NHS numbers 999 000 000x – 999 999 999x in a seeded random order."""
    seen: set[int] = set()
    while True:
        stem = rng.randint(999_000_000, 999_999_999)
        if stem in seen:
            continue
        seen.add(stem)
        for check in range(10):
            if is_valid(f"{stem}{check}"):
                yield f"{stem}{check}"
                break


def postcode(rng: random.Random, locality: str) -> str:
    district = rng.choice(POSTCODE_DISTRICTS.get(locality, ["DY1"]))
    return f"{district} {rng.randint(1, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}"
