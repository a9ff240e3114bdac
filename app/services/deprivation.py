"""The postcode → IMD decile lookup: importing it, and reading people's deprivation through it.

A person's decile is never copied onto the person: every query joins `deprivation_area.postcode
= person.postcode` (or `referral.postcode`), so a change of address, or a newer lookup file,
changes the figure everywhere at once. Quintile = (decile + 1) // 2: quintile 1 is deciles 1–2,
the most deprived fifth of areas in England (Core20PLUS5's "most deprived 20%").

Import (CONTRACT §6): a CSV with the columns `postcode` and `imd_decile` (others are ignored, so
a file cut from the ONS Postcode Directory may keep its columns; see docs/deprivation.md). All or
nothing: every bad row is listed as "row N, column C: problem" and nothing changes. Idempotent:
rows are stored by postcode, so importing the same file again changes nothing. With
`replace=True` postcodes missing from the file are removed (a new edition of the whole lookup).
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, delete, select, update

from app import csv_reading
from app.converters import whole_number
from app.extensions import db
from app.models import Person, User
from app.models.deprivation import DeprivationArea
from app.services import audit
from app.services.errors import FileRejected
from app.services.held_counts import insert_rows
from app.validators import normalise_postcode

REQUIRED = ("postcode", "imd_decile")
MAX_LISTED_PROBLEMS = 100
CHUNK = 1000

# The dashboard's pieces: join these, never copy the decile.
DECILE = DeprivationArea.imd_decile
QUINTILE = ((DeprivationArea.imd_decile + 1) // 2).label("imd_quintile")


def person_join_condition(person=Person):
    """`deprivation_area.postcode = person.postcode`, for an outer join from people (or referrals)."""
    return DeprivationArea.postcode == person.postcode


def person_deprivation():
    """A subquery of (person_id, imd_decile, imd_quintile) for every person, None where the
    postcode is not in the lookup; join it on person_id."""
    return (select(Person.id.label("person_id"), DECILE.label("imd_decile"), QUINTILE)
            .select_from(Person).outerjoin(DeprivationArea, person_join_condition())
            .subquery("person_deprivation"))


def decile_for(postcode: str) -> int | None:
    return db.session.scalar(select(DECILE).where(DeprivationArea.postcode == postcode))


class LookupRejected(FileRejected):
    """The lookup file has problems and nothing was imported (see FileRejected)."""

    AGAIN = "import"


@dataclass
class LookupOutcome:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0

    READ = "postcodes"  # what a row is, in the summary

    def __str__(self) -> str:
        removed = f", {self.removed} removed" if self.removed else ""
        return (f"{self.rows} {self.READ} read: {self.inserted} new, {self.updated} changed, "
                f"{self.unchanged} already held{removed}.")


def parse(content: bytes) -> dict[str, int]:
    """Every row checked: {normalised postcode: decile}, or LookupRejected listing each problem."""
    try:
        lines = csv_reading.rows(csv_reading.decode(content))
        header = [name.strip().lower() for name in next(lines, [])]
        if not any(header):
            raise LookupRejected(["row 1: the file is empty; it needs a header row: postcode,imd_decile"], 1)
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise LookupRejected([f"row 1: the header has no {', '.join(missing)} column"], 1)
        return _check_rows(header, lines)
    except csv_reading.UnreadableRow as error:
        raise LookupRejected([f"{error}; correct it and import the whole file again"], 1) from None


def _check_rows(header: list[str], lines) -> dict[str, int]:
    problems: list[str] = []
    total = 0
    deciles: dict[str, int] = {}
    first_row: dict[str, int] = {}
    for number, values in enumerate(lines, start=2):
        if not any(value.strip() for value in values):
            continue  # blank lines are skipped
        row_problems = _read_row(number, header, values, deciles, first_row)
        total += len(row_problems)
        problems.extend(row_problems[: max(0, MAX_LISTED_PROBLEMS - len(problems))])
    if total:
        raise LookupRejected(problems, total)
    return deciles


def _read_row(number: int, header: list[str], values: list[str], deciles: dict, first_row: dict) -> list[str]:
    long = csv_reading.too_long(header, values)
    if long:  # say so without echoing the value
        return [f"row {number}, column {column}: the value {csv_reading.TOO_LONG}" for column in long]
    record = dict(zip(header, values))
    problems = []
    postcode = None
    typed = (record.get("postcode") or "").strip()
    try:
        postcode = normalise_postcode(typed)
    except ValueError:
        problems.append(f"row {number}, column postcode: " + (f"'{typed[:20]}' is not a UK postcode, like DY1 1HF"
                                                              if typed else "it is empty"))
    decile_text = (record.get("imd_decile") or "").strip()
    decile = whole_number(decile_text, low=1, high=10)
    if decile is None:
        problems.append(f"row {number}, column imd_decile: '{decile_text[:20]}' is not a whole number from 1 to 10")
    if postcode is not None and decile is not None:
        if postcode in deciles and deciles[postcode] != decile:
            problems.append(f"row {number}, column imd_decile: {postcode} is already decile {deciles[postcode]} "
                            f"at row {first_row[postcode]}")
        elif postcode not in deciles:
            deciles[postcode], first_row[postcode] = decile, number
    return problems


def import_lookup(*, by: User | None, content: bytes, filename: str = "", replace: bool = False) -> LookupOutcome:
    """Check the whole file, then store it in one transaction (see the module's docstring)."""
    deciles = parse(content)
    outcome = LookupOutcome(rows=len(deciles))
    held: dict[str, int] = {}
    postcodes = list(deciles)
    for start in range(0, len(postcodes), CHUNK):
        held.update(db.session.execute(select(DeprivationArea.postcode, DeprivationArea.imd_decile)
                                       .where(DeprivationArea.postcode.in_(postcodes[start:start + CHUNK]))).all())
    new = [{"postcode": p, "imd_decile": d} for p, d in deciles.items() if p not in held]
    changed = [{"p": p, "d": d} for p, d in deciles.items() if p in held and held[p] != d]
    insert_rows(DeprivationArea.__table__, new)  # by COPY on PostgreSQL: a national file is ~1.7 million rows
    if changed:
        table = DeprivationArea.__table__
        db.session.execute(update(table).where(table.c.postcode == bindparam("p")).values(imd_decile=bindparam("d")),
                           changed)
    if replace:
        outcome.removed = _remove_missing(set(deciles))
    outcome.inserted, outcome.updated = len(new), len(changed)
    outcome.unchanged = outcome.rows - outcome.inserted - outcome.updated
    audit.record(by=by, action="deprivation.import", subject_type="deprivation_area", subject_id=filename[:200] or "file",
                 detail=str(outcome))
    db.session.commit()
    return outcome


def _remove_missing(kept: set[str]) -> int:
    stale = [p for p in db.session.scalars(select(DeprivationArea.postcode)) if p not in kept]
    for start in range(0, len(stale), CHUNK):
        db.session.execute(delete(DeprivationArea).where(DeprivationArea.postcode.in_(stale[start:start + CHUNK])))
    return len(stale)
