"""make_digest: one digest from its window to its delivery, as the digest flow and the CLI run it.

The window is [watermark, now): the watermark is the end of the last digest that counted (files
written, email queued or sent). A skipped or failed digest leaves the watermark where it was, so
the next one covers its documents; two digests in a row show nothing twice (the second is empty).
The first digest starts at the store's first activity (first run, first document).

A digest does not move the watermark when it is built for an explicit `since`, or with
`send=False` while email is configured (a preview: the next sent digest still carries its
documents to the mailing list). Order of effects: files are written first (atomically); only then
is the digest recorded and its email queued, in one transaction; then the outbox is delivered. A
crash before the record leaves the watermark unmoved (the documents come again next time);
after it, the queued email goes out with the next digest.

Callers should not run two digests at once (the Prefect deployment's concurrency limit of 1):
both would cover the same window. The outbox itself never sends one message twice concurrently.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from agglowatch.config import Config, DigestSettings
from agglowatch.errors import StorageError
from digest.build import build_digest
from digest.chart import draw_chart
from digest.email import CredentialsProvider, build_email, smtp_sender
from digest.feed import FEED_FILE, render_feed
from digest.html import render_html
from digest.relevance import seed_profiles
from digest.render import render_json, render_markdown, render_text
from reports.labels import Labels, load_labels
from reports.markup import write_atomic
from storage.db import transaction
from storage.digest_store import (
    as_utc,
    collect_window,
    feed_payloads,
    first_activity,
    has_content,
    mark_email_status,
    record_digest,
    settled_until,
    theme_weeks,
    update_digest_payload,
    watermark,
)
from storage.outbox import DeliveryResult, SenderFn, deliver_pending, digest_email_status, enqueue

FILE_NAMES = {
    "markdown": "digest.md",
    "html": "digest.html",
    "text": "digest.txt",
    "json": "digest.json",
}
CHART_FILE = "chart.png"


def make_digest(
    session_factory: sessionmaker[Session],
    config: Config,
    *,
    since: dt.datetime | None,
    send: bool,
    now: dt.datetime,
    credentials_provider: CredentialsProvider | None = None,
    sender: SenderFn | None = None,
) -> dict[str, Any]:
    """Build, write, record and deliver one digest; returns its JSON dict (delivered filled).

    `sender` replaces the SMTP sender built from config (tests, or a flow with its own transport).
    Raises DeliveryError when files cannot be written (nothing is recorded then) and StorageError
    when the database fails; an email that cannot be sent is not an error: it stays queued.
    """
    now, settings = as_utc(now), config.digest
    labels = load_labels(config.path(config.themes))
    folder = config.path(config.output) / "digests"
    email_on = settings.email is not None and send
    counts = since is None and (settings.email is None or send)
    with _storage("read the digest window"), session_factory() as session:
        start, end = digest_window(session, since, now)
        data = collect_window(session, start, end)
        chart = theme_weeks(session, now, settings.chart_weeks)
        earlier = (
            feed_payloads(session, settings.feed_entries) if "atom" in settings.formats else []
        )
        seeds = seed_profiles(session, config.path(config.themes)) if data.new else []
    payload = build_digest(data, settings, (start, end), now, labels, chart=chart, seeds=seeds)
    payload["delivered"]["email"] = "queued" if email_on else "off"
    chart_png = draw_chart(payload["chart"])
    feed = ([payload] if counts and has_content(payload) else []) + earlier
    files = write_digest_files(payload, settings, labels, folder, chart_png, feed)
    with _storage("record the digest"), transaction(session_factory) as session:
        record_digest(session, payload, files, explicit_since=not counts)
        if email_on:
            enqueue(
                session, payload["id"], build_email(payload, labels, settings, chart_png), now=now
            )
    if email_on and settings.email is not None:
        send_fn = sender or smtp_sender(settings.email, credentials_provider)
        with _storage("deliver the outbox"):
            results = deliver_pending(session_factory, settings.email, send_fn)
            _fill_delivered(session_factory, payload, results)
        if "json" in settings.formats:
            write_atomic(folder / payload["id"] / FILE_NAMES["json"], _utf8(render_json(payload)))
    return payload


def digest_window(
    session: Session, since: dt.datetime | None, now: dt.datetime
) -> tuple[dt.datetime, dt.datetime]:
    """[start, end): from `since`, else the watermark, else the store's first activity."""
    if since is not None:
        start, end = as_utc(since), as_utc(now)
    else:
        end = settled_until(session, now)
        start = watermark(session) or first_activity(session) or end
    return start, max(start, end)


