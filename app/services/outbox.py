"""Messages back to the referring GP system, through a transactional outbox.

`add()` is called by the service that changes a referral's status, inside its transaction: the
message (the whole `servicerequest-response` Bundle, built now so it reports the change as it
was) is stored with the change or not at all. When that transaction commits, a delivery task is
queued (`app/tasks.py`), so the worker makes the first attempt within seconds. A failed attempt
is retried with exponential back-off (1, 2, 4 … minutes, at most an hour apart) by the worker's
periodic sweep, which also picks up anything left over by a restart; after `MAX_ATTEMPTS` the
message is `failed` and waits for the administrator, who can retry it (`/admin/outbox`).

Only referrals that came in through an API client with an endpoint get messages, and only while
that client is not revoked. Delivery is `POST <endpoint>/$process-message` with
`Content-Type: application/fhir+json`; any 2xx answer is delivery. Plain `http://` endpoints are
refused in production.
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ApiClient, InboundMessage, OutboxMessage, Referral, User
from app.models.base import utcnow
from app.models.outbox import OutboxEvent, OutboxStatus
from app.services import audit
from app.services.errors import RuleBroken
from app.services.locking import check_version

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 10
FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
# While one worker is delivering a message, no other picks it up (a crashed worker's claim lapses).
CLAIM = timedelta(minutes=2)
TIMEOUT_SECONDS = 10
SESSION_KEY = "outbox_to_queue"


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failed attempt: 1, 2, 4, 8 … minutes, never over an hour."""
    if attempts < 1:
        return timedelta(0)
    return min(FIRST_RETRY * (2 ** min(attempts - 1, 20)), LONGEST_WAIT)


def client_for(referral: Referral) -> tuple[ApiClient, InboundMessage] | None:
    """The API client (with an endpoint, not revoked) and message a referral came in by, if any."""
    if referral.id is None:
        return None
    row = db.session.execute(
        select(ApiClient, InboundMessage).join(InboundMessage, InboundMessage.api_client_id == ApiClient.id)
        .where(InboundMessage.referral_id == referral.id, ApiClient.endpoint.is_not(None),
               ApiClient.endpoint != "", ApiClient.revoked_at.is_(None))
        .order_by(InboundMessage.id)).first()
    return (row[0], row[1]) if row else None


def _service_name() -> str:
    return current_app.config.get("SERVICE_NAME") or "Hearthlink social prescribing service"


def _own_endpoint() -> str:
    base = (current_app.config.get("PUBLIC_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")
    return f"{base}/fhir"


def process_message_url(endpoint: str) -> str:
    return endpoint.rstrip("/") + "/$process-message"


def add(*, referral: Referral, event_: OutboxEvent) -> OutboxMessage | None:
    """Add the message for this change to the current transaction (the caller commits); None when
    the referral did not come from a client that takes messages back."""
    found = client_for(referral)
    if found is None:
        return None
    client, inbound = found
    from app.fhir.response import response_message

    summary = pdf = None
    if event_ is OutboxEvent.DISCHARGED:
        from app.services import gp_summary, summary_pdf

        summary = gp_summary.for_referral(referral)
        pdf = summary_pdf.render_pdf(summary, service_name=_service_name())
    bundle = response_message(referral, event=event_.value, answers_message_id=inbound.message_id,
                              destination=process_message_url(client.endpoint), source_endpoint=_own_endpoint(),
                              service_name=_service_name(), summary=summary, pdf=pdf)
    message = OutboxMessage(referral_id=referral.id, api_client_id=client.id, event=event_.value,
                            bundle=json.dumps(bundle), status=OutboxStatus.PENDING.value, attempts=0,
                            next_attempt_at=utcnow(), last_error="")
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault(SESSION_KEY, []).append(message.id)
    audit.record(by=None, action="outbox.add", subject_type="referral", subject_id=referral.id,
                 detail=f"message {message.id} ({event_.value}) for {client.name}")
    return message


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    """Queue delivery only once the change is committed: never a message about a rolled-back change."""
    ids = session.info.pop(SESSION_KEY, None)
    if ids:
        from app import tasks

        for message_id in ids:
            tasks.enqueue(tasks.deliver_message, message_id)


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous_transaction) -> None:
    session.info.pop(SESSION_KEY, None)


