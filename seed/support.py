"""Demo support: what followed each allocation (see seed/MODEL.md).

For every episode from seed/referrals.py (its transient `demo_stage` says how far it got) this adds,
through the same services an officer uses: the first contact (usually a checked-in home visit),
needs from the referral and needs found at home, goals with actions, a contact every week or two
with the next one planned, onward support (over 70% to the voluntary and community sector, as in
Integrated Plus), peer support and volunteering, ONS4 and UCLA loneliness at baseline, review and
discharge with a plausible improvement, and discharges. Exactly one home visit is left checked in
and overdue, so the manager's panel has something to show. The services stamp "today"; the dates
they cannot take as arguments are moved back afterwards, as seed/referrals.py does. The contacts
every week or two after the plan is agreed, most of the rows, are drawn first and written in bulk,
as the services would leave them (seed/support_contacts.py; tests/test_support_bulk.py); so are the
needs after the first (which agrees the plan) and their moves, the goals, the wellbeing measures and
the onward support (seed/support_needs.py, support_goals.py, support_measures.py, support_onward.py).

Loading twice changes nothing: an episode that already has contacts or needs is skipped.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Contact, Need, ReferralEvent
from app.models.base import uk_today, utcnow
from app.models.vocab import VOLUNTARY_AND_COMMUNITY, Sector
from app.services import contacts, discharge, goals, peer, visits
from seed import risk_statements
from seed import support_contacts as contact_run, support_goals as goal_run, support_measures as measure_run
from seed import support_needs as need_run, support_onward as onward_run, support_plan as plan
from seed.working_days import working_day

# The run of contacts after the plan, the needs after the first, the goals, the wellbeing measures
# and the onward support are written in bulk (False: through the services, as the equality test
# in tests/test_support_bulk.py compares).
BULK = True
# When a discharged person's "no known risks" is dated, on the day of their first contact.
FIRST_VISIT_CLOCK = time(10, 30)


def load(*, rng, fake, world: dict, people: int, summary) -> None:
    # Everything the referrals part moved back in time past the ORM is read afresh once; then the
    # objects are kept across this part's thousands of service commits instead of being reloaded
    # after each (what they hold is what this part wrote: the same data, a third fewer queries).
    db.session.expire_all()
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        _load(rng=rng, fake=fake, world=world, summary=summary)
    finally:
        session.expire_on_commit = expiring
        db.session.expire_all()


def _load(*, rng, fake, world: dict, summary) -> None:
    if "episodes" not in world:  # seed/referrals.py did not run: make a few of our own
        world["episodes"] = plan.fallback_episodes(rng=rng, fake=fake, world=world)
    episodes = [e for e in world["episodes"] if e.officer_id is not None]
    organisations = plan.organisations(world.get("services"))
    today = uk_today()
    counts = {"episodes": 0, "needs": 0, "onward": 0, "vcs": 0, "peer_activity": 0, "volunteering": 0,
              "discharged": 0, "none_known": 0}
    for episode in episodes:
        if _already_filled(episode):
            continue
        stage = getattr(episode, "demo_stage", "in_support")
        officer = episode.officer
        start = max(episode.allocated_at.date(), episode.opened_at.date())
        if stage == "allocated" or start >= today:
            continue
        counts["episodes"] += 1
        # At least the day after the allocation: a Saturday moved back to Friday could have been the
        # allocation's own day, its first contact dated 17:00 before an allocation at 17:03.
        first = working_day(min(today, start + timedelta(days=rng.choice([1, 2, 3, 4, 6, 8, 11]))),
                            start + timedelta(days=1), today)
        episode.officer_seen_at = datetime.combine(start, time(9))
        _first_visit(rng, officer, episode, first)
        if stage == "first_contact":
            _plan_next(rng, officer, episode, today)
            continue
        areas = plan.assessed_needs(rng, episode.referral.need_areas)
        drawn = [(area, rng.choice(["low", "medium", "medium", "high"]), plan.need_note(rng, area)) for area in areas]
        made = need_run.add(officer, episode, drawn, first, bulk=BULK)
        counts["needs"] += len(made)
        goals.set_what_matters(by=officer, episode=episode, text=rng.choice(plan.WHAT_MATTERS), version=episode.version)
        goal_run.add(officer, episode, [
            goal_run.Drawn(plan.goal_for(need.area), need.area, first, review_on=first + timedelta(days=28),
                           action=plan.action_for(need.area),
                           action_by=rng.choice(["The person", "Link officer", "The person, with their daughter"]),
                           action_due=first + timedelta(days=14))
            for need in made[:rng.choice([1, 2, 2, 3])]], bulk=BULK)
        _baseline(rng, officer, episode, first)
        end = today if stage != "discharged" else working_day(
            min(today, first + timedelta(days=rng.randint(40, 150))), first, today)
        last = _contacts_until(rng, officer, episode, first, end)
        need_run.move(officer, episode, [(need, "being_addressed", min(end, first + timedelta(days=rng.randint(3, 20))))
                                         for need in made], bulk=BULK)
        counts["onward"], counts["vcs"] = _onward(rng, officer, episode, made, organisations, first, end,
                                                  counts["onward"], counts["vcs"])
        kind = _peer(rng, officer, episode, first, end)
        if kind:
            counts[kind] += 1
        if stage == "discharged":
            _close_needs(rng, officer, episode, made, end)
            if not risk_statements.has_risk_in_force(episode.person_id):  # asked by the end, no draw
                risk_statements.state_none_known(episode, FIRST_VISIT_CLOCK, utcnow())
                counts["none_known"] += 1
            _measure(rng, officer, episode, "discharge", end, improvement=rng.uniform(0.3, 1.0))
            reason = rng.choices(plan.DISCHARGE_REASONS, weights=plan.DISCHARGE_WEIGHTS)[0]
            discharge.discharge(by=officer, episode=episode, reason=reason, on=end, version=episode.version,
                                summary=plan.summary_for(rng, episode, reason))
            counts["discharged"] += 1
        else:
            if (end - first).days > 60:
                _measure(rng, officer, episode, "review", last, improvement=rng.uniform(0.0, 0.7))
            if rng.random() < 0.85:
                _plan_next(rng, officer, episode, today)
        _backdate_events(episode)
    _one_overdue_visit(rng, episodes)
    db.session.commit()
    share = counts["vcs"] / counts["onward"] if counts["onward"] else 0
    summary.extra.append(
        f"Support for {counts['episodes']} people: {counts['needs']} needs, {counts['onward']} onward referrals "
        f"({share:.0%} to the voluntary and community sector), {counts['peer_activity']} into peer-led activities, "
        f"{counts['volunteering']} into volunteering, {counts['discharged']} discharged ({counts['none_known']} with no "
        "known risks, recorded at their first contact); one home visit overdue.")


def _already_filled(episode) -> bool:
    return bool(db.session.scalar(select(func.count(Contact.id)).where(Contact.episode_id == episode.id))
                or db.session.scalar(select(func.count(Need.id)).where(Need.episode_id == episode.id)))


def _first_visit(rng, officer, episode, day: date) -> None:
    """Most first contacts are a home visit, checked in and out; some start with a phone call."""
    if rng.random() < 0.2:
        contacts.record(by=officer, episode=episode, kind="phone", status="held", on=day,
                        duration_minutes=rng.randint(10, 30), notes="Introduced the service; agreed to a home visit.")
        return
    first = contact_run.visit(rng, day, "First visit: talked through the referral and what matters.", utcnow())
    contact_run.visit_through_services(officer, episode, first)


def _contacts_until(rng, officer, episode, first: date, end: date) -> date:
    """The contacts every week or two until `end` (seed/support_contacts.py); the last one's day."""
    run, last = contact_run.draw(rng, first, end, utcnow())
    (contact_run.write if BULK else contact_run.write_through_services)(officer, episode, run)
    return last


