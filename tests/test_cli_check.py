"""`agglowatch check`: the config as understood; `--live`: what sources yield, writing nothing."""

from __future__ import annotations

import json
from pathlib import Path

from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from agglowatch.cli import app
from tests.e2e_site import news_site
from tests.test_pipeline_e2e import make_config


def test_check_lists_sources_and_kinds(tmp_path: Path) -> None:
    make_config(tmp_path, "sqlite:///db.sqlite", "https://example.org/feed.xml")
    result = CliRunner().invoke(app, ["check", "--config", str(tmp_path / "agglowatch.yaml")])
    assert result.exit_code == 0, result.output
    assert "configuration OK" in result.output
    assert "news" in result.output
    for kind in ("feed", "html", "sitemap", "crossref", "openalex", "folder"):
        assert kind in result.output


def test_check_live_shows_yield_and_writes_nothing(httpserver: HTTPServer, tmp_path: Path) -> None:
    news_site(httpserver)
    extra = f"""  - name: gone
    kind: feed
    url: {httpserver.url_for("/nothing.xml")}
"""
    make_config(tmp_path, "sqlite:///db.sqlite", httpserver.url_for("/feed.xml"), extra)
    config = str(tmp_path / "agglowatch.yaml")
    result = CliRunner().invoke(app, ["check", "--config", config, "--live", "--json"])
    assert result.exit_code == 0, result.output
    by_name = {row["name"]: row for row in json.loads(result.stdout)}
    news = by_name["news"]
    assert news["status"] == "ok" and news["items"] == 2 and news["dated"] == 2
    assert news["languages"] == {"en": 1, "zh": 1}
    assert {s["title"] for s in news["samples"]} >= {"京津冀城市群建设提速"}
    assert by_name["gone"]["status"] == "error" and "404" in by_name["gone"]["error"]
    assert not (tmp_path / "db.sqlite").exists()
    human = CliRunner().invoke(app, ["check", "--config", config, "--live", "-s", "news"])
    assert "2 items" in human.output and "2024-03-06" in human.output


def test_check_lists_exactly_the_registered_kinds() -> None:
    """Plain `check` reads kinds from the config models; they must match the registry."""
    from agglowatch.check import configured_kinds
    from sources.registry import load_kinds

    registered = load_kinds()
    listed = configured_kinds()
    assert set(listed) == set(registered)
    for name, cls in registered.items():
        assert listed[name], f"kind {name} has no help line"
        assert cls.__doc__ and cls.__doc__.strip()
