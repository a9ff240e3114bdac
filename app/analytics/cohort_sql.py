"""The dashboard's people in one query: each person's first episode and everything about it
that the figures use, one row per person.

Written so the database can hash-join whole tables once (first episodes, the first need ticked
on each referral, held contacts and first peer support per episode, the activity window sums)
rather than run a small lookup per person; at 50,000 people that is the difference between a
fifth of a second and several seconds.
"""
from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.dialects.postgresql import distinct_on

from app.analytics.dates_sql import is_postgres
from app.analytics.filters import Filters
from app.extensions import db
from app.models import (Contact, Episode, Locality, PeerSupport, Person, Practice, Referral, ReferralNeed,
                        activity_window)
from app.models.activity_window import POST_COLUMNS, PRE_COLUMNS
from app.models.base import utc_of_uk

COHORT_COLUMNS = ["episode_id", "person_id", "received_at", "first_contact_on", "discharged_on", "practice_code",
                  "locality", "primary_need", "date_of_birth", "contacts", "peer_support_date",
                  "volunteering_date"]
WINDOW_COLUMNS = ["window_anchor", *PRE_COLUMNS, *POST_COLUMNS]


def first_rows(columns: list, *, partition, order: tuple, name: str):
    """A subquery of the first row per ``partition`` in ``order``.

    PostgreSQL gets DISTINCT ON, which its planner can estimate (about one row per partition)
    — a row_number() = 1 filter is estimated at a few hundred rows whatever the table size,
    which leads it into nested loops that take seconds.  SQLite has no DISTINCT ON, so it
    gets the row_number() form.
    """
    if is_postgres(db.session):
        return select(*columns).ext(distinct_on(partition)).order_by(partition, *order).subquery(name)
    rank = func.row_number().over(partition_by=partition, order_by=order).label("rank")
    ranked = select(*columns, rank).subquery(f"ranked_{name}")
    return select(*[c for c in ranked.c if c.name != "rank"]).where(ranked.c.rank == 1).subquery(name)


def first_episodes():
    """Each person's first accepted episode: the earliest opened (ties by id)."""
    return first_rows([Episode.id.label("episode_id"), Episode.person_id, Episode.referral_id,
                       Episode.first_contact_on, Episode.discharged_on, Episode.officer_id],
                      partition=Episode.person_id, order=(Episode.opened_at, Episode.id), name="first_episode")


def apply_filters(query, filters: Filters):
    """Restrict a query that already joins Referral, Practice and Locality."""
    if filters.start is not None:
        query = query.where(Referral.received_at >= utc_of_uk(filters.start))  # from the UK day's start
    if filters.end is not None:
        query = query.where(Referral.received_at < utc_of_uk(filters.end))
    if filters.locality:
        query = query.where(Locality.name == filters.locality)
    if filters.practice:
        query = query.where(Practice.ods_code == filters.practice)
    return query


def _first_needs():
    """The need ticked first on each referral."""
    return first_rows([ReferralNeed.referral_id, ReferralNeed.area], partition=ReferralNeed.referral_id,
                      order=(ReferralNeed.id,), name="first_need")


def _held_contacts():
    return (select(Contact.episode_id, func.count(Contact.id).label("held"))
            .where(Contact.status == "held").group_by(Contact.episode_id).subquery("held"))


def _first_peer_support():
    def first(kind: str):
        return func.min(case((PeerSupport.kind == kind, PeerSupport.started_on)))

    return (select(PeerSupport.episode_id, first("peer_activity").label("peer"),
                   first("volunteering").label("volunteering"))
            .group_by(PeerSupport.episode_id).subquery("peer"))


def cohort_query(filters: Filters, *, with_windows: bool = False):
    """The filtered people: first episode, its referral, practice, locality, first need, date
    of birth (for the age band only), held contacts and first peer support; with
    ``with_windows`` also the stored activity window sums (NULL when a person has none yet)."""
    first, need, held, peer = first_episodes(), _first_needs(), _held_contacts(), _first_peer_support()
    columns = [first.c.episode_id, first.c.person_id, Referral.received_at, first.c.first_contact_on,
               first.c.discharged_on, Practice.ods_code, Locality.name, need.c.area, Person.date_of_birth,
               func.coalesce(held.c.held, 0), peer.c.peer, peer.c.volunteering]
    if with_windows:
        columns += [activity_window.c.anchor_day, *[activity_window.c[name] for name in WINDOW_COLUMNS[1:]]]
    query = (select(*columns)
             .join(Referral, Referral.id == first.c.referral_id)
             .join(Person, Person.id == first.c.person_id)
             .join(Practice, Practice.id == Referral.practice_id)
             .join(Locality, Locality.id == Practice.locality_id)
             .outerjoin(need, need.c.referral_id == Referral.id)
             .outerjoin(held, held.c.episode_id == first.c.episode_id)
             .outerjoin(peer, peer.c.episode_id == first.c.episode_id))
    if with_windows:
        query = query.outerjoin(activity_window, activity_window.c.person_id == first.c.person_id)
    return apply_filters(query, filters).order_by(first.c.person_id)


def cohort_episodes(filters: Filters):
    """The filtered people's episode and person ids, as a subquery to join on."""
    first = first_episodes()
    query = (select(first.c.episode_id, first.c.person_id, Referral.received_at, first.c.first_contact_on,
                    first.c.discharged_on)
             .join(Referral, Referral.id == first.c.referral_id)
             .join(Practice, Practice.id == Referral.practice_id)
             .join(Locality, Locality.id == Practice.locality_id))
    return apply_filters(query, filters).subquery("people")