def _plan_next(rng, officer, episode, today: date) -> None:
    """The next contact, in the next fortnight, on a weekday (one drawn on a weekend moves to the
    Monday after: the same draws, so the rest of the demo is unchanged)."""
    drawn = today + timedelta(days=rng.randint(0, 14))
    on = working_day(drawn, drawn, drawn + timedelta(days=2))
    contacts.record(by=officer, episode=episode, kind=rng.choice(["home_visit", "phone", "community_venue"]),
                    status="planned", on=on, at_time=time(rng.choice([9, 10, 11, 14, 15]), 0))


def _scores(rng, instrument: str, improvement: float, base: dict | None = None) -> dict:
    if instrument == "ons4":
        if base is None:
            return {"life_satisfaction": rng.randint(2, 6), "worthwhile": rng.randint(3, 6),
                    "happiness": rng.randint(2, 6), "anxiety": rng.randint(5, 9)}
        lift = lambda v: max(0, min(10, v + round(improvement * rng.randint(1, 4))))  # noqa: E731
        return {"life_satisfaction": lift(base["life_satisfaction"]), "worthwhile": lift(base["worthwhile"]),
                "happiness": lift(base["happiness"]),
                "anxiety": max(0, min(10, base["anxiety"] - round(improvement * rng.randint(1, 4))))}
    if base is None:
        return {"ucla_companionship": rng.randint(2, 3), "ucla_left_out": rng.randint(2, 3),
                "ucla_isolated": rng.randint(2, 3)}
    return {item: max(1, value - (1 if rng.random() < improvement else 0)) for item, value in base.items()}


