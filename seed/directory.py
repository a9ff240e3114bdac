"""Demo directory (see seed/MODEL.md)."""
from __future__ import annotations


def load(*, rng, fake, world: dict, people: int, summary) -> None:
    """Filled in when the directory area lands."""
