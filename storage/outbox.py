"""The email outbox: a digest's message is queued in the same transaction that records the digest,
then delivered; what cannot be sent now is sent with the next digest, exactly once.

Delivery (`deliver_pending`) tries every queued message, oldest first, and commits after each one,
so a crash after sending one message never sends it again. Failures stay queued with `attempts`
and `last_error`; the same MIME (and Message-ID) is retried later.

Exactly once, and its limit: SMTP gives no two-phase commit. Between the server's "250 accepted"
for DATA and our commit of status "sent" there is a window of a few milliseconds; a crash exactly
there leaves the message queued and it is sent again next time, with the same Message-ID (which
many mail stores use to drop the copy). Marking "sent" before sending would instead risk losing a
digest, which is worse for a monitor whose point is that nothing is missed.

Two deliveries never run at once: a lease row ("outbox") is taken for the duration, renewed
before each message; a second caller finds it held and returns at once, leaving the messages to
the holder. A crashed holder's lease expires after LEASE_TTL.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agglowatch.config import EmailSettings
from agglowatch.errors import DeliveryError
from storage.db import transaction
from storage.digest_store import as_utc
from storage.models import Lease, OutboxMessage

LEASE_NAME = "outbox"
LEASE_TTL = dt.timedelta(minutes=15)

Clock = Callable[[], dt.datetime]
# Sends one MIME message (bytes, envelope sender, recipients); returns the recipients the server
# refused (address -> reason), empty when all accepted; raises DeliveryError when none accepted it.
SenderFn = Callable[[bytes, str, Sequence[str]], Mapping[str, str]]


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    message_id: str
    digest_id: str
    status: str  # "sent" | "queued"
    attempts: int
    error: str | None  # why it is still queued, or which recipients refused a sent message


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def enqueue(
    session: Session, digest_id: str, message: EmailMessage, *, now: dt.datetime | None = None
) -> OutboxMessage:
    """Queue `message` (it must have To and Message-ID); flushed, committed by the caller."""
    message_id = message["Message-ID"]
    if not message_id:
        raise DeliveryError("a queued email needs a Message-ID")
    fields = [str(v) for name in ("To", "Cc", "Bcc") for v in message.get_all(name, [])]
    recipients = [address for _, address in getaddresses(fields) if address]
    if not recipients:
        raise DeliveryError("a queued email needs at least one recipient")
    row = OutboxMessage(
        digest_id=digest_id,
        message_id=str(message_id),
        recipients=recipients,
        subject=str(message["Subject"] or ""),
        mime=message.as_bytes(policy=policy.SMTP),
        status="queued",
        attempts=0,
        created_at=as_utc(now or utc_now()),
    )
    session.add(row)
    session.flush()
    return row


def deliver_pending(
    session_factory: sessionmaker[Session],
    settings: EmailSettings,
    sender_fn: SenderFn,
    *,
    clock: Clock = utc_now,
) -> list[DeliveryResult]:
    """Try every queued message, oldest first; one commit per message. [] if another delivers."""
    holder = uuid.uuid4().hex
    if not _hold_lease(session_factory, holder, clock()):
        return []
    try:
        with session_factory() as session:
            ids = session.scalars(
                select(OutboxMessage.id)
                .where(OutboxMessage.status == "queued")
                .order_by(OutboxMessage.created_at, OutboxMessage.id)
            ).all()
        results = []
        for message_id in ids:
            if not _hold_lease(session_factory, holder, clock()):
                break
            result = _deliver_one(session_factory, message_id, settings, sender_fn, clock)
            if result is not None:
                results.append(result)
        return results
    finally:
        _release_lease(session_factory, holder)


def _deliver_one(
    session_factory: sessionmaker[Session],
    row_id: int,
    settings: EmailSettings,
    sender_fn: SenderFn,
    clock: Clock,
) -> DeliveryResult | None:
    with session_factory() as session:
        row = session.get(OutboxMessage, row_id)
        if row is None or row.status != "queued":
            return None
        mime, recipients = row.mime, list(row.recipients)
    try:
        refused = sender_fn(mime, settings.sender, recipients)
        status = "sent"
        error = "; ".join(f"{a} refused: {r}" for a, r in refused.items()) or None
    except DeliveryError as exc:
        status, error = "queued", str(exc)
    with transaction(session_factory) as session:
        row = session.get(OutboxMessage, row_id)
        if row is None:
            return None
        row.attempts += 1
        row.last_error = error
        if status == "sent":
            row.status, row.sent_at = "sent", as_utc(clock())
        return DeliveryResult(row.message_id, row.digest_id, row.status, row.attempts, error)


def digest_email_status(session: Session, digest_id: str) -> str | None:
    """ "sent" when every message of the digest went out, "queued" when one waits, None if none."""
    statuses = set(
        session.scalars(select(OutboxMessage.status).where(OutboxMessage.digest_id == digest_id))
    )
    if not statuses:
        return None
    return "sent" if statuses == {"sent"} else "queued"


def _hold_lease(session_factory: sessionmaker[Session], holder: str, now: dt.datetime) -> bool:
    """Take or renew the outbox lease; False when someone else holds a live one."""
    now = as_utc(now)
    try:
        with transaction(session_factory) as session:
            lease = session.get(Lease, LEASE_NAME, with_for_update=True)
            if lease is None:
                session.add(Lease(name=LEASE_NAME, holder=holder, expires_at=now + LEASE_TTL))
            elif lease.holder == holder or as_utc(lease.expires_at) <= now:
                lease.holder, lease.expires_at = holder, now + LEASE_TTL
            else:
                return False
    except SQLAlchemyError:  # a concurrent taker won the insert or the write lock
        return False
    return True


def _release_lease(session_factory: sessionmaker[Session], holder: str) -> None:
    try:
        with transaction(session_factory) as session:
            lease = session.get(Lease, LEASE_NAME)
            if lease is not None and lease.holder == holder:
                session.delete(lease)
    except SQLAlchemyError:
        pass  # it expires on its own
