"""`flask import population`: the local population's share of each group, for the reach tables.

A CSV with the columns `area`, `dimension`, `group`, `share` (docs/deprivation.md):
* area: `all`, a locality's name or a practice's ODS code (as held);
* dimension: imd_quintile, ethnic_group, sex or age_band;
* group: one of that dimension's groups exactly as the reach tables name them (case ignored);
* share: a percentage from 0 to 100, stored to one decimal.
All or nothing: every problem is listed as "row N, column C: problem" (an unknown area,
dimension or group; a share that is not a number from 0 to 100; a row repeating an area,
dimension and group; an area's shares for one dimension adding up to more than 100.5) and
nothing changes.  Idempotent: each area and dimension the file gives replaces the shares held
for it, so importing the same file again changes nothing; other areas and dimensions are kept.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlalchemy import delete, select

from app import csv_reading
from app.analytics.reach import DIMENSIONS, group_order
from app.extensions import db
from app.models import Locality, Practice, User
from app.models.population import PopulationShare
from app.services import audit
from app.services.deprivation import LookupOutcome, LookupRejected

REQUIRED = ("area", "dimension", "group", "share")
MAX_LISTED_PROBLEMS = 100
MOST = Decimal("100.5")  # shares of a whole population, allowing for each being rounded


class SharesRejected(LookupRejected):
    """The population file has problems; worded and listed as the deprivation lookup's are."""


class SharesOutcome(LookupOutcome):
    """What an import did, counted as the deprivation lookup's are."""

    READ = "shares"


def _areas() -> dict[str, str]:
    """Every area a row may name, by its lower-case form: 'all', localities, practice ODS codes."""
    areas = {"all": "all"}
    areas.update({name.lower(): name for name in db.session.scalars(select(Locality.name))})
    areas.update({code.lower(): code for code in db.session.scalars(select(Practice.ods_code))})
    return areas


def _plain(label: str) -> str:
    """A group as matched: case ignored, and a hyphen taken for the en dash of "18–34"."""
    return " ".join(label.lower().replace("-", "–").split())


def _share(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or not 0 <= value <= 100:
        return None
    return value.quantize(Decimal("0.1"))


def parse(content: bytes) -> dict[tuple[str, str, str], Decimal]:
    """Every row checked: {(area, dimension, group): share}, or SharesRejected listing each problem."""
    try:
        lines = csv_reading.rows(csv_reading.decode(content))
        header = [name.strip().lower() for name in next(lines, [])]
        if not any(header):
            raise SharesRejected(["row 1: the file is empty; it needs a header row: area,dimension,group,share"], 1)
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise SharesRejected([f"row 1: the header has no {', '.join(missing)} column"], 1)
        return _check_rows(header, lines)
    except csv_reading.UnreadableRow as error:
        raise SharesRejected([f"{error}; correct it and import the whole file again"], 1) from None


def _check_rows(header: list[str], lines) -> dict[tuple[str, str, str], Decimal]:
    areas = _areas()
    groups = {name: {_plain(label): label for label in group_order(name)} for name, _ in DIMENSIONS}
    problems: list[str] = []
    shares: dict[tuple[str, str, str], Decimal] = {}
    first_row: dict[tuple[str, str, str], int] = {}
    sums: dict[tuple[str, str], tuple[Decimal, int]] = {}
    for number, values in enumerate(lines, start=2):
        if not any(value.strip() for value in values):
            continue  # blank lines are skipped
        long = csv_reading.too_long(header, values)
        if long:
            problems += [f"row {number}, column {column}: the value {csv_reading.TOO_LONG}" for column in long]
            continue
        record = {key: (value or "").strip() for key, value in zip(header, values)}
        area = areas.get(record.get("area", "").lower())
        if area is None:
            problems.append(f"row {number}, column area: '{record.get('area', '')[:40]}' is not 'all', a locality "
                            "or a practice ODS code held here")
        dimension = record.get("dimension", "").lower()
        group = None
        if dimension not in groups:
            problems.append(f"row {number}, column dimension: '{record.get('dimension', '')[:40]}' is not one of "
                            f"{', '.join(groups)}")
        else:
            group = groups[dimension].get(_plain(record.get("group", "")))
            if group is None:
                problems.append(f"row {number}, column group: '{record.get('group', '')[:40]}' is not a {dimension} "
                                f"group (one of: {'; '.join(group_order(dimension))})")
        share = _share(record.get("share", ""))
        if share is None:
            problems.append(f"row {number}, column share: '{record.get('share', '')[:20]}' is not a number "
                            "from 0 to 100")
        if area is None or group is None or share is None:
            continue
        key = (area, dimension, group)
        if key in shares:
            problems.append(f"row {number}, column group: {area} {dimension} '{group}' is already given at row "
                            f"{first_row[key]}")
            continue
        shares[key], first_row[key] = share, number
        total, _ = sums.get((area, dimension), (Decimal(0), number))
        sums[(area, dimension)] = (total + share, number)
    for (area, dimension), (total, last) in sums.items():
        if total > MOST:
            problems.append(f"row {last}, column share: {area} {dimension} shares add up to {total}%, more than 100")
    if problems:
        raise SharesRejected(problems[:MAX_LISTED_PROBLEMS], len(problems))
    return shares


def import_shares(*, by: User | None, content: bytes, filename: str = "") -> SharesOutcome:
    """Check the whole file, then store it in one transaction (see the module's docstring)."""
    shares = parse(content)
    outcome = SharesOutcome(rows=len(shares))
    pairs = sorted({(area, dimension) for area, dimension, _ in shares})
    wanted = set(pairs)
    held = {(row.area, row.dimension, row.group_label): row
            for row in db.session.scalars(select(PopulationShare).where(
                PopulationShare.area.in_(sorted({area for area, _ in pairs}))))
            if (row.area, row.dimension) in wanted}
    for key, share in shares.items():
        row = held.get(key)
        if row is None:
            db.session.add(PopulationShare(area=key[0], dimension=key[1], group_label=key[2], share=share))
            outcome.inserted += 1
        elif Decimal(row.share) != share:
            row.share = share
            outcome.updated += 1
        else:
            outcome.unchanged += 1
    stale = [row.id for key, row in held.items() if key not in shares]
    if stale:
        db.session.execute(delete(PopulationShare).where(PopulationShare.id.in_(stale)))
    outcome.removed = len(stale)
    if outcome.inserted or outcome.updated or outcome.removed:
        audit.record(by=by, action="population.import", subject_type="population_share",
                     subject_id=filename[:200] or "file", detail=str(outcome))
    db.session.commit()
    return outcome