def _baseline(rng, officer, episode, day: date) -> None:
    drawn = [(instrument, _scores(rng, instrument, 0)) for instrument in ("ons4", "ucla3")]
    measure_run.record(officer, episode, "baseline", day, drawn, bulk=BULK)


def _measure(rng, officer, episode, stage: str, day: date, improvement: float) -> None:
    drawn = []
    for instrument in ("ons4", "ucla3"):
        base = next(m for m in episode.measures if m.instrument == instrument and m.stage == "baseline")
        items = {k: v for k, v in base.scores().items() if k != "ucla_total"}
        drawn.append((instrument, _scores(rng, instrument, improvement, items)))
    measure_run.record(officer, episode, stage, day, drawn, bulk=BULK)


def _onward(rng, officer, episode, made, organisations, first, end, total, vcs):
    drawn = onward_run.draw(rng, organisations, made, first, end)
    onward_run.write(officer, episode, drawn, bulk=BULK)
    return (total + len(drawn),
            vcs + sum(Sector(item.organisation["sector"]) in VOLUNTARY_AND_COMMUNITY for item in drawn))


def _peer(rng, officer, episode, first: date, end: date) -> str | None:
    roll = rng.random()
    if roll > 0.45:
        return None
    kind = "volunteering" if roll < 0.1 else "peer_activity"
    where = rng.choice(plan.VOLUNTEERING if kind == "volunteering" else plan.PEER_ACTIVITIES)
    peer.record(by=officer, episode=episode, kind=kind, where=where,
                started_on=min(end, first + timedelta(days=rng.randint(14, 60))))
    return kind


def _close_needs(rng, officer, episode, made, end: date) -> None:
    ends = [(need, rng.choices(["met", "declined", "being_addressed"], weights=[7, 2, 1])[0], end) for need in made]
    need_run.move(officer, episode, [move for move in ends if move[1] != "being_addressed"], bulk=BULK)


def event_moment(day: date, now: datetime) -> datetime:
    """When a status move of `day` is dated: at the end of that working day (17:00), or now if that is
    still to come (a discharge recorded this morning must not read '17:00')."""
    return min(datetime.combine(day, time(17, 0)), now)


def _backdate_events(episode) -> None:
    """The status moves the services made 'now' happened on the days of the work."""
    now = utcnow()
    dates = {"first_contact": episode.first_contact_on,
             "in_support": episode.first_contact_on, "discharged": episode.discharged_on}
    events = db.session.scalars(select(ReferralEvent).where(ReferralEvent.referral_id == episode.referral_id,
                                                            ReferralEvent.to_status.in_(list(dates)))).all()
    for event in events:
        if dates[event.to_status]:
            event.at = event_moment(dates[event.to_status], now)
    db.session.commit()


def _one_overdue_visit(rng, episodes) -> None:
    """Exactly one officer still checked in, 40 minutes past the expected end."""
    from app.models import HomeVisit

    if db.session.scalar(select(func.count(HomeVisit.id)).where(HomeVisit.checked_out_at.is_(None))):
        return
    open_ones = [e for e in episodes if e.is_open and e.officer_id is not None and e.first_contact_on]
    if not open_ones:
        return
    episode = rng.choice(open_ones)
    now = utcnow()
    visits.check_in(by=episode.officer, episode=episode, expected_end_at=now - timedelta(minutes=40),
                    now=now - timedelta(minutes=100), note="Mobile 07700 900123")
