"""The manager's decisions on a referral: accept, decline, ask for more, allocate."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only, selectinload

from app.extensions import db
from app.models import Episode, Person, Referral, User
from app.models.base import utcnow
from app.models.outbox import OutboxEvent
from app.models.referral import IN_TRIAGE, WAITING_FOR_DECISION, ReferralStatus
from app.pagination import Page, paginate
from app.security import Role
from app.services import audit, outbox, referral_status
from app.services.errors import RuleBroken
from app.services.locking import check_version
from app.services.risks import copy_from_referral


def _person_from(referral: Referral) -> Person:
    """One person per NHS number: a returning person is found and their details refreshed."""
    person = db.session.scalar(select(Person).where(Person.nhs_number == referral.nhs_number))
    if person is None:
        person = Person(nhs_number=referral.nhs_number)
    for name in ("given_name", "family_name", "date_of_birth", "address", "postcode", "phone",
                 "contact_method", "contact_times", "accessibility_needs", "practice_id"):
        setattr(person, name, getattr(referral, name))
    person.take_stated_equality_from(referral)  # what the referral leaves out keeps what we hold
    db.session.add(person)
    return person


def accept(*, by: User, referral: Referral, version, officer: User | None = None) -> Episode:
    """Accept: create (or re-open, for a returning person) the person and a new support episode;
    allocate at once when an officer is chosen."""
    check_version(referral, version, what="this referral")
    if db.session.scalar(select(Episode).join(Person).where(Person.nhs_number == referral.nhs_number,
                                                            Episode.discharged_on.is_(None))):
        raise RuleBroken("This person already has an open support episode; decline this referral as a duplicate")
    person = _person_from(referral)
    referral.person = person
    episode = Episode(person=person, referral=referral)
    db.session.add(episode)
    referral_status.move(by=by, referral=referral, to=ReferralStatus.ACCEPTED,
                         note="Accepted by the link service")
    db.session.flush()
    audit.record(by=by, action="episode.open", subject_type="person", subject_id=person.id,
                 detail=f"episode {episode.id} from referral {referral.id}")
    copy_from_referral(by=by, person=person, referral=referral)  # its ticked risks start the risk record
    if officer is not None:
        _allocate(by=by, referral=referral, episode=episode, officer=officer)
    outbox.add(referral=referral, event_=OutboxEvent.ACCEPTED)  # a message back, if it came by API
    db.session.commit()
    return episode


def decline(*, by: User, referral: Referral, version, reason: str) -> None:
    check_version(referral, version, what="this referral")
    if not reason.strip():
        raise RuleBroken("Give the reason for declining; the practice will see it", field="reason")
    referral.decline_reason = reason.strip()
    referral_status.move(by=by, referral=referral, to=ReferralStatus.DECLINED, note=reason.strip())
    outbox.add(referral=referral, event_=OutboxEvent.DECLINED_BY_SERVICE)
    db.session.commit()


def request_information(*, by: User, referral: Referral, version, question: str) -> None:
    check_version(referral, version, what="this referral")
    if not question.strip():
        raise RuleBroken("Write the question for the practice", field="question")
    referral.info_question = question.strip()
    referral.info_answer = None
    referral_status.move(by=by, referral=referral, to=ReferralStatus.MORE_INFO_REQUESTED, note=question.strip())
    db.session.commit()


def _allocate(*, by: User, referral: Referral, episode: Episode, officer: User) -> None:
    if officer.role != Role.LINK_OFFICER or not officer.active:
        raise RuleBroken("Choose an active link officer", field="officer_id")
    previous = episode.officer
    if previous is not None and previous.id == officer.id:
        raise RuleBroken(f"{officer.name} already has this person", field="officer_id")
    episode.officer = officer
    episode.allocated_at = utcnow()
    episode.officer_seen_at = None  # "new" at the top of the officer's caseload
    note = (f"Re-allocated from {previous.name} to {officer.name}" if previous else f"Allocated to {officer.name}")
    target = ReferralStatus.ALLOCATED if referral.status_enum in (ReferralStatus.ACCEPTED, ReferralStatus.ALLOCATED) \
        else referral.status_enum
    referral_status.move(by=by, referral=referral, to=target, note=note)


def allocate(*, by: User, referral: Referral, version, officer: User) -> None:
    """Allocate, or re-allocate, the person's open episode to a link officer."""
    check_version(referral, version, what="this referral")
    episode = referral.episode
    if episode is None or not episode.is_open:
        raise RuleBroken("Only an accepted referral with open support can be allocated")
    _allocate(by=by, referral=referral, episode=episode, officer=officer)
    db.session.commit()


def officers_with_caseloads() -> list[tuple[User, int]]:
    """Active link officers, with their localities, and the number of open episodes each holds,
    in one query: each officer's count reads that officer's entries of the partial index of open
    episodes alone (ix_episode_open_by_officer), not every open episode of the service."""
    open_count = (select(func.count()).select_from(Episode)
                  .where(Episode.officer_id == User.id, Episode.discharged_on.is_(None))
                  .correlate(User).scalar_subquery())
    rows = db.session.execute(
        select(User, open_count)
        .where(User.role == Role.LINK_OFFICER.value, User.active.is_(True))
        .options(joinedload(User.locality))
        .order_by(User.name)).all()
    return [(user, count) for user, count in rows]


QUEUE_PAGE_SIZE = 25


def queues(*, waiting_page: int, accepted_page: int, per_page: int | None = None) -> tuple[Page, Page]:
    """The triage queues, oldest first, a page of each: referrals waiting for a decision, and
    those accepted and waiting for a link officer. Both totals come from one counting query;
    each page is one query on the (status, received_at, id) index, joined to the practices (one
    each), plus one selectin load of the needs."""
    per_page = per_page or QUEUE_PAGE_SIZE
    waiting_statuses = [s.value for s in WAITING_FOR_DECISION]
    accepted = ReferralStatus.ACCEPTED.value
    is_waiting = Referral.status.in_(waiting_statuses)
    counts = db.session.execute(
        select(func.count(Referral.id).filter(is_waiting), func.count(Referral.id).filter(Referral.status == accepted))
        .where(Referral.status.in_([s.value for s in IN_TRIAGE]))).one()
    # Only the columns the queues print (a referral has about forty); anything else read later
    # loads as usual (the query-count test would see it if the page did).
    shown = load_only(Referral.id, Referral.given_name, Referral.family_name, Referral.received_at,
                      Referral.status, Referral.source, Referral.source_organisation, Referral.practice_id)
    base = (select(Referral).options(shown, joinedload(Referral.practice), selectinload(Referral.needs))
            .order_by(Referral.received_at, Referral.id))
    return (paginate(base.where(is_waiting), page=waiting_page, per_page=per_page, total=counts[0]),
            paginate(base.where(Referral.status == accepted), page=accepted_page, per_page=per_page, total=counts[1]))
