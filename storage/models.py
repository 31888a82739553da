"""SQLAlchemy 2.0 typed models: the whole persistent state of agglowatch.

Tables: sources (health and kind state), url_state (validators per URL), robots_txt (robots.txt
cache per origin), documents (current state)
and document_versions (history), seed_documents, signatures + lsh_bands (the dedupe index), runs,
leases (no overlapping runs), digests and outbox (email delivery exactly once).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

UTCDateTime = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dict[str, Any]: JSON, list[Any]: JSON}


class Source(Base):
    """A configured source as the store knows it: health and what its kind saved between runs."""

    __tablename__ = "sources"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    last_status: Mapped[str | None] = mapped_column(String(20))
    last_error: Mapped[str | None] = mapped_column(Text)
    failures_in_row: Mapped[int] = mapped_column(default=0)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_ok_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_items_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class UrlState(Base):
    """Validators of one URL for one source: conditional GET and sitemap lastmod skipping."""

    __tablename__ = "url_state"
    __table_args__ = (UniqueConstraint("source", "url"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    lastmod: Mapped[str | None] = mapped_column(String(100))
    content_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    cut_at: Mapped[int | None] = mapped_column(BigInteger)  # fetch.max_bytes the body was cut at
    length: Mapped[int | None] = mapped_column(BigInteger)  # Content-Length of a cut body
    head_hash: Mapped[str | None] = mapped_column(String(64))  # sha256 of its first 64 KiB


class RobotsTxt(Base):
    """One origin's robots.txt as last read (RFC 9309 caching: 24 h, then conditional)."""

    __tablename__ = "robots_txt"

    origin: Mapped[str] = mapped_column(String(300), primary_key=True)
    body: Mapped[bytes | None] = mapped_column(LargeBinary)  # None: no robots.txt (4xx)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    fetched_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Document(Base):
    """The current state of one publication; its history is in document_versions."""

    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    source: Mapped[str] = mapped_column(String(100), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    listing_url: Mapped[str | None] = mapped_column(String(2048))
    doi: Mapped[str | None] = mapped_column(String(255), index=True)
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[Any]] = mapped_column(default=list)
    published: Mapped[dt.date | None] = mapped_column(Date)
    language: Mapped[str | None] = mapped_column(String(16))
    abstract: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[Any]] = mapped_column(default=list)
    container: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[Any]] = mapped_column(default=list)
    regions: Mapped[list[Any]] = mapped_column(default=list)
    duplicate_of: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    cluster_id: Mapped[str] = mapped_column(String(80), index=True)
    first_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    last_seen: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    missing_runs: Mapped[int] = mapped_column(default=0)
    removed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    first_run_id: Mapped[str | None] = mapped_column(String(64))
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)


class DocumentVersion(Base):
    """One stored state of a document, with what changed since the previous one."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    document_id: Mapped[str] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column()
    run_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    text_hash: Mapped[str] = mapped_column(String(64))
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class SeedDocument(Base):
    """A reference document from seeds/; never exported, only matched against."""

    __tablename__ = "seed_documents"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)  # the seed's file name
    url: Mapped[str | None] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(Text)
    file_hash: Mapped[str] = mapped_column(String(64))  # of the whole file: re-read when it changes
    text_hash: Mapped[str] = mapped_column(String(64), index=True)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    text: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Signature(Base):
    """MinHash signature of a stored or seed text: the LSH index is rebuilt from these alone."""

    __tablename__ = "signatures"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)  # "doc:<id>" or "seed:<file>"
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    shingles: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class LshBand(Base):
    """One LSH band bucket of a signature: candidates are found by equal band keys."""

    __tablename__ = "lsh_bands"
    __table_args__ = (Index("ix_lsh_bands_band_key", "band_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    band_key: Mapped[int] = mapped_column(BigInteger)
    key: Mapped[str] = mapped_column(ForeignKey("signatures.key", ondelete="CASCADE"), index=True)


class Run(Base):
    """One monitoring run and its report."""

    __tablename__ = "runs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    started: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    finished: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    heartbeat: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="running")
    sources: Mapped[list[Any]] = mapped_column(default=list)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class Lease(Base):
    """A named lock with an expiry, so two runs never write the same sources at once."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class Digest(Base):
    """A built digest; the newest delivered one's window end is the watermark."""

    __tablename__ = "digests"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    window_from: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    window_to: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    generated: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    explicit_since: Mapped[bool] = mapped_column(Boolean, default=False)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    files: Mapped[list[Any]] = mapped_column(default=list)


class OutboxMessage(Base):
    """An email waiting to be sent; sent exactly once (its Message-ID recorded)."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    digest_id: Mapped[str] = mapped_column(String(64), index=True)
    message_id: Mapped[str] = mapped_column(String(255), unique=True)
    recipients: Mapped[list[Any]] = mapped_column(default=list)
    subject: Mapped[str] = mapped_column(Text)
    mime: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
