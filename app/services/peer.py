"""Peer support and volunteering: connecting people with each other is an outcome in itself."""
from __future__ import annotations

from datetime import date

from app.extensions import db
from app.models import Episode, PeerSupport, User
from app.models.base import uk_today
from app.models.support import PeerKind
from app.services import casework
from app.services.errors import RuleBroken
from app.services.locking import check_version


def _checked(kind: str, started_on: date, where: str) -> PeerKind:
    try:
        kind_ = PeerKind(kind)
    except ValueError:
        raise RuleBroken("Choose a peer-led activity or volunteering", field="kind")
    if not where.strip():
        raise RuleBroken("Say where: the group, organisation or venue", field="where")
    if started_on > uk_today():
        raise RuleBroken("The start date cannot be in the future", field="started_on")
    return kind_


def record(*, by: User, episode: Episode, kind: str, started_on: date, where: str, notes: str = "",
           service_id: str | None = None) -> PeerSupport:
    """Record the date the person joined a peer-led activity or started volunteering, and where."""
    casework.require_open(episode)
    kind_ = _checked(kind, started_on, where)
    item = PeerSupport(episode=episode, kind=kind_.value, started_on=started_on, where=where.strip()[:200],
                       notes=notes.strip(), service_id=service_id or None, created_by_id=by.id if by else None)
    db.session.add(item)
    db.session.flush()
    casework.record(by=by, episode=episode, action="peer.create", detail=f"{kind_.value} at {item.where}")
    db.session.commit()
    return item


def correct(*, by: User, item: PeerSupport, kind: str, started_on: date, where: str, notes: str,
            version) -> PeerSupport:
    """Correct what was recorded (a wrong date, a misspelt group); refused from an out-of-date page."""
    casework.require_open(item.episode)
    check_version(item, version, what="this peer support entry")
    kind_ = _checked(kind, started_on, where)
    was = f"{item.kind} at {item.where} from {item.started_on:%Y-%m-%d}"
    item.kind, item.started_on, item.where, item.notes = kind_.value, started_on, where.strip()[:200], notes.strip()
    casework.record(by=by, episode=item.episode, action="peer.update",
                    detail=f"peer support {item.id}: was {was}")
    db.session.commit()
    return item
