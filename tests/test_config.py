"""agglowatch.yaml: validated once, unknown keys rejected, errors that say where and what."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agglowatch.cli import app
from agglowatch.config import load_config
from agglowatch.errors import ConfigError
from agglowatch.sharding import parse_shard, select_sources, shard_of

GOOD = """
database: sqlite:///data/x.db
sources:
  - name: one
    kind: feed
    url: https://example.org/feed.xml
  - name: two
    kind: html
    url: https://example.org/list
    links: "ul.news a"
    tags: [zh]
  - name: paused
    kind: crossref
    query: urban agglomeration
    enabled: false
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "agglowatch.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_is_valid() -> None:
    config = load_config(Path(__file__).parent.parent / "agglowatch.yaml")
    assert len(config.sources) >= 8
    kinds = {source.kind for source in config.sources}
    assert {"html", "feed", "crossref", "openalex"} <= kinds


def test_good_config_and_paths_resolve_against_its_folder(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert [s.name for s in config.select()] == ["one", "two"]
    assert config.path(config.output) == tmp_path / "out"
    assert config.fetch.retries == 3


def test_database_override_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGLOWATCH_DATABASE_URL", "sqlite:///env.db")
    assert load_config(write(tmp_path, GOOD)).database == "sqlite:///env.db"
    assert load_config(write(tmp_path, GOOD), "sqlite:///flag.db").database == "sqlite:///flag.db"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "sources:\n  - {name: a, kind: feed, url: 'https://a.example/', selector: x}",
            'source "a", field "selector"',
        ),
        (
            "sources:\n  - {name: a, kind: teletext, url: 'https://a.example/'}",
            'source "a": unknown kind',
        ),
        (
            "sources:\n  - {name: A b, kind: feed, url: 'https://a.example/'}",
            'source "A b", field "name"',
        ),
        (
            "sources:\n  - {name: a, kind: html, url: 'https://a.example/', include: '('}",
            "regular expression",
        ),
        ("fetch: {timeout: -1}", 'field "fetch.timeout"'),
        ("fetch: {timeot: 3}", "unknown key"),
        (
            "sources:\n  - {name: a, kind: feed, url: 'https://a.example/'}"
            "\n  - {name: a, kind: feed, url: 'https://b.example/'}",
            "twice",
        ),
        ("sources: [1, 2", "not valid YAML"),
        ("sources:\n  - {name: off, kind: feed, url: 'https://a.example/'}", "put it in quotes"),
        ("sources:\n  - {name: a, kind: feed, url: 'htp:/feed.xml'}", 'source "a", field "url"'),
        ("sources:\n  - {name: a, kind: html, url: www.example.org/news}", "https://"),
        ("sources:\n  - {name: a, kind: feed, url: 'file:///etc/passwd'}", "http:// or https://"),
        ("sources:\n  - {name: a, kind: sitemap, url: 'http://:80/sitemap.xml'}", "with a host"),
        ("sources:\n  - {name: a, kind: feed, url: 'http://a.example:x/'}", "not a valid URL"),
        ("sources:\n  - {name: a, kind: crossref, base_url: 'localhost:8080'}", "base_url"),
        ("- just a list", "mapping"),
        (
            "sources:\n  - {name: a, kind: html, url: 'https://a.example/', links: 'a[[['}",
            'source "a", field "links": not a valid CSS selector',
        ),
        (
            "sources:\n  - {name: a, kind: html, url: 'https://a.example/', next: 'a:nope'}",
            'field "next"',
        ),
        (
            "sources:\n  - {name: a, kind: feed, url: 'https://a.example/',"
            " fields: {title: 'h1 >'}}",
            'field "fields.title": not a valid CSS selector',
        ),
    ],
)
def test_bad_config_names_file_source_and_field(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert str(path) in str(caught.value)
    assert expected in str(caught.value)


def test_missing_file_says_how_to_choose_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="AGGLOWATCH_CONFIG"):
        load_config(tmp_path / "nope.yaml")


def test_cli_bad_config_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    path = write(tmp_path, "database: sqlite:///data/a.db\nsources:\n  - {name: a, kind: feed}\n")
    result = CliRunner().invoke(app, ["run", "--config", str(path)])
    assert result.exit_code == 2
    assert 'source "a", field "url"' in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["agglowatch.yaml"]


def test_cli_unknown_source_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["run", "--config", str(write(tmp_path, GOOD)), "-s", "zz"])
    assert result.exit_code == 2
    assert "unknown source 'zz'" in result.output


def test_selection_by_name_tag_and_shard(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, GOOD))
    assert [s.name for s in select_sources(config, ["paused"])] == ["paused"]
    assert [s.name for s in select_sources(config, tags=["zh"])] == ["two"]
    shards = [select_sources(config, shard=f"{i}/3") for i in (1, 2, 3)]
    assert sorted(s.name for shard in shards for s in shard) == ["one", "two"]
    assert parse_shard("2/3") == (2, 3)
    assert shard_of("one", 3) == shard_of("one", 3)
    with pytest.raises(ConfigError):
        parse_shard("4/3")
