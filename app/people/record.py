"""Loading a person's support record in a fixed number of queries, whatever its size: one for the
person's episodes (and which parts of the record there are), then one for each part there is."""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import time
from typing import Any

from flask import abort
from sqlalchemy import Integer, bindparam, exists, select
from sqlalchemy.orm import joinedload, selectinload, undefer
from sqlalchemy.orm.attributes import set_committed_value

from app.extensions import db
from app.models import (Contact, Episode, Goal, HomeVisit, Need, OnwardReferral, PeerSupport, Person, Practice,
                        Referral, WellbeingMeasure)
from app.models.contact import ContactStatus
from app.models.vocab import need_areas_by_dimension
from app.services import risk_summary


def current_episode_or_404(person_id: int) -> Episode:
    """The person's latest episode (open, or the last one discharged)."""
    episode = db.session.scalar(select(Episode).where(Episode.person_id == person_id)
                                .order_by(Episode.opened_at.desc(), Episode.id.desc()).limit(1))
    return episode or abort(404)


def child_or_404(model, ident: int, person_id: int):
    """A need, goal, contact, visit... of this person's current episode, else 404."""
    item = db.session.get(model, ident)
    episode = current_episode_or_404(person_id)
    if item is None or getattr(item, "episode_id", None) != episode.id:
        abort(404)
    return item


@dataclass
class Record:
    person: Person
    episode: Episode
    episodes: list[Episode]
    onward: list[OnwardReferral]
    needs_by_dimension: list = field(default_factory=list)
    planned: list[Contact] = field(default_factory=list)
    held: list[Contact] = field(default_factory=list)
    open_visit: HomeVisit | None = None
    risks_held: Any = None  # a row of risk_summary.held_columns(): which parts of the risk record there are


#: The episode's own collections, each read by a query of its own only when the episode has any:
#: an ORM query costs about a millisecond of Python even when it finds nothing, and a new record,
#: or one early in its support, has no goals, visits, measures... yet.
_PARTS = {"needs": Need, "goals": Goal, "contacts": Contact, "home_visits": HomeVisit,
          "peer_support": PeerSupport, "measures": WellbeingMeasure, "onward": OnwardReferral}


# Statements are immutable, so each is built once, when first asked for (the collections are
# backrefs, there once the mappers are configured): building a statement with its options costs
# more than running it.
@functools.cache
def _episodes_statement():
    """The person's episodes, latest first, each with what the page shows with it, which of its
    collections it has any of, and which parts of the person's risk record there are. One row per
    (ticked need, ticked risk) of each episode's referral, a handful, joined rather than read by
    more queries (`unique()` folds them)."""
    return (select(Episode, *[exists().where(model.episode_id == Episode.id).label(name)
                              for name, model in _PARTS.items()], *risk_summary.held_columns(Episode.person_id))
            .where(Episode.person_id == bindparam("person_id", type_=Integer))
            .order_by(Episode.opened_at.desc(), Episode.id.desc())
            .options(joinedload(Episode.person).options(  # the decile with the person, not a lazy query later
                         undefer(Person.imd_decile), joinedload(Person.practice).joinedload(Practice.locality)),
                     joinedload(Episode.officer),
                     joinedload(Episode.referral).joinedload(Referral.needs),
                     joinedload(Episode.referral).joinedload(Referral.risks)))


@functools.cache
def _collection_statements() -> dict:
    """The current episode's collections (`episode_id`), each in its relationship's own order."""
    loads = {"goals": [selectinload(Goal.actions)], "contacts": [joinedload(Contact.recorded_by)],
             "home_visits": [joinedload(HomeVisit.officer)]}
    statements = {}
    for name, model in _PARTS.items():
        if name == "onward":
            continue
        order = getattr(Episode, name).property.order_by or ()
        statements[name] = (select(model).where(model.episode_id == bindparam("episode_id", type_=Integer))
                            .order_by(*order).options(*loads.get(name, ())))
    return statements


@functools.cache
def _onward_statement():
    return (select(OnwardReferral).where(OnwardReferral.episode_id == bindparam("episode_id", type_=Integer))
            .options(joinedload(OnwardReferral.needs))  # a need or two each: joined, not read apart
            .order_by(OnwardReferral.created_at.desc(), OnwardReferral.id.desc()))


def load(person_id: int) -> Record:
    rows = db.session.execute(_episodes_statement(), {"person_id": person_id}).unique().all()
    if not rows:
        abort(404)
    episode = rows[0].Episode
    held = {name for name in _PARTS if getattr(rows[0], name)}
    for name, statement in _collection_statements().items():
        items = db.session.scalars(statement, {"episode_id": episode.id}).all() if name in held else []
        set_committed_value(episode, name, items)
    onward = (db.session.scalars(_onward_statement(), {"episode_id": episode.id}).unique().all()
              if "onward" in held else [])
    by_area = {need.area: need for need in episode.needs}
    grouped = [(dimension, [by_area[a.value] for a in areas if a.value in by_area])
               for dimension, areas in need_areas_by_dimension()]
    planned = sorted((c for c in episode.contacts if c.status == ContactStatus.PLANNED.value),
                     key=lambda c: (c.contact_on, c.at_time or time(0)))
    held_contacts = [c for c in episode.contacts if c.status != ContactStatus.PLANNED.value]
    open_visit = next((v for v in episode.home_visits if v.checked_out_at is None), None)
    return Record(person=episode.person, episode=episode, episodes=[row.Episode for row in rows],
                  onward=onward, needs_by_dimension=grouped, planned=planned, held=held_contacts,
                  open_visit=open_visit, risks_held=rows[0])
