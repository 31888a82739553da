"""make_digest end to end on a store: windows, watermark, files, feed; nothing twice or lost."""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import feedparser
import pytest
from sqlalchemy.orm import Session, sessionmaker

from agglowatch.config import Config
from agglowatch.errors import DeliveryError
from digest.service import make_digest
from storage.db import transaction
from storage.digest_store import watermark
from storage.models import Document, Run
from tests.test_digest_support import T0, add_doc, add_version, make_config, make_store

H = dt.timedelta(hours=1)


@pytest.fixture
def setup(tmp_path: Path, db_url: str) -> tuple[sessionmaker[Session], Config]:
    return make_store(db_url)[1], make_config(tmp_path, db_url, feed_entries=2)


def shown_ids(payload: dict[str, Any]) -> list[str]:
    docs = [d for t in payload["themes"] for d in t["documents"]] + payload["other"]
    return [d["id"] for d in docs]


def test_digest_writes_every_format_and_a_second_run_is_empty(
    setup: tuple[sessionmaker[Session], Config], tmp_path: Path
) -> None:
    factory, config = setup
    with transaction(factory) as s:
        add_doc(
            s,
            "a",
            T0 - 3 * H,
            themes=[("urban-agglomeration", 0.9)],
            regions=["yangtze-river-delta"],
        )
        add_doc(s, "a-copy", T0 - 2 * H, duplicate_of="a", url="https://mirror.example.net/a")
        add_doc(s, "b", T0 - 2 * H)
    first = make_digest(factory, config, since=None, send=True, now=T0)

    assert shown_ids(first) == ["a", "b"]  # the duplicate is not new...
    (entry,) = first["themes"][0]["documents"]
    assert entry["also_at"] == ["https://mirror.example.net/a"]  # ...it is listed under "a"
    assert first["delivered"]["email"] == "off"
    folder = tmp_path / "out" / "digests" / first["id"]
    names = {
        Path(f).relative_to(tmp_path / "out" / "digests").as_posix()
        for f in first["delivered"]["files"]
    }
    assert names == {
        f"{first['id']}/{n}"
        for n in ("chart.png", "digest.md", "digest.html", "digest.txt", "digest.json")
    } | {"feed.atom"}
    assert json.loads((folder / "digest.json").read_text(encoding="utf-8")) == first
    assert "data:image/png;base64," in (folder / "digest.html").read_text(encoding="utf-8")
    assert "](chart.png)" in (folder / "digest.md").read_text(encoding="utf-8")
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]

    second = make_digest(factory, config, since=None, send=True, now=T0 + dt.timedelta(minutes=5))
    assert shown_ids(second) == [] and second["updated"] == [] and second["removed"] == []
    assert second["window"]["from"] == first["window"]["to"]
    assert second["id"] != first["id"]


def test_consecutive_digests_show_each_document_exactly_once(
    setup: tuple[sessionmaker[Session], Config],
) -> None:
    factory, config = setup
    rng = random.Random(7)
    digest_times = [T0 + k * 6 * H for k in range(1, 6)]
    offsets = sorted(rng.uniform(-6, 30) for _ in range(40))
    docs = {f"d{i:02d}": T0 + dt.timedelta(hours=o) for i, o in enumerate(offsets)}
    shown: list[str] = []
    for now in digest_times:
        with transaction(factory) as s:  # documents arrive between digests, as runs store them
            for doc_id, seen in docs.items():
                if now - 6 * H <= seen < now or (now == digest_times[0] and seen < now):
                    add_doc(s, doc_id, seen)
        shown += shown_ids(make_digest(factory, config, since=None, send=False, now=now))
    expected = sorted(d for d, seen in docs.items() if seen < digest_times[-1])
    assert sorted(shown) == expected
    assert len(shown) == len(set(shown))


def test_a_failed_digest_does_not_move_the_watermark(
    setup: tuple[sessionmaker[Session], Config], tmp_path: Path
) -> None:
    factory, config = setup
    with transaction(factory) as s:
        add_doc(s, "a", T0 - H)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "digests").write_text("not a folder", encoding="utf-8")
    with pytest.raises(DeliveryError):
        make_digest(factory, config, since=None, send=False, now=T0)
    with factory() as s:
        assert watermark(s) is None
    (tmp_path / "out" / "digests").unlink()
    with transaction(factory) as s:
        add_doc(s, "b", T0 + H)
    later = make_digest(factory, config, since=None, send=False, now=T0 + 2 * H)
    assert shown_ids(later) == ["a", "b"]  # nothing lost to the failed one


