"""Making a comparison cohort: importing one (CONTRACT.md §6) or matching one (issue 16).

Both are all or nothing and idempotent.  A cohort is identified by its members — each
(pseudonym, pseudo-anchor) pair, and for a match the referred person each comparator stands
beside — hashed into a fingerprint: making the same cohort again (the same file, the same
file in another row order, the same match parameters on the same data) stores nothing new.
The newest cohort is the one the report and the dashboard use; older ones stay as the record
of how each was made.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from app import csv_reading
from app.extensions import db
from app.models import Practice, User
from app.models.comparison import ComparisonCohort, ComparisonMember
from app.services import audit, comparison_pool
from app.services.comparison_values import read_sex, read_year_of_birth
from app.services.errors import FileRejected
from app.services.pseudonyms import pseudonyms
from app.validators import FIRST_YEAR, LAST_YEAR, normalise_nhs_number

REQUIRED = ("person_id", "referral_date")
MAX_LISTED_PROBLEMS = 100


class CohortRejected(FileRejected):
    """The cohort file has problems and nothing was imported (see FileRejected)."""

    AGAIN = "upload"


@dataclass
class CohortOutcome:
    rows: int = 0
    members: int = 0
    left_out_referred: int = 0
    unchanged: bool = False
    cohort_id: int | None = None
    summary: dict = field(default_factory=dict)

    def __str__(self) -> str:
        referred = (f" {self.left_out_referred} already referred to the service were left out." if
                    self.left_out_referred else "")
        if self.unchanged:
            return f"{self.rows} rows read: the comparison cohort in use already has exactly these {self.members} " \
                   f"people and dates, so nothing changed.{referred}"
        return f"{self.rows} rows read: a comparison cohort of {self.members} people is now in use.{referred}"


def fingerprint(members: list[tuple]) -> str:
    text = "\n".join("|".join("" if v is None else str(v) for v in m) for m in sorted(members, key=str))
    return hashlib.sha256(text.encode()).hexdigest()


def current_cohort() -> ComparisonCohort | None:
    return db.session.scalar(select(ComparisonCohort).order_by(ComparisonCohort.id.desc()).limit(1))


# --- Import ----------------------------------------------------------------------------------

def parse(content: bytes) -> list[tuple]:
    """(row, NHS number, anchor, sex, year of birth, practice code) per row, or CohortRejected."""
    try:
        lines = csv_reading.rows(csv_reading.decode(content))
        header = [name.strip() for name in next(lines, [])]
        if not header:
            raise CohortRejected(["row 1: the file is empty; it needs a header row: person_id,referral_date"], 1)
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise CohortRejected([f"row 1: the header has no {', '.join(missing)} column"], 1)
        practices = set(db.session.scalars(select(Practice.ods_code)))
        problems, total, rows, seen = [], 0, [], {}
        for number, values in enumerate(lines, start=2):  # a row's number is its line in the file
            if not values:
                continue  # a blank line
            found, row = _read_row(number, header, values, practices, seen)
            total += len(found)
            problems.extend(found[: max(0, MAX_LISTED_PROBLEMS - len(problems))])
            if row:
                rows.append(row)
    except csv_reading.UnreadableRow as error:
        raise CohortRejected([f"{error}; correct it and upload the whole file again"], 1) from None
    if total:
        raise CohortRejected(problems, total)
    return rows


def _read_row(number, header, values, practices, seen) -> tuple[list[str], tuple | None]:
    long = csv_reading.too_long(header, values)
    if long:
        return [f"row {number}, column {column}: the value {csv_reading.TOO_LONG}" for column in long], None
    record = dict(zip(header, values))
    problems = [f"row {number}: it has more values than the header has columns"] if len(values) > len(header) else []
    nhs = None
    try:
        nhs = normalise_nhs_number(record.get("person_id") or "")
        if nhs in seen:
            problems.append(f"row {number}, column person_id: this NHS number is already on row {seen[nhs]}")
        seen.setdefault(nhs, number)
    except ValueError as error:
        problems.append(f"row {number}, column person_id: {error}")
    text = (record.get("referral_date") or "").strip()
    anchor = None
    try:
        anchor = date.fromisoformat(text)
        if len(text) != 10 or not FIRST_YEAR <= anchor.year <= LAST_YEAR:
            raise ValueError
    except ValueError:
        problems.append(f"row {number}, column referral_date: '{text[:40]}' is not a date in the form YYYY-MM-DD")
    sex = year = None
    try:
        sex = read_sex(record.get("sex"))
    except ValueError as error:
        problems.append(f"row {number}, column sex: {error}")
    try:
        year = read_year_of_birth(record.get("year_of_birth"))
    except ValueError as error:
        problems.append(f"row {number}, column year_of_birth: {error}")
    code = (record.get("practice_code") or "").strip().upper() or None
    if code is not None and code not in practices:
        problems.append(f"row {number}, column practice_code: '{code[:40]}' is not a practice the service knows")
    return problems, None if problems else (number, nhs, anchor, sex, year, code)


def import_cohort(*, by: User | None, content: bytes, filename: str = "") -> CohortOutcome:
    """Import a comparison cohort file (columns of CONTRACT.md §4.6; person_id = NHS number)."""
    rows = parse(content)
    outcome = CohortOutcome(rows=len(rows))
    comparison_pool.release_referred()
    referred = comparison_pool.referred_nhs_numbers({row[1] for row in rows})
    chosen = [row for row in rows if row[1] not in referred]
    outcome.left_out_referred = len(rows) - len(chosen)
    keys = pseudonyms({row[1] for row in chosen})
    practice_ids = dict(db.session.execute(select(Practice.ods_code, Practice.id)).all())
    ids = comparison_pool.upsert_people({keys[nhs]: {"sex": sex, "year_of_birth": year,
                                                     "practice_id": practice_ids.get(code)}
                                         for _, nhs, _, sex, year, code in chosen})
    members = [(ids[keys[nhs]], anchor, None, None) for _, nhs, anchor, *_ in chosen]
    outcome.members = len(members)
    digest = hashlib.sha256(content).hexdigest()
    stored = _store_cohort(by=by, kind="import", members=members, filename=filename, file_sha256=digest,
                           parameters={"left_out_referred": outcome.left_out_referred}, outcome=outcome)
    if not outcome.unchanged:  # the same file again changes nothing, the audit log included
        audit.record(by=by, action="comparison.import", subject_type="comparison_cohort", subject_id=stored.id,
                     detail=str(outcome))
    db.session.commit()
    return outcome


def _store_cohort(*, by, kind: str, members: list[tuple], outcome, parameters: dict, filename: str = "",
                  file_sha256: str | None = None, seed: int | None = None, summary: dict | None = None):
    """A new cohort with its members, unless the one in use already has exactly these members."""
    print_ = fingerprint([(kind, json.dumps(parameters, sort_keys=True))] + [(kind, *m) for m in members])
    latest = current_cohort()
    if latest is not None and latest.fingerprint == print_:
        outcome.unchanged, outcome.cohort_id = True, latest.id
        return latest
    summary = summary or {}
    cohort = ComparisonCohort(kind=kind, by_id=by.id if by else None, filename=filename[:255],
                              file_sha256=file_sha256, parameters=json.dumps(parameters, sort_keys=True), seed=seed,
                              fingerprint=print_, members=len(members),
                              referred_matched=summary.get("referred_matched"),
                              referred_unmatched=summary.get("referred_unmatched"), note="")
    db.session.add(cohort)
    db.session.flush()
    if members:
        db.session.execute(ComparisonMember.__table__.insert(), [
            {"cohort_id": cohort.id, "comparison_person_id": person, "anchor_date": anchor,
             "matched_person_id": matched, "distance": distance} for person, anchor, matched, distance in members])
    outcome.cohort_id = cohort.id
    return cohort
