"""Demo safeguarding concerns: for about 1 in 20 people whose support has begun, their officer raised
one during it, and the service manager closed it with its outcome, except for two or three people
still in support whose concern was raised in the last three weeks and is open: the manager's list
(/safeguarding/) and those people's records have something to act on.

Raised and closed through app/services/risks.py, as an officer and the manager would (each with its
audit event). A closed concern was raised on a day between the first contact and the end of support
(or today), and closed 3 to 20 days later, never after the support ended or today.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import Episode, User
from app.models.base import uk_today
from app.models.risk import SafeguardingConcern
from app.security import Role
from app.services import risks

# (the concern, what the officer did, the outcome the manager closed it with)
CONCERNS = [
    ("Bruising on the forearm. Said it was a fall, but did not want to talk while a relative was in the room.",
     "Reported to Dudley Council adult social care the same day and told the GP practice.",
     "Adult social care visited; no further action, and the practice nurse is reviewing falls."),
    ("A neighbour has been keeping their bank card 'to do the shopping'; money is missing from the account.",
     "Reported to adult social care as possible financial abuse; helped them ring the bank to stop the card.",
     "The bank refunded most of the money; adult social care closed the enquiry with a safety plan."),
    ("The house is very cold with little food in, and medicines are not being taken since their partner died.",
     "Talked it through with the service manager; referred to adult social care with their consent and "
     "asked the practice pharmacist to review the medicines.",
     "Care needs assessment done: a morning call each day, and the medicines are now in a dosette box."),
    ("Said they have thought about ending their life since losing their job.",
     "Stayed with them and rang the crisis line together; told the GP the same day and agreed a safety plan.",
     "Seen by the GP and the crisis team; now with Dudley Talking Therapies and feels safer."),
    ("Grandchildren staying in the home seemed unsupervised and hungry during the visit.",
     "Rang Dudley children's services to share the concern and recorded what was seen.",
     "Children's services visited the family; support is in place through early help."),
    ("Hoarding blocks the stairs and the back door: a fire risk, and they could not get out.",
     "Asked West Midlands Fire Service for a safe and well visit; raised self-neglect with adult social care.",
     "Fire service fitted smoke alarms and cleared a way out; a hoarding support worker visits weekly."),
    ("A son who lives with them shouts and takes their pension each week; they seemed frightened.",
     "Reported to adult social care and the police non-emergency line with their consent.",
     "Adult social care agreed a protection plan; the son has moved out and the pension is paid directly."),
]


def load(*, rng, fake, world: dict, people: int, summary) -> None:  # the parts share one signature
    if db.session.scalar(select(func.count(SafeguardingConcern.id))):
        return  # loaded before: loading again changes nothing
    manager = db.session.scalar(select(User).where(User.role == Role.MANAGER).order_by(User.id).limit(1))
    today = uk_today()
    begun = db.session.scalars(select(Episode).where(Episode.officer_id.is_not(None),
                                                      Episode.first_contact_on.is_not(None),
                                                      Episode.first_contact_on <= today)
                               .order_by(Episode.id)).all()
    if not begun or manager is None:
        return
    count = min(len(begun), max(3, round(len(begun) / 20)))
    in_support = [episode for episode in begun if episode.discharged_on is None]
    kept_open = rng.sample(in_support, min(len(in_support), rng.randint(2, 3), count))
    still_open = {episode.id for episode in kept_open}
    others = [episode for episode in begun if episode.id not in still_open]
    chosen = kept_open + rng.sample(others, min(len(others), count - len(kept_open)))
    raised = []
    for episode in chosen:
        if episode.id in still_open:  # a concern still open was raised in the last three weeks
            raised_on = max(episode.first_contact_on, today - timedelta(days=rng.randint(1, 21)))
        else:
            until = min(episode.discharged_on or today, today)
            span = max((until - episode.first_contact_on).days, 0)
            raised_on = episode.first_contact_on + timedelta(days=rng.randint(0, span))
        raised.append((raised_on, episode))
    raised.sort(key=lambda pair: (pair[0], pair[1].id))
    open_count = 0
    texts = rng.sample(CONCERNS, len(CONCERNS))  # each told once before any is told again
    for index, (raised_on, episode) in enumerate(raised):
        concern, action, outcome = texts[index % len(texts)]
        item = risks.raise_concern(by=episode.officer, person=episode.person, raised_on=raised_on,
                                   concern=concern, action_taken=action)
        if episode.id in still_open:
            open_count += 1
            continue
        closed_on = min(raised_on + timedelta(days=rng.randint(3, 20)), episode.discharged_on or today, today)
        risks.close_concern(by=manager, concern=item, version=item.version, closed_on=closed_on,
                            outcome=outcome, action_taken=action)
    summary.extra.append(f"Safeguarding concerns: {len(raised)} raised, {open_count} still open.")
