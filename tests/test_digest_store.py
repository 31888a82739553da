"""Digest windows from a real (SQLite) store: new, updated, removed, also_at, watermark, chart."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session, sessionmaker

from storage.db import transaction
from storage.digest_store import (
    collect_window,
    merge_changes,
    record_digest,
    settled_until,
    theme_weeks,
    watermark,
)
from storage.models import Run
from tests.test_digest_support import T0, add_doc, add_source, add_version, make_store

H = dt.timedelta(hours=1)


@pytest.fixture
def factory(db_url: str) -> sessionmaker[Session]:
    return make_store(db_url)[1]


def test_new_documents_window_is_half_open_and_skips_duplicates(
    factory: sessionmaker[Session],
) -> None:
    with transaction(factory) as s:
        add_doc(s, "at-start", T0, themes=[("innovation", 0.4)])
        add_doc(s, "inside", T0 + H)
        add_doc(s, "at-end", T0 + 2 * H)
        add_doc(s, "before", T0 - H)
        add_doc(s, "copy", T0 + H, duplicate_of="inside")
        add_doc(s, "late-copy", T0 + 30 * H, duplicate_of="inside")  # found after the window
        add_doc(
            s, "same-url", T0 + H, duplicate_of="at-start", url="https://example.org/at-start.html"
        )
    with factory() as s:
        data = collect_window(s, T0, T0 + 2 * H)
    assert [d.id for d in data.new] == ["at-start", "inside"]
    inside = data.new[1]
    assert inside.also_at == ["https://example.org/copy.html", "https://example.org/late-copy.html"]
    assert data.new[0].also_at == []  # its own URL is not "also at"
    assert data.new[0].themes == [{"id": "innovation", "score": 0.4, "terms": ["term-innovation"]}]
    assert data.new[0].first_seen == T0 and data.new[0].first_seen.tzinfo is not None


def test_adjacent_windows_show_every_document_once(factory: sessionmaker[Session]) -> None:
    times = [T0 + k * dt.timedelta(minutes=17) for k in range(20)]
    with transaction(factory) as s:
        for k, moment in enumerate(times):
            add_doc(s, f"d{k:02d}", moment)
    seams = [T0, T0 + 85 * dt.timedelta(minutes=1), T0 + 3 * H, T0 + 6 * H]  # 85 min = 5 * 17
    shown: list[str] = []
    with factory() as s:
        for start, end in itertools.pairwise(seams):
            shown += [d.id for d in collect_window(s, start, end).new]
    assert sorted(shown) == [f"d{k:02d}" for k in range(20)]
    assert len(shown) == len(set(shown))


def test_bounds_in_other_time_zones_mean_the_same_instants(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        add_doc(s, "a", T0 + H)
    shanghai = ZoneInfo("Asia/Shanghai")
    with factory() as s:
        hit = collect_window(s, T0.astimezone(shanghai), (T0 + 2 * H).astimezone(shanghai))
        miss = collect_window(
            s, (T0 + 2 * H).astimezone(shanghai), (T0 + 3 * H).astimezone(shanghai)
        )
    assert [d.id for d in hit.new] == ["a"]
    assert miss.new == []


def test_updated_documents_merge_versions_and_skip_new_and_duplicates(
    factory: sessionmaker[Session],
) -> None:
    with transaction(factory) as s:
        add_doc(s, "old", T0 - 48 * H)
        add_doc(s, "fresh", T0 + H)
        add_doc(s, "dup", T0 - 48 * H, duplicate_of="old")
        s.flush()
        add_version(
            s,
            "old",
            2,
            T0 + H,
            {
                "title": ["A", "B"],
                "text": {"added": 2, "removed": 0, "excerpt_added": ["第一句。"]},
            },
        )
        add_version(
            s, "old", 3, T0 + 2 * H, {"title": ["B", "C"], "text": {"added": 1, "removed": 4}}
        )
        add_version(s, "old", 4, T0 + 9 * H, {"title": ["C", "D"]})  # after the window
        add_version(s, "fresh", 2, T0 + 2 * H, {"title": ["x", "y"]})
        add_version(s, "dup", 2, T0 + 2 * H, {"title": ["x", "y"]})
    with factory() as s:
        data = collect_window(s, T0, T0 + 3 * H)
    assert [d.id for d in data.new] == ["fresh"]
    (updated,) = data.updated
    assert updated.id == "old" and updated.version == 3
    assert updated.changes == {
        "title": ["A", "C"],
        "text": {"added": 3, "removed": 4, "excerpt_added": ["第一句。"]},
    }


def test_merge_changes_drops_a_field_that_changed_back() -> None:
    merged = merge_changes(
        [{"title": ["A", "B"], "authors": [["x"], ["y"]]}, {"title": ["B", "A"]}]
    )
    assert merged == {"authors": [["x"], ["y"]]}


def test_removed_documents_and_new_then_removed_listed_once(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        gone = add_doc(s, "gone", T0 - 48 * H)
        back = add_doc(s, "back", T0 - 48 * H)
        brief = add_doc(s, "brief", T0 + H)
        for doc in (gone, brief):
            doc.status, doc.removed_at = "removed", T0 + 2 * H
        back.removed_at = T0 + H  # removed, then came back: active again
    with factory() as s:
        data = collect_window(s, T0, T0 + 3 * H)
    assert [d.id for d in data.removed] == ["gone"]
    assert [(d.id, d.status) for d in data.new] == [("brief", "removed")]


def test_troubled_sources_are_named_broken_first(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        add_source(s, "fine", "ok")
        add_source(s, "zeta", "broken", 5)
        add_source(s, "alpha", "empty", 1)
        add_source(s, "beta", "error", 1)
        add_source(s, "quiet", "not_modified")
    with factory() as s:
        data = collect_window(s, T0, T0 + H)
    assert [(h.name, h.status) for h in data.broken_sources] == [
        ("zeta", "broken"),
        ("beta", "error"),
        ("alpha", "empty"),
    ]
    assert data.broken_sources[0].failures_in_row == 5
    assert data.broken_sources[0].last_ok_at == T0 - dt.timedelta(days=10)


def _payload(digest_id: str, start: dt.datetime, end: dt.datetime) -> dict[str, object]:
    return {
        "id": digest_id,
        "window": {"from": start.isoformat(), "to": end.isoformat()},
        "generated": end.isoformat(),
        "stats": {"documents": 1},
    }


def test_watermark_is_the_newest_counting_digest(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        assert watermark(s) is None
    with transaction(factory) as s:
        record_digest(s, _payload("d1", T0, T0 + H), [], explicit_since=False)
        record_digest(s, _payload("d2", T0 + H, T0 + 2 * H), [], explicit_since=False)
        record_digest(s, _payload("x", T0 - 99 * H, T0 + 5 * H), [], explicit_since=True)
    with factory() as s:
        assert watermark(s) == T0 + 2 * H


def test_a_running_monitor_holds_the_window_end_back(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        s.add(Run(id="done", started=T0 - 3 * H, finished=T0 - 2 * H, status="completed"))
        s.add(Run(id="dead", started=T0 - 30 * H, heartbeat=T0 - 29 * H, status="running"))
    with factory() as s:
        assert settled_until(s, T0) == T0
    with transaction(factory) as s:
        s.add(
            Run(id="live", started=T0 - H, heartbeat=T0 - dt.timedelta(minutes=1), status="running")
        )
    with factory() as s:
        assert settled_until(s, T0) == T0 - H


def test_theme_weeks_counts_primary_themes_per_iso_week(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        add_doc(s, "a", T0 + H, themes=[("innovation", 0.2), ("urban-agglomeration", 0.9)])
        add_doc(s, "b", T0 - 7 * 24 * H, themes=[("urban-agglomeration", 0.5)])
        add_doc(s, "c", T0 - 8 * 24 * H)  # untagged, the week before last
        add_doc(s, "d", T0 + H, duplicate_of="a", themes=[("innovation", 1.0)])
        add_doc(s, "e", T0 - 30 * 24 * H, themes=[("innovation", 1.0)])  # outside 3 weeks
    with factory() as s:
        chart = theme_weeks(s, T0 + 2 * H, 3)
    assert chart.weeks == ["2025-W52", "2026-W01", "2026-W02"]
    assert chart.counts == {"urban-agglomeration": [0, 1, 1], "other": [1, 0, 0]}


def test_documents_are_read_without_their_text(factory: sessionmaker[Session]) -> None:
    with transaction(factory) as s:
        add_doc(s, "long", T0 + H, text="长" * 50_000, abstract=None)
    with factory() as s:
        (doc,) = collect_window(s, T0, T0 + 2 * H).new
        assert len(doc.summary) == 600  # only the lead is read
