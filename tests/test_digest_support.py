"""Shared helpers for the digest, report and email tests: a migrated SQLite store in tmp_path,
documents inserted directly, and a real SMTP server on loopback (aiosmtpd). No tests here."""

from __future__ import annotations

import datetime as dt
import hashlib
import socket
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session
from sqlalchemy import Engine
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from agglowatch.config import Config, parse_config
from storage.db import make_engine, session_factory, upgrade
from storage.models import Document, DocumentVersion, Source

T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)  # a Monday
PASSWORD = "s3cret-pw"

THEMES_YAML = """\
themes:
  - id: urban-agglomeration
    label_en: Urban agglomeration
    label_zh: 城市群
  - id: new-infrastructure
    label_en: New infrastructure
    label_zh: 新基建
  - id: innovation
    label_en: Innovation
    label_zh: 科技协同创新
regions:
  - id: beijing-tianjin-hebei
    label_en: Beijing–Tianjin–Hebei
    label_zh: 京津冀
  - id: yangtze-river-delta
    label_en: Yangtze River Delta
    label_zh: 长三角
"""


def make_store(url: str) -> tuple[Engine, sessionmaker[DbSession]]:
    """A migrated store at `url` (conftest's db_url: SQLite, and PostgreSQL when configured)."""
    engine = make_engine(url)
    upgrade(engine)
    return engine, session_factory(engine)


def make_config(tmp_path: Path, database: str, **digest: Any) -> Config:
    (tmp_path / "themes.yaml").write_text(THEMES_YAML, encoding="utf-8")
    raw = {"database": database, "output": "out", "digest": digest}
    return parse_config(raw, tmp_path / "agglowatch.yaml")


def add_doc(
    session: DbSession,
    doc_id: str,
    first_seen: dt.datetime,
    *,
    title: str | None = None,
    themes: list[tuple[str, float]] | None = None,
    regions: list[str] | None = None,
    duplicate_of: str | None = None,
    source: str = "cdrf-news",
    text: str = "城市群高质量发展。New infrastructure supports urban agglomerations.",
    abstract: str | None = None,
    url: str | None = None,
) -> Document:
    url = url or f"https://example.org/{doc_id}.html"
    doc = Document(
        id=doc_id,
        source=source,
        url=url,
        canonical_url=f"https://example.org/canonical/{doc_id}",
        text_hash=hashlib.sha256(doc_id.encode()).hexdigest(),
        title=title if title is not None else f"Title {doc_id}",
        authors=[],
        published=first_seen.date(),
        language="zh",
        abstract=abstract,
        text=text,
        themes=[{"id": t, "score": s, "terms": [f"term-{t}"]} for t, s in themes or []],
        regions=[{"id": r, "terms": [f"term-{r}"]} for r in regions or []],
        duplicate_of=(
            {
                "id": duplicate_of,
                "url": f"https://example.org/{duplicate_of}.html",
                "seed": False,
                "similarity": 0.93,
            }
            if duplicate_of
            else None
        ),
        cluster_id=duplicate_of or doc_id,
        first_seen=first_seen,
        last_seen=first_seen,
        changed_at=first_seen,
        version=1,
        status="active",
    )
    session.add(doc)
    return doc


def add_version(
    session: DbSession, doc_id: str, version: int, created: dt.datetime, changes: dict[str, Any]
) -> None:
    session.add(
        DocumentVersion(
            document_id=doc_id,
            version=version,
            created_at=created,
            title=f"Title {doc_id} v{version}",
            text="text",
            text_hash=f"{doc_id}-{version}",
            changes=changes,
        )
    )


def add_source(session: DbSession, name: str, status: str, failures: int = 0) -> None:
    session.add(
        Source(
            name=name,
            kind="html",
            state={},
            last_status=status,
            last_error="HTTP 503 <b>Service Unavailable</b>" if status != "ok" else None,
            failures_in_row=failures,
            last_ok_at=T0 - dt.timedelta(days=10),
        )
    )


# --- SMTP on loopback -------------------------------------------------------------------------


@dataclass
class Received:
    envelope_from: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Recorder:
    """An aiosmtpd handler keeping every accepted message; `reject` refuses recipients."""

    received: list[Received] = field(default_factory=list)
    reject: dict[str, str] = field(default_factory=dict)  # address or "*" -> "550 ..." reply
    logins: list[tuple[str, str]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        refusal = self.reject.get(address) or self.reject.get("*")
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def authenticator(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        """Accepts user "monitor" with password "s3cret-pw"; records every attempt."""
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = data.login.decode(), data.password.decode()
        self.logins.append((login, password))
        return AuthResult(success=(login, password) == ("monitor", PASSWORD))

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        parsed = message_from_bytes(raw, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(handler: Recorder, port: int, **kwargs: Any) -> Iterator[Controller]:
    controller = Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made with `cryptography`."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


def server_tls(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def client_tls(cert: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(cert))
