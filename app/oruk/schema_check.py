"""Validating ORUK JSON against the official compiled schema before our own checks.

The standard decides what a valid service is; Hearthlink's own rules (`parse.py`) come second and
only add what our database needs. Every schema problem of every record is listed, each named by
the record's position and the path of the field, so a publisher can fix a file in one go.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from app.oruk.parse import Problem

SCHEMA = Path(__file__).parent / "schema" / "service.json"
MAX_PER_RECORD = 50


@lru_cache(maxsize=1)
def _validator() -> Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _missing(error) -> str | None:
    """The property a `required` error is about ("'id' is a required property" → "id")."""
    if error.validator == "required" and error.message.count("'") >= 2:
        return error.message.split("'")[1]
    return None


def _path(error) -> str:
    parts = [*error.absolute_path, *([_missing(error)] if _missing(error) else [])]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(record)"


def _message(error) -> str:
    """jsonschema's message without the (possibly huge) offending value in front of it."""
    if _missing(error):
        return "is required"
    value = error.validator_value
    words = {
        "type": lambda: f"must be {' or '.join(value) if isinstance(value, list) else value}",
        "format": lambda: f"must be a valid {value}",
        "enum": lambda: "must be one of " + ", ".join(map(str, value))[:200],
        "maxLength": lambda: f"must be at most {value} characters",
        "minLength": lambda: f"must be at least {value} characters",
        "minimum": lambda: f"must be at least {value}",
        "maximum": lambda: f"must be at most {value}",
        "pattern": lambda: "is not in the expected form",
    }
    return words[error.validator]() if error.validator in words else error.message[:200]


def schema_problems(raw_services: list) -> list[Problem]:
    problems = []
    for position, raw in enumerate(raw_services, start=1):
        errors = sorted(_validator().iter_errors(raw), key=lambda e: list(map(str, e.absolute_path)))
        problems += [Problem(position, _path(error), f"{_message(error)} (ORUK schema)")
                     for error in errors[:MAX_PER_RECORD]]
    return problems
