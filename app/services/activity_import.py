"""Importing a practice activity extract (CONTRACT.md §4.2, person_id = NHS number).

All or nothing: every bad row is listed (row number, column, problem) and nothing changes.
Idempotent: rows are stored by their natural key (practice, person, date, type) and a
re-imported or overlapping extract replaces counts instead of adding them. Rows for people
the service does not know are kept for the comparison cohort under a keyed hash of the NHS
number, never the number itself (``app/services/comparison_pool.py``), with the optional
``sex`` and ``year_of_birth`` columns that matching uses.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app import csv_reading
from app.analytics import activity_windows
from app.converters import whole_number
from app.extensions import db
from app.models import Activity, ActivityImport, Person, Practice, User
from app.models.vocab import ActivityType
from app.services import audit, comparison_pool, held_counts
from app.services.comparison_values import read_sex, read_year_of_birth
from app.services.errors import FileRejected
from app.validators import FIRST_YEAR, LAST_YEAR, normalise_nhs_number

REQUIRED = ("person_id", "date", "activity_type")
ACTIVITY_TYPES = frozenset(t.value for t in ActivityType)
MAX_LISTED_PROBLEMS = 100
MAX_COUNT = 10_000  # contacts by one person with one service on one day; more is a mistake in the extract


class ExtractRejected(FileRejected):
    """The extract has problems and nothing was imported (see FileRejected)."""

    AGAIN = "upload"


@dataclass
class ImportOutcome:
    rows: int = 0
    matched_rows: int = 0
    unmatched_rows: int = 0
    comparison_rows: int = 0
    comparison_people: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    import_id: int | None = None
    practices: set[int] = field(default_factory=set)

    def __str__(self) -> str:
        return (f"{self.rows} rows read: {self.matched_rows} for people known to the service "
                f"({self.inserted} new, {self.updated} changed, {self.unchanged} already held); "
                f"{self.unmatched_rows} for people not known to the service, kept only under a keyed hash "
                f"of the NHS number for the comparison cohort ({self.comparison_people} people).")


def parse(content: bytes) -> list[tuple[int, str, date, str, int, str | None, int | None]]:
    """Read and check every row; return (row number, NHS number, date, type, count, sex, year of
    birth) or raise.  Sex and year of birth are None when the file has no such column or a blank."""
    try:
        return _check_rows(csv_reading.rows(csv_reading.decode(content)))
    except csv_reading.UnreadableRow as error:
        raise ExtractRejected([f"{error}; correct it and upload the whole file again"], 1) from None


def _check_rows(lines) -> list[tuple[int, str, date, str, int]]:
    header = [name.strip() for name in next(lines, [])]
    missing = [name for name in REQUIRED if name not in header]
    if not header:
        raise ExtractRejected(["row 1: the file is empty; it needs a header row: person_id,date,activity_type,count"], 1)
    if missing:
        raise ExtractRejected([f"row 1: the header has no {', '.join(missing)} column"], 1)
    problems: list[str] = []
    total = 0
    rows = []
    # Each value as typed -> (what it means, or None; the problem with it, or None), per column:
    # a person has many rows and the dates, types and counts repeat, so each is checked once.
    seen: dict[str, dict] = {column: {} for column, _ in _CHECKS}
    width = len(header)
    # Where each checked column is (the last of a repeated name, as dict(zip()) in _read_row takes
    # it; None when the file has no such column), and which columns no check reads.
    position = {name: index for index, name in enumerate(header)}
    picks = [(position.get(column), seen[column]) for column, _ in _CHECKS]
    unchecked = [index for index in range(width) if index not in {p for p, _ in picks}]
    for number, values in enumerate(lines, start=2):  # a row's number is its line in the file
        if not values:
            continue  # a blank line
        if len(values) == width:
            # The usual row: every value already checked, and good, earlier in this file. Only a
            # value that passed _read_row is in `seen`, so none is too long; the unchecked
            # columns' lengths are looked at here. Anything else goes the whole way below.
            row = [number]
            for index, known in picks:
                found = known.get(None if index is None else values[index])
                if found is None or found[1] is not None:
                    break
                row.append(found[0])
            else:
                if not unchecked or max(len(values[index]) for index in unchecked) <= csv_reading.MAX_CELL:
                    rows.append(tuple(row))
                    continue
        row_problems, row = _read_row(number, header, values, seen)
        total += len(row_problems)
        problems.extend(row_problems[: max(0, MAX_LISTED_PROBLEMS - len(problems))])
        if not row_problems:
            rows.append(row)
    if total:
        raise ExtractRejected(problems, total)
    return rows


def _nhs_number(typed: str | None) -> str:
    return normalise_nhs_number(typed or "")


def _date(typed: str | None) -> date:
    text = (typed or "").strip()
    try:
        when = date.fromisoformat(text)
        if len(text) != 10 or not FIRST_YEAR <= when.year <= LAST_YEAR:
            raise ValueError
    except ValueError:
        raise ValueError(f"'{text}' is not a date in the form YYYY-MM-DD") from None
    return when


def _activity_type(typed: str | None) -> str:
    kind = (typed or "").strip()
    if kind not in ACTIVITY_TYPES:
        raise ValueError(f"'{kind}' is not one of {', '.join(t.value for t in ActivityType)}")
    return kind


def _count(typed: str | None) -> int:
    count_text = (typed or "").strip() or "1"
    count = whole_number(count_text, high=MAX_COUNT)  # ASCII digits only: '²'.isdigit() is True
    if count is None and count_text.isascii() and count_text.isdigit() and count_text.strip("0"):
        raise ValueError(f"'{count_text}' is more than {MAX_COUNT:,}; check the extract")
    if count is None:
        raise ValueError(f"'{count_text}' is not a whole number of 1 or more")
    return count


# Each column's check, in the order a row's problems are listed and its values returned.
_CHECKS = (("person_id", _nhs_number), ("date", _date), ("activity_type", _activity_type), ("count", _count),
           ("sex", read_sex), ("year_of_birth", read_year_of_birth))


def _read_row(number: int, header: list[str], values: list[str],
              seen: dict[str, dict]) -> tuple[list[str], tuple | None]:
    """(every problem with one row, as 'row N, column C: what is wrong'; the row when it has none).
    ``seen`` holds, per column, the values already checked in this file (see _check_rows)."""
    long = csv_reading.too_long(header, values)
    if long:  # say so without echoing the value, and check nothing else in the row
        return [f"row {number}, column {column}: the value {csv_reading.TOO_LONG}" for column in long], None
    problems = []
    if len(values) > len(header):
        problems.append(f"row {number}: it has more values than the header has columns")
    record = dict(zip(header, values))
    row = [number]
    for column, check in _CHECKS:
        typed = record.get(column)  # None when the file has no such column (sex, year of birth)
        known = seen[column].get(typed)
        if known is None:
            try:
                known = seen[column][typed] = (check(typed), None)
            except ValueError as error:
                known = seen[column][typed] = (None, str(error))
        value, problem = known
        if problem is not None:
            problems.append(f"row {number}, column {column}: {problem}")
        row.append(value)
    return problems, None if problems else tuple(row)


def import_extract(*, by: User | None, content: bytes, filename: str = "",
                   practice: Practice | None = None) -> ImportOutcome:
    """Import an extract. With `practice`, it is that practice's extract: only its registered
    patients are matched. Without (manager or command line), each row belongs to the person's
    registered practice."""
    rows = parse(content)
    outcome = ImportOutcome(rows=len(rows))
    known = dict(db.session.execute(select(Person.nhs_number, Person.id).where(
        Person.nhs_number.in_({row[1] for row in rows}))).all()) if rows else {}
    people = dict(db.session.execute(select(Person.nhs_number, Person.id).where(
        Person.nhs_number.in_({row[1] for row in rows}),
        *([Person.practice_id == practice.id] if practice else []))).all()) if rows else {}
    person_practice = dict(db.session.execute(select(Person.id, Person.practice_id).where(
        Person.id.in_(people.values()))).all()) if people else {}
    totals: dict[tuple[int, int, date, str], int] = defaultdict(int)
    unreferred = []
    for row in rows:
        _, nhs, when, kind, count = row[:5]
        person_id = people.get(nhs)
        if person_id is None:
            outcome.unmatched_rows += 1
            if nhs not in known:  # another practice's patient is theirs, never a comparison person
                unreferred.append(row)
            continue
        outcome.matched_rows += 1
        practice_id = practice.id if practice else person_practice[person_id]
        totals[(practice_id, person_id, when, kind)] += count  # a key split over rows is summed
    record = ActivityImport(by=by, practice=practice, filename=filename[:255])
    db.session.add(record)
    db.session.flush()
    _store(totals, outcome, record.id)
    outcome.comparison_rows, outcome.comparison_people = comparison_pool.keep(
        unreferred, practice=practice, import_id=record.id)
    comparison_pool.release_referred()  # anyone pooled earlier and referred since becomes theirs
    for name in ("rows", "matched_rows", "unmatched_rows", "inserted", "updated", "unchanged"):
        setattr(record, name, getattr(outcome, name))
    outcome.import_id = record.id
    audit.record(by=by, action="activity.import", subject_type="activity_import", subject_id=record.id,
                 detail=str(outcome))
    db.session.commit()
    # The dashboard's per-person window sums, brought up to date now rather than on its next view.
    activity_windows.refresh()
    return outcome


def _store(totals: dict, outcome: ImportOutcome, import_id: int) -> None:
    """Insert new keys, replace changed counts, leave identical ones alone."""
    outcome.inserted, outcome.updated, outcome.unchanged = held_counts.store(
        Activity, (Activity.practice_id, Activity.person_id, Activity.activity_date, Activity.activity_type),
        Activity.person_id, totals, import_id)