def _claim(message_id: int, now: datetime) -> bool:
    """Atomically take a due pending message for this attempt (one worker at a time)."""
    claimed = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OutboxStatus.PENDING.value,
               OutboxMessage.next_attempt_at <= now)
        .values(next_attempt_at=now + CLAIM, version=OutboxMessage.version + 1)
        .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return claimed == 1


def _post(url: str, body: bytes) -> None:
    if not url.startswith(("http://", "https://")):
        raise ValueError("the endpoint is not an http(s) address")
    if current_app.config.get("HEARTHLINK_ENV") == "production" and not url.startswith("https://"):
        raise ValueError("production sends messages back over https only")
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/fhir+json", "Accept": "application/fhir+json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310 - scheme checked above
        if not 200 <= answer.status < 300:
            raise urllib.error.HTTPError(url, answer.status, "not a 2xx answer", answer.headers, None)


def _describe(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} from the receiver"
    if isinstance(error, urllib.error.URLError):
        return f"could not connect: {error.reason}"
    return f"{type(error).__name__}: {error}"[:500]


def deliver(message_id: int) -> str:
    """One delivery attempt, if the message is pending and due; returns what happened."""
    now = utcnow()
    if not _claim(message_id, now):
        return "not due"
    message = db.session.get(OutboxMessage, message_id)
    client = message.api_client
    message.attempts += 1
    try:
        if client.revoked_at is not None or not client.endpoint:
            raise ValueError("the API client was revoked or has no endpoint")
        _post(process_message_url(client.endpoint), message.bundle.encode())
    except Exception as error:  # noqa: BLE001 - every failure is recorded and retried, never raised
        message.last_error = _describe(error)
        if message.attempts >= MAX_ATTEMPTS:
            message.status, message.next_attempt_at = OutboxStatus.FAILED.value, None
        else:
            message.next_attempt_at = utcnow() + backoff(message.attempts)
        log.warning("message back %s not delivered (attempt %s): %s", message.id, message.attempts,
                    message.last_error)
        outcome = message.status
    else:
        message.status, message.delivered_at = OutboxStatus.DELIVERED.value, utcnow()
        message.next_attempt_at, message.last_error = None, ""
        outcome = "delivered"
    audit.record(by=None, action=f"outbox.{outcome}", subject_type="referral", subject_id=message.referral_id,
                 detail=f"message {message.id}, attempt {message.attempts}")
    db.session.commit()
    return outcome


def due_ids(now: datetime | None = None, *, limit: int = 100) -> list[int]:
    now = now or utcnow()
    return list(db.session.scalars(
        select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.PENDING.value,
                                       OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def deliver_due() -> int:
    """Attempt every due pending message (the periodic sweep); returns how many were delivered."""
    return sum(deliver(message_id) == "delivered" for message_id in due_ids())


def retry(*, by: User, message: OutboxMessage, version) -> None:
    """The administrator sends a failed message again: a fresh round of attempts, starting now."""
    check_version(message, version, what="this message")
    if message.status != OutboxStatus.FAILED.value:
        raise RuleBroken("Only a failed message can be retried; a waiting one is already being retried")
    message.status, message.attempts, message.next_attempt_at = OutboxStatus.PENDING.value, 0, utcnow()
    audit.record(by=by, action="outbox.retry", subject_type="referral", subject_id=message.referral_id,
                 detail=f"message {message.id} after: {message.last_error[:200]}")
    db.session.info.setdefault(SESSION_KEY, []).append(message.id)
    db.session.commit()
