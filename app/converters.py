"""Whole numbers read from URLs — ids in the path, pages and ids in the query string — kept to the
range the database holds, so a number nobody could have been given is "not found", never a
database error.

Every id column is an `Integer`: 32 bits on PostgreSQL, which refuses a larger value outright
(NumericValueOutOfRange); SQLite refuses anything beyond 64 bits. 1 to 2^31 - 1 is therefore the
range of every id that can exist, and of every page number worth asking for.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.routing import IntegerConverter

MAX_ID = 2 ** 31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: only 1 to MAX_ID match; anything else is a 404."""

    regex = r"[0-9]+"  # ASCII digits only (\d would also take other scripts' digits)

    def __init__(self, map, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, **kwargs)


def register(app: Flask) -> None:
    """Replace Flask's `int` converter before any blueprint adds its rules."""
    app.url_map.converters["int"] = IdConverter


def whole_number(text: str | None, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """`text` as a whole number in [low, high], or None: only ASCII digits (and a leading minus),
    and no more of them than the range needs, so no huge or exotic value reaches int() or the database."""
    value = (text or "").strip()
    digits = value[1:] if value.startswith("-") else value
    if not digits or not (digits.isascii() and digits.isdigit()) \
            or len(digits.lstrip("0")) > len(str(max(abs(low), abs(high)))):
        return None
    number = int(value)
    return number if low <= number <= high else None


def int_arg(name: str, default: int | None = None, *, low: int = 1, high: int = MAX_ID) -> int | None:
    """A whole-number query parameter (page, per_page, an id); `default` when absent or out of range."""
    number = whole_number(request.args.get(name), low=low, high=high)
    return default if number is None else number
