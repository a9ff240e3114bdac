"""The pool of unreferred people: their extract rows kept under a keyed hash, and their leaving.

``keep`` is called by the activity import for rows whose NHS number the service does not know:
the number is replaced by its pseudonym (``app/services/pseudonyms.py``) before anything is
stored, the person's optional sex and year of birth (and the uploading practice) are kept for
matching, and the rows are stored by (person, day, type) so that a re-imported extract
replaces counts instead of adding them.

``release_referred`` is the other direction: a person who has since been referred is no
longer a comparison person.  Their pooled rows become ordinary activity rows of the person
(so their year before referral is not lost), and their pseudonym, memberships and pooled
rows are deleted.  Reading a cohort also leaves referred people out (``app/analytics/
comparison.py``), so nothing depends on this having run since the referral.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import String, any_, bindparam, delete, select, tuple_, update
from sqlalchemy.dialects.postgresql import ARRAY

from app.extensions import db
from app.models import Activity, Person, Practice, Referral
from app.models.comparison import ComparisonActivity, ComparisonMember, ComparisonPerson
from app.services import held_counts
from app.services.pseudonyms import pseudonyms

CHUNK = 2000


def _chunks(values: list, size: int = CHUNK):
    return held_counts.chunks(values, size)


def referred_nhs_numbers(among: set[str] | None = None) -> set[str]:
    """NHS numbers of everyone referred (a person held, or a referral received), or of those
    ``among`` the given numbers."""
    found: set[str] = set()
    for column in (Person.nhs_number, Referral.nhs_number):
        if among is None:
            found |= set(db.session.scalars(select(column).distinct()))
        else:
            for part in _chunks(sorted(among)):
                found |= set(db.session.scalars(select(column).where(column.in_(part)).distinct()))
    return found


def person_ids_by_pseudonym(keys: list[str]) -> dict[str, int]:
    """Comparison person ids of the given pseudonyms (those held)."""
    if db.session.get_bind().dialect.name == "postgresql":
        # One query however many (every referred person's pseudonym, for the dashboard): an
        # array parameter, looked up through the unique index.
        found = select(ComparisonPerson.pseudonym, ComparisonPerson.id).where(
            ComparisonPerson.pseudonym == any_(bindparam("keys", keys, type_=ARRAY(String))))
        return dict(db.session.execute(found).all())
    out = {}
    for part in _chunks(keys):
        out.update(db.session.execute(select(ComparisonPerson.pseudonym, ComparisonPerson.id)
                                      .where(ComparisonPerson.pseudonym.in_(part))).all())
    return out


def upsert_people(details: dict[str, dict]) -> dict[str, int]:
    """Create or update comparison people by pseudonym (details: sex, year_of_birth,
    practice_id — a None leaves what is held); returns pseudonym -> id.  Only changed rows are
    written, so importing the same file twice writes nothing the second time."""
    keys = sorted(details)
    held = {}
    for part in _chunks(keys):
        for row in db.session.execute(select(ComparisonPerson.pseudonym, ComparisonPerson.id, ComparisonPerson.sex,
                                             ComparisonPerson.year_of_birth, ComparisonPerson.practice_id)
                                      .where(ComparisonPerson.pseudonym.in_(part))):
            held[row.pseudonym] = row
    new_rows, changes = [], []
    for key in keys:
        wanted = details[key]
        row = held.get(key)
        if row is None:
            new_rows.append({"pseudonym": key, **wanted})
            continue
        merged = {name: wanted[name] if wanted.get(name) is not None else getattr(row, name)
                  for name in ("sex", "year_of_birth", "practice_id")}
        if any(merged[name] != getattr(row, name) for name in merged):
            changes.append({"id": row.id, **merged})
    if new_rows:
        db.session.execute(ComparisonPerson.__table__.insert(),
                           [{"sex": None, "year_of_birth": None, "practice_id": None, **r} for r in new_rows])
    if changes:
        db.session.execute(update(ComparisonPerson), changes)
    return person_ids_by_pseudonym(keys)


def keep(rows: list[tuple], *, practice: Practice | None, import_id: int) -> tuple[int, int]:
    """Store extract rows (number, nhs, date, type, count, sex, year) of people never referred.

    Returns (rows kept, people).  Rows of anyone referred are left out here as everywhere."""
    if not rows:
        return 0, 0
    numbers = {row[1] for row in rows}
    numbers -= referred_nhs_numbers(numbers)
    keys = pseudonyms(numbers)
    details: dict[str, dict] = {}
    totals: dict[tuple[str, date, str], int] = defaultdict(int)
    kept = 0
    for _, nhs, when, kind, count, sex, year in rows:
        if nhs not in keys:
            continue
        key = keys[nhs]
        entry = details.setdefault(key, {"sex": None, "year_of_birth": None,
                                         "practice_id": practice.id if practice else None})
        entry["sex"] = sex or entry["sex"]
        entry["year_of_birth"] = year or entry["year_of_birth"]
        totals[(key, when, kind)] += count
        kept += 1
    ids = upsert_people(details)
    by_key = {(ids[key], when, kind): count for (key, when, kind), count in totals.items()}
    _store_activity(by_key, import_id)
    return kept, len(details)


def _store_activity(totals: dict[tuple[int, date, str], int], import_id: int) -> None:
    """Insert new (person, day, type) keys, replace changed counts, leave the same alone."""
    table = ComparisonActivity
    held_counts.store(table, (table.comparison_person_id, table.activity_date, table.activity_type),
                      table.comparison_person_id, totals, import_id)


def release_referred() -> int:
    """Take everyone since referred out of the pool (see the module docstring); returns how many.

    Runs inside the caller's transaction (the caller commits)."""
    referred = referred_nhs_numbers()
    if not referred:
        return 0
    keys = pseudonyms(referred)
    ids = person_ids_by_pseudonym(sorted(keys.values()))
    if not ids:
        return 0
    nhs_by_key = {key: nhs for nhs, key in keys.items()}
    people = dict(db.session.execute(select(Person.nhs_number, Person.id).where(
        Person.nhs_number.in_([nhs_by_key[k] for k in ids]))).all())
    practice_of = dict(db.session.execute(select(Person.id, Person.practice_id).where(
        Person.id.in_(people.values()))).all()) if people else {}
    person_for = {cid: people.get(nhs_by_key[key]) for key, cid in ids.items()}
    pooled = db.session.execute(select(ComparisonActivity).where(
        ComparisonActivity.comparison_person_id.in_(list(ids.values())))).scalars().all()
    moved = [row for row in pooled if person_for.get(row.comparison_person_id)]
    if moved:
        wanted = {(practice_of[person_for[r.comparison_person_id]], person_for[r.comparison_person_id],
                   r.activity_date, r.activity_type): r for r in moved}
        held = set()
        for part in _chunks(list(wanted), 500):
            held |= set(db.session.execute(select(Activity.practice_id, Activity.person_id, Activity.activity_date,
                                                  Activity.activity_type).where(tuple_(
                Activity.practice_id, Activity.person_id, Activity.activity_date, Activity.activity_type).in_(part))).all())
        new_rows = [{"practice_id": k[0], "person_id": k[1], "activity_date": k[2], "activity_type": k[3],
                     "count": r.count, "import_id": r.import_id} for k, r in wanted.items() if k not in held]
        if new_rows:
            db.session.execute(Activity.__table__.insert(), new_rows)
    gone = list(ids.values())
    for part in _chunks(gone):
        db.session.execute(delete(ComparisonMember).where(ComparisonMember.comparison_person_id.in_(part)))
        db.session.execute(delete(ComparisonActivity).where(ComparisonActivity.comparison_person_id.in_(part)))
        db.session.execute(delete(ComparisonPerson).where(ComparisonPerson.id.in_(part)))
    return len(gone)