def test_explicit_since_and_previews_leave_the_watermark(
    setup: tuple[sessionmaker[Session], Config], tmp_path: Path, db_url: str
) -> None:
    factory, _ = setup
    with transaction(factory) as s:
        add_doc(s, "old", T0 - 48 * H)
        add_doc(s, "new", T0 - H)
    base = make_digest(
        factory,
        make_config(tmp_path, db_url),
        since=None,
        send=False,
        now=T0 - 24 * H,
    )
    assert shown_ids(base) == ["old"]
    with transaction(factory) as s:
        add_doc(s, "newer", T0 + H)
    config = make_config(
        tmp_path,
        db_url,
        email={"to": ["a@example.org"], "sender": "m@example.org", "host": "127.0.0.1", "port": 9},
    )
    again = make_digest(factory, config, since=T0 - 72 * H, send=False, now=T0 + 2 * H)
    assert shown_ids(again) == ["new", "newer", "old"]  # by region, then newest first
    preview = make_digest(factory, config, since=None, send=False, now=T0 + 2 * H)
    assert preview["delivered"]["email"] == "off" and shown_ids(preview) == ["new", "newer"]
    with factory() as s:
        assert watermark(s) == T0 - 24 * H  # neither moved it


def test_updates_and_removals_appear_in_the_digest(
    setup: tuple[sessionmaker[Session], Config],
) -> None:
    factory, config = setup
    with transaction(factory) as s:
        add_doc(s, "doc", T0 - 48 * H)
        add_doc(s, "gone", T0 - 48 * H, title="Withdrawn")
    make_digest(factory, config, since=None, send=False, now=T0 - 24 * H)
    with transaction(factory) as s:
        add_version(s, "doc", 2, T0 - H, {"title": ["Old title", "New title"]})
        gone = s.get(Document, "gone")
        assert gone is not None
        gone.status, gone.removed_at = "removed", T0 - H
    payload = make_digest(factory, config, since=None, send=False, now=T0)
    assert shown_ids(payload) == []
    assert [(u["id"], u["changes"]) for u in payload["updated"]] == [
        ("doc", {"title": ["Old title", "New title"]})
    ]
    assert [r["id"] for r in payload["removed"]] == ["gone"]


def test_a_running_monitor_s_documents_wait_for_the_next_digest(
    setup: tuple[sessionmaker[Session], Config],
) -> None:
    factory, config = setup
    with transaction(factory) as s:
        s.add(Run(id="r1", started=T0 - H, heartbeat=T0, status="running"))
        add_doc(s, "early", T0 - 2 * H)
        add_doc(s, "in-run", T0 - dt.timedelta(minutes=30))
    first = make_digest(factory, config, since=None, send=False, now=T0)
    assert shown_ids(first) == ["early"] and first["window"]["to"] == (T0 - H).isoformat()
    with transaction(factory) as s:
        s.get(Run, "r1").status = "completed"  # type: ignore[union-attr]
    assert shown_ids(make_digest(factory, config, since=None, send=False, now=T0 + H)) == ["in-run"]


def test_feed_keeps_the_newest_entries_across_digests(
    setup: tuple[sessionmaker[Session], Config], tmp_path: Path
) -> None:
    factory, config = setup  # feed_entries=2
    ids = []
    for k in range(3):
        with transaction(factory) as s:
            add_doc(s, f"d{k}", T0 + k * 24 * H - H)
        ids.append(make_digest(factory, config, since=None, send=False, now=T0 + k * 24 * H)["id"])
        make_digest(factory, config, since=None, send=False, now=T0 + k * 24 * H + H)  # empty
        feed = feedparser.parse((tmp_path / "out" / "digests" / "feed.atom").read_bytes())
        assert feed.bozo == 0
        expected = [f"urn:agglowatch:document:d{j}" for j in range(k, -1, -1)][:2]
        assert [e.id for e in feed.entries] == expected  # one entry per document, newest first
    assert feed.entries[0].title == "Title d2"
    assert feed.entries[0].link == "https://example.org/d2.html"
    links = {link.rel: link.href for link in feed.entries[0].links}
    assert links["related"] == f"{ids[-1]}/digest.html"
    assert {link.rel: link.href for link in feed.feed.links}["alternate"] == links["related"]
