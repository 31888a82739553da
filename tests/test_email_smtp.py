"""The digest email through a real SMTP server on loopback (aiosmtpd): MIME shape, STARTTLS, SSL,
credentials, and the outbox: down -> queued, back up -> sent exactly once, 550 -> queued."""

from __future__ import annotations

import datetime as dt
import logging
from email.message import EmailMessage
from pathlib import Path
from typing import Any, cast

import pytest
from bs4 import BeautifulSoup
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from agglowatch.config import Config, EmailSettings
from agglowatch.errors import DeliveryError
from digest.email import resolve_credentials, smtp_sender
from digest.service import make_digest
from storage.db import transaction
from storage.models import Digest, Lease, OutboxMessage
from storage.outbox import deliver_pending
from tests.test_digest_support import (
    PASSWORD,
    T0,
    Recorder,
    add_doc,
    client_tls,
    free_port,
    make_config,
    make_store,
    self_signed,
    server_tls,
    smtp_server,
)

EVIL = "<script>alert(1)</script> 城市群报告"
H = dt.timedelta(hours=1)


@pytest.fixture
def factory(tmp_path: Path) -> sessionmaker[Session]:
    factory = make_store(f"sqlite:///{tmp_path / 'store.db'}")[1]
    with transaction(factory) as s:
        add_doc(
            s,
            "evil",
            T0 - H,
            title=EVIL,
            themes=[("urban-agglomeration", 0.9)],
            regions=["yangtze-river-delta"],
        )
        add_doc(s, "copy", T0 - H, duplicate_of="evil")
    return factory


def email_config(tmp_path: Path, port: int, **email: Any) -> Config:
    settings = {
        "to": ["analyst@example.org", "team@example.org"],
        "sender": "monitor@example.org",
        "host": "127.0.0.1",
        "port": port,
        "security": "none",
        "timeout": 10,
        **email,
    }
    return make_config(tmp_path, f"sqlite:///{tmp_path / 'store.db'}", email=settings)


