"""People, referrals, support and activity for the demo (filled in as those areas land)."""
from __future__ import annotations


def has_people() -> bool:
    return False


def load(*, rng, fake, world: dict, people: int, summary) -> None:
    return None
