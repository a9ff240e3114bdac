"""Loading a person's support record in a fixed number of queries, whatever its size."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload, undefer

from app.extensions import db
from app.models import Contact, Episode, Goal, HomeVisit, OnwardReferral, Person, Practice, Referral
from app.models.contact import ContactStatus
from app.models.vocab import need_areas_by_dimension


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


def load(person_id: int) -> Record:
    episodes = db.session.scalars(select(Episode).where(Episode.person_id == person_id)
                                  .order_by(Episode.opened_at.desc(), Episode.id.desc())).all()
    if not episodes:
        abort(404)
    # One row per (ticked need, ticked risk) of the referral, a handful, joined rather than read by
    # two more queries; the episode's own collections, which grow, are read side by side.
    episode = db.session.scalars(
        select(Episode).where(Episode.id == episodes[0].id).options(
            joinedload(Episode.person).options(  # the decile with the person, not a lazy query later
                undefer(Person.imd_decile), joinedload(Person.practice).joinedload(Practice.locality)),
            joinedload(Episode.officer),
            joinedload(Episode.referral).joinedload(Referral.needs),
            joinedload(Episode.referral).joinedload(Referral.risks),
            selectinload(Episode.needs),
            selectinload(Episode.goals).selectinload(Goal.actions),
            selectinload(Episode.contacts).joinedload(Contact.recorded_by),
            selectinload(Episode.home_visits).joinedload(HomeVisit.officer),
            selectinload(Episode.peer_support),
            selectinload(Episode.measures))).unique().one()
    onward = db.session.scalars(select(OnwardReferral).where(OnwardReferral.episode_id == episode.id)
                                .options(selectinload(OnwardReferral.needs))
                                .order_by(OnwardReferral.created_at.desc(), OnwardReferral.id.desc())).all()
    by_area = {need.area: need for need in episode.needs}
    grouped = [(dimension, [by_area[a.value] for a in areas if a.value in by_area])
               for dimension, areas in need_areas_by_dimension()]
    planned = sorted((c for c in episode.contacts if c.status == ContactStatus.PLANNED.value),
                     key=lambda c: (c.contact_on, c.at_time or time(0)))
    held = [c for c in episode.contacts if c.status != ContactStatus.PLANNED.value]
    open_visit = next((v for v in episode.home_visits if v.checked_out_at is None), None)
    return Record(person=episode.person, episode=episode, episodes=list(episodes), onward=list(onward),
                  needs_by_dimension=grouped, planned=planned, held=held, open_visit=open_visit)

