"""Find a person: the people with a support record whose name or NHS number matches a search,
each with where their support stands (the latest episode: with which officer, or discharged).

Officers may open any person's record so that a colleague can cover a leave or a visit (see
app/people/__init__.py); this is how they find one who is not on their own caseload. Nobody is
listed until something is searched for: the page is not a way to browse everyone.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Select, select

from app.models import Episode, Person, Practice, User
from app.models.identity import spaced_nhs_number
from app.name_search import Search, lower_case
from app.pagination import Page, paginate

PER_PAGE = 25


@dataclass(frozen=True, slots=True)
class FoundPerson:
    person_id: int
    given_name: str
    family_name: str
    nhs_number: str
    date_of_birth: date
    postcode: str
    practice: str
    officer: str | None
    officer_id: int | None
    discharged_on: date | None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def nhs_number_spaced(self) -> str:
        return spaced_nhs_number(self.nhs_number)


def _latest_episode():
    """The person's latest support episode (a returning person has more than one)."""
    return (select(Episode.id).where(Episode.person_id == Person.id)
            .order_by(Episode.opened_at.desc(), Episode.id.desc()).limit(1)
            .correlate(Person).scalar_subquery())


def matching(search: Search) -> Select:
    """Everyone matching `search`, by family name, then given name (then id: pages never overlap)."""
    return (select(Person.id, Person.given_name, Person.family_name, Person.nhs_number, Person.date_of_birth,
                   Person.postcode, Practice.name, User.name, Episode.officer_id, Episode.discharged_on)
            .join(Practice, Practice.id == Person.practice_id)
            .outerjoin(Episode, Episode.id == _latest_episode())
            .outerjoin(User, User.id == Episode.officer_id)
            .where(search.condition(Person))
            .order_by(lower_case(Person.family_name), lower_case(Person.given_name), Person.id))


def page_of(search: Search, page: int) -> Page[FoundPerson]:
    found = paginate(matching(search), page=page, per_page=PER_PAGE, scalars=False)
    return replace(found, items=[FoundPerson(*row) for row in found.items])
