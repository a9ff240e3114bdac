"""Searching the directory: words, need area, locality, sector and "open now", one page at a time.

Fast on 5,000+ services on SQLite and PostgreSQL because every filter is one indexed column or
one EXISTS on an indexed link table, words match a single denormalised lower-case column, and
only one page of rows is loaded (with its children in a few selectin queries, never per row).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models.directory import Organization, Service, ServiceLocality, ServiceNeedArea, ServiceStatus
from app.models.directory_places import Schedule, ServiceAtLocation
from app.models.directory_taxonomy import Attribute
from app.models.vocab import NeedArea
from app.pagination import Page, paginate
from app.services.directory_hours import open_at_clause

PER_PAGE = 20


def refresh_search_text(service: Service) -> None:
    """Rebuild the lower-case search column from everything a person might type."""
    parts = [service.name, service.organization.name if service.organization else "", service.description,
             service.eligibility_description]
    parts += [NeedArea(a).label for a in service.need_area_values if a in NeedArea._value2member_map_]
    parts += [row.locality.name for row in service.localities if row.locality]
    for sal in service.service_at_locations:
        parts += [sal.location.name or ""] + [f"{a.city} {a.postal_code}" for a in sal.location.addresses]
    parts += [a.taxonomy_term.name for a in db.session.scalars(select(Attribute).where(Attribute.link_id == service.id))]
    service.search_text = " ".join(" ".join(p.split()) for p in parts if p).lower()


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@cache
def _stemmer():
    """Snowball's English stemmer. The package loads every language it has with it (about 0.17 s),
    so it is imported by the first search that needs it, not by every process that starts."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def word_forms(word: str) -> tuple[str, set[str]]:
    """(the word, its stems): a search for "carers" should find "carer support", and "walking"
    should find "walks".  The Snowball English stemmer gives the stem ("carer", "walk"); where it
    turned a final y into i ("families" -> "famili") the y form is added ("family")."""
    stem = _stemmer().stemWord(word)
    forms = {stem} if stem != word and len(stem) >= 3 else set()
    if stem.endswith("i") and len(stem) >= 4:
        forms.add(stem[:-1] + "y")
    return word, forms - {word}


def _word_clause(word: str):
    """The word anywhere in the search text, or one of its stems at the start of a word there."""
    whole, stems = word_forms(word)
    options = [Service.search_text.like(f"%{_escape_like(whole)}%", escape="\\")]
    for stem in sorted(stems):
        options += [Service.search_text.like(f"{_escape_like(stem)}%", escape="\\"),
                    Service.search_text.like(f"% {_escape_like(stem)}%", escape="\\")]
    return or_(*options)


@dataclass
class DirectoryQuery:
    words: str = ""
    need_area: str = ""
    locality_id: int | None = None
    sector: str = ""
    open_now: bool = False
    include_inactive: bool = False
    taxonomy_term_id: str = ""
    checked_before: date | None = None  # entries last checked before this day (or never)
    at: datetime | None = None  # the local time "open now" means (tests fix it)
    extra: dict = field(default_factory=dict)


def matching(query: DirectoryQuery) -> Select:
    """The services matching the query, ordered by name (a select the caller pages)."""
    statement = select(Service)
    if not query.include_inactive:
        statement = statement.where(Service.status == ServiceStatus.ACTIVE.value)
    for word in query.words.lower().split()[:8]:
        statement = statement.where(_word_clause(word))
    if query.need_area:
        statement = statement.where(exists().where(ServiceNeedArea.service_id == Service.id,
                                                   ServiceNeedArea.area == query.need_area))
    if query.locality_id:
        statement = statement.where(exists().where(ServiceLocality.service_id == Service.id,
                                                   ServiceLocality.locality_id == query.locality_id))
    if query.sector:
        statement = statement.where(exists().where(Organization.id == Service.organization_id,
                                                   Organization.sector == query.sector))
    if query.open_now:
        from app.services.directory_hours import london_now

        postgres = db.session.get_bind().dialect.name == "postgresql"
        statement = statement.where(exists().where(Schedule.owner_service_id == Service.id,
                                                   open_at_clause(query.at or london_now(), postgres=postgres)))
    if query.checked_before:
        statement = statement.where(or_(Service.last_checked_on.is_(None),
                                        Service.last_checked_on < query.checked_before))
    if query.taxonomy_term_id:
        statement = statement.where(_has_term(query.taxonomy_term_id))
    return statement.order_by(Service.name, Service.id)


def _has_term(term_id: str):
    from app.oruk import terms

    ours = terms.TERM_LOOKUP.get(term_id)
    if ours and ours[0] is terms.NEED_AREAS:
        return exists().where(ServiceNeedArea.service_id == Service.id, ServiceNeedArea.area == ours[1])
    if ours and ours[0] is terms.ACCESS_ROUTES:
        return Service.access_routes.like(f"%{ours[1]}%")
    if ours and ours[0] is terms.SECTORS:
        return exists().where(Organization.id == Service.organization_id, Organization.sector == ours[1])
    return exists().where(Attribute.link_id == Service.id, Attribute.taxonomy_term_id == term_id)


LIST_OPTIONS = (selectinload(Service.organization), selectinload(Service.need_areas),
                selectinload(Service.localities), selectinload(Service.schedules),
                selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.location),
                selectinload(Service.service_at_locations).selectinload(ServiceAtLocation.schedules))


def search(query: DirectoryQuery, *, page: int = 1, per_page: int | None = None, options=LIST_OPTIONS) -> Page:
    """A page of matching services: one COUNT, one page of rows and a fixed number of selectin
    loads for their children (app.pagination); beyond the end gives the last page."""
    return paginate(matching(query).options(*options), page=page, per_page=per_page or PER_PAGE)