def outbox(factory: sessionmaker[Session]) -> list[OutboxMessage]:
    with factory() as s:
        return list(s.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def test_starttls_digest_arrives_as_multipart_with_inline_chart(
    tmp_path: Path,
    factory: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    cert, key = self_signed(tmp_path)
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    handler, port = Recorder(), free_port()
    config = email_config(
        tmp_path, port, security="starttls", username="monitor", password_env="TEST_SMTP_PASSWORD"
    )
    assert config.digest.email is not None
    sender = smtp_sender(config.digest.email, ssl_context=client_tls(cert))
    caplog.set_level(logging.DEBUG)  # the password must not show up in any of our logs
    with smtp_server(
        handler,
        port,
        tls_context=server_tls(cert, key),
        require_starttls=True,
        auth_required=True,
        authenticator=handler.authenticator,
    ):
        payload = make_digest(factory, config, since=None, send=True, now=T0, sender=sender)

    assert payload["delivered"]["email"] == "sent"
    (got,) = handler.received
    assert handler.logins == [("monitor", PASSWORD)]
    assert got.envelope_from == "monitor@example.org"
    assert sorted(got.recipients) == ["analyst@example.org", "team@example.org"]
    message = got.message
    assert message["Subject"] == "Urban agglomeration monitor — 1 new (2026-01-05 – 2026-01-05)"
    assert message["To"] == "analyst@example.org, team@example.org"
    structure = [part.get_content_type() for part in message.walk()]
    assert structure == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
    ]
    text_part, html_part, image = (
        cast(EmailMessage, part) for part in list(message.walk())[1:] if not part.is_multipart()
    )
    assert cast(bytes, image.get_content()).startswith(b"\x89PNG")
    # The HTML shows the title as text and references the chart by its Content-ID.
    html = cast(str, html_part.get_content())
    soup = BeautifulSoup(html, "lxml")
    assert soup.find("script") is None and EVIL in soup.get_text()
    img = soup.find("img")
    assert img is not None and img.get("src") == "cid:" + str(image["Content-ID"]).strip("<>")
    assert "https://example.org/copy.html" in html  # the duplicate, as "also at"
    assert EVIL in cast(str, text_part.get_content())
    # Exactly the Message-ID recorded in the outbox; the password is stored and logged nowhere.
    (row,) = outbox(factory)
    assert (row.status, row.attempts, row.message_id) == ("sent", 1, message["Message-ID"])
    with factory() as s:
        stored = repr(s.get(Digest, payload["id"]).payload)  # type: ignore[union-attr]
    assert PASSWORD.encode() not in row.mime and PASSWORD not in stored
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.log")]
    assert all(PASSWORD not in m for m in ours)
    assert all(PASSWORD.encode() not in Path(f).read_bytes() for f in payload["delivered"]["files"])


def test_ssl_security_sends_over_implicit_tls(
    tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    cert, key = self_signed(tmp_path)
    handler, port = Recorder(), free_port()
    config = email_config(tmp_path, port, security="ssl")
    assert config.digest.email is not None
    sender = smtp_sender(config.digest.email, ssl_context=client_tls(cert))
    with smtp_server(handler, port, ssl_context=server_tls(cert, key)):
        payload = make_digest(factory, config, since=None, send=True, now=T0, sender=sender)
    assert payload["delivered"]["email"] == "sent"
    assert len(handler.received) == 1


def test_ssl_refuses_a_certificate_it_does_not_trust(
    tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    cert, key = self_signed(tmp_path)
    handler, port = Recorder(), free_port()
    config = email_config(tmp_path, port, security="ssl")
    with smtp_server(handler, port, ssl_context=server_tls(cert, key)):
        payload = make_digest(factory, config, since=None, send=True, now=T0)  # system trust
    assert payload["delivered"]["email"] == "queued"
    assert "CERTIFICATE_VERIFY_FAILED" in payload["delivered"]["error"]
    assert handler.received == []


def test_server_down_queues_then_next_digest_sends_it_exactly_once(
    tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    port = free_port()
    config = email_config(tmp_path, port)
    first = make_digest(factory, config, since=None, send=True, now=T0)
    assert first["delivered"]["email"] == "queued"
    assert "cannot connect to the SMTP server 127.0.0.1" in first["delivered"]["error"]
    (row,) = outbox(factory)
    assert (row.status, row.attempts) == ("queued", 1)

    handler = Recorder()
    with transaction(factory) as s:
        add_doc(s, "later", T0 + H, title="Second window document")
    with smtp_server(handler, port):
        second = make_digest(factory, config, since=None, send=True, now=T0 + 2 * H)
        assert deliver_pending(factory, config.digest.email, smtp_sender(config.digest.email)) == []  # type: ignore[arg-type]
    subjects = [r.message["Subject"] for r in handler.received]
    assert len(subjects) == 2, subjects  # the queued one once, then the new one
    assert [r.message["X-Agglowatch-Digest"] for r in handler.received] == [
        first["id"],
        second["id"],
    ]
    assert second["delivered"]["email"] == "sent"
    assert second["delivered"]["earlier"] == [
        {"digest": first["id"], "message_id": row.message_id, "status": "sent"}
    ]
    assert [(r.status, r.attempts) for r in outbox(factory)] == [("sent", 2), ("sent", 1)]
    # The earlier digest now says so, in the database and in its digest.json.
    with factory() as s:
        assert s.get(Digest, first["id"]).payload["delivered"]["email"] == "sent"  # type: ignore[union-attr]
    json_file = next(f for f in first["delivered"]["files"] if f.endswith("digest.json"))
    assert '"email": "sent"' in Path(json_file).read_text(encoding="utf-8")


def test_rejected_recipient_stays_queued_with_the_reason(
    tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    handler, port = Recorder(reject={"*": "550 5.1.1 Recipient address rejected"}), free_port()
    config = email_config(tmp_path, port)
    with smtp_server(handler, port):
        payload = make_digest(factory, config, since=None, send=True, now=T0)
    assert payload["delivered"]["email"] == "queued"
    assert "550 5.1.1 Recipient address rejected" in payload["delivered"]["error"]
    (row,) = outbox(factory)
    assert row.status == "queued" and "550" in (row.last_error or "")
    assert handler.received == []


def test_one_refused_recipient_of_two_still_counts_as_sent(
    tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    handler = Recorder(reject={"team@example.org": "550 5.1.1 no such user"})
    port = free_port()
    config = email_config(tmp_path, port)
    with smtp_server(handler, port):
        payload = make_digest(factory, config, since=None, send=True, now=T0)
    assert payload["delivered"]["email"] == "sent"  # resending would duplicate it for the other
    assert [r.recipients for r in handler.received] == [["analyst@example.org"]]
    assert "team@example.org refused: 550 5.1.1 no such user" in payload["delivered"]["error"]


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_credentials_from_a_block_provider(tmp_path: Path, factory: sessionmaker[Session]) -> None:
    handler, port = Recorder(), free_port()
    config = email_config(tmp_path, port, credentials_block="smtp-block")
    asked: list[str] = []

    def provider(name: str) -> tuple[str | None, str | None]:
        asked.append(name)
        return "monitor", PASSWORD

    with smtp_server(
        handler,
        port,
        auth_require_tls=False,
        auth_required=True,
        authenticator=handler.authenticator,
    ):
        payload = make_digest(
            factory, config, since=None, send=True, now=T0, credentials_provider=provider
        )
    assert payload["delivered"]["email"] == "sent"
    assert asked == ["smtp-block"] and handler.logins == [("monitor", PASSWORD)]


def test_missing_credentials_are_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NOT_SET_PW", raising=False)
    settings = EmailSettings(
        to=["a@example.org"],
        sender="m@example.org",
        host="h",
        username="u",
        password_env="NOT_SET_PW",
    )
    with pytest.raises(DeliveryError, match="NOT_SET_PW"):
        resolve_credentials(settings)
    block = EmailSettings(to=["a@example.org"], sender="m@example.org", credentials_block="b")
    with pytest.raises(DeliveryError, match="Prefect flow"):
        resolve_credentials(block)

    def broken(name: str) -> tuple[str | None, str | None]:
        raise ValueError(f"block {name} not found, password=hunter2")

    with pytest.raises(DeliveryError, match="ValueError") as caught:
        resolve_credentials(block, broken)
    assert "hunter2" not in str(caught.value)


def test_a_held_lease_keeps_a_second_delivery_from_sending(
    tmp_path: Path, factory: sessionmaker[Session]
) -> None:
    port = free_port()
    config = email_config(tmp_path, port)
    assert config.digest.email is not None
    make_digest(factory, config, since=None, send=True, now=T0)  # server down: queued
    handler = Recorder()
    now = dt.datetime.now(dt.UTC)
    with transaction(factory) as s:
        s.add(Lease(name="outbox", holder="someone-else", expires_at=now + dt.timedelta(minutes=5)))
    with smtp_server(handler, port):
        sender = smtp_sender(config.digest.email)
        assert deliver_pending(factory, config.digest.email, sender) == []
        assert handler.received == []
        with transaction(factory) as s:
            s.get(Lease, "outbox").expires_at = now - dt.timedelta(seconds=1)  # type: ignore[union-attr]
        (result,) = deliver_pending(factory, config.digest.email, sender)
    assert result.status == "sent" and len(handler.received) == 1
    with factory() as s:
        assert s.get(Lease, "outbox") is None  # released
