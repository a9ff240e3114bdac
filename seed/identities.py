"""Synthetic identities: NHS numbers from the 999 range reserved for testing, Dudley-shaped postcodes,
street addresses that read as British ones."""
from __future__ import annotations

import random
import zlib

from nhs_number import is_valid

POSTCODE_DISTRICTS = {"Brierley Hill": ["DY5", "DY6"], "Stourbridge": ["DY8", "DY9"], "Halesowen": ["B62", "B63"]}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Faker's en_GB streets end in its American list ("Zoe loaf", "Josh tunnel", "Alex stravenue"), and
# its house numbers can be "0" or "049". The name part is kept and given one of these.
STREET_ENDINGS = ["Road", "Street", "Lane", "Close", "Avenue", "Drive", "Way", "Crescent", "Grove", "Gardens",
                  "Place", "Court", "Walk", "Rise", "View"]


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


def street_address(fake) -> str:
    """A first line such as "96 Henderson Close": Faker's draws (the same two as before, so the rest
    of a seeded demo is unchanged), its number without leading zeros and never 0, its street's
    name with a British ending chosen by the name, not by another random draw."""
    number, street = fake.building_number(), fake.street_name()
    name = street.rsplit(" ", 1)[0].strip()  # a first or family name, capitalised already
    ending = STREET_ENDINGS[zlib.crc32(name.encode()) % len(STREET_ENDINGS)]
    return f"{max(int(number), 1)} {name} {ending}"
