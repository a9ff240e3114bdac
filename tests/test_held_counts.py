"""What an activity table holds for an extract's keys, read person by person (app/services/held_counts.py)."""
from __future__ import annotations

from datetime import date

from app.models import Activity
from app.services import held_counts
from tests import factories

DAY = date(2026, 3, 2)


def _key(item: Activity) -> tuple:
    return item.practice_id, item.person_id, item.activity_date, item.activity_type


def test_only_the_wanted_keys_that_are_held_come_back_with_their_row_and_count(app, monkeypatch):
    monkeypatch.setattr(held_counts, "PEOPLE_PER_QUERY", 2)  # five people: three queries
    people = [factories.supported_person(referred_on=DAY).person for _ in range(5)]
    rows = [factories.activity(person, DAY, "gp_surgery", count=index + 1) for index, person in enumerate(people)]
    other_day = factories.activity(people[0], date(2026, 3, 3), "gp_surgery", count=7)
    other_type = factories.activity(people[1], DAY, "outpatient", count=2)
    not_held = (people[2].practice_id, people[2].id, date(2026, 4, 1), "gp_surgery")
    elsewhere = (people[3].practice_id + 1000, people[3].id, DAY, "gp_surgery")  # another practice's key
    wanted = {_key(item): 99 for item in rows} | {_key(other_type): 99, not_held: 1, elsewhere: 1}

    found = held_counts.held_counts(Activity.__table__, (Activity.practice_id, Activity.person_id,
                                                         Activity.activity_date, Activity.activity_type),
                                    Activity.person_id, wanted)

    assert found == {**{_key(item): (item.id, index + 1) for index, item in enumerate(rows)},
                     _key(other_type): (other_type.id, 2)}
    assert _key(other_day) not in found  # held, but not in the file


def test_chunks_cover_every_value_once_in_order():
    assert list(held_counts.chunks(list(range(7)), 3)) == [[0, 1, 2], [3, 4, 5], [6]]
    assert list(held_counts.chunks([], 3)) == []