def write_digest_files(
    payload: dict[str, Any],
    settings: DigestSettings,
    labels: Labels,
    folder: Path,
    chart_png: bytes | None,
    feed: Sequence[Mapping[str, Any]],
) -> list[Path]:
    """Write every configured format under <folder>/<id>/ (and <folder>/feed.atom), atomically.

    `payload["delivered"]["files"]` is set first, so digest.json lists the files it sits among.
    """
    here = folder / str(payload["id"])
    wants_chart = chart_png is not None and {"markdown", "html"} & set(settings.formats)
    writers: list[tuple[Path, Callable[[], bytes]]] = []
    if wants_chart and chart_png is not None:
        writers.append((here / CHART_FILE, lambda: chart_png))
    chart_file = CHART_FILE if wants_chart else None
    data_uri = _data_uri(chart_png) if chart_png else None
    renderers: dict[str, Callable[[], str]] = {
        "markdown": lambda: render_markdown(payload, labels, chart_file),
        "html": lambda: render_html(payload, labels, data_uri),
        "text": lambda: render_text(payload, labels),
        "json": lambda: render_json(payload),
    }
    for fmt, name in FILE_NAMES.items():
        if fmt in settings.formats:
            writers.append((here / name, _encoded(renderers[fmt])))
    if "atom" in settings.formats:
        html_file = FILE_NAMES["html"] if "html" in settings.formats else None
        entries = feed[: settings.feed_entries]
        writers.append(
            (
                folder / FEED_FILE,
                lambda: render_feed(entries, settings.title, labels, html_file=html_file),
            )
        )
    payload["delivered"]["files"] = [str(path) for path, _ in writers]
    return [write_atomic(path, produce()) for path, produce in writers]


def _fill_delivered(
    session_factory: sessionmaker[Session], payload: dict[str, Any], results: list[DeliveryResult]
) -> None:
    """Set delivered.email from the outbox and store it; earlier digests whose queued message
    went out now are marked "sent" too (in the database and in their digest.json)."""
    with transaction(session_factory) as session:
        payload["delivered"]["email"] = digest_email_status(session, payload["id"]) or "queued"
        own = [r for r in results if r.digest_id == payload["id"]]
        if own and own[-1].error:
            payload["delivered"]["error"] = own[-1].error
        earlier = [r for r in results if r.digest_id != payload["id"]]
        if earlier:
            payload["delivered"]["earlier"] = [
                {"digest": r.digest_id, "message_id": r.message_id, "status": r.status}
                for r in earlier
            ]
        update_digest_payload(session, payload["id"], payload)
        for result in earlier:
            status = digest_email_status(session, result.digest_id)
            row = mark_email_status(session, result.digest_id, status) if status else None
            if row is not None:
                _rewrite_json(row.payload, row.files)


def _rewrite_json(payload: Mapping[str, Any], files: Sequence[str]) -> None:
    """Refresh an earlier digest's digest.json when it still exists; a missing one is fine."""
    for name in files:
        path = Path(name)
        if path.name == FILE_NAMES["json"] and path.is_file():
            write_atomic(path, _utf8(render_json(payload)))


@contextmanager
def _storage(doing: str) -> Iterator[None]:
    try:
        yield
    except SQLAlchemyError as exc:
        raise StorageError(f"cannot {doing}: {exc}") from exc


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _encoded(render: Callable[[], str]) -> Callable[[], bytes]:
    return lambda: _utf8(render())


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")
