"""`agglowatch retag` over a store: an edited taxonomy re-applied to every document."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml
from typer.testing import CliRunner

from agglowatch.cli import app
from agglowatch.config import load_config
from agglowatch.runner import open_database
from storage.models import Document

ROOT = Path(__file__).resolve().parent.parent


def seed_store(tmp_path: Path, db_url: str, themes: Path, count: int) -> Path:
    path = tmp_path / "agglowatch.yaml"
    path.write_text(f"database: {db_url}\nthemes: {themes}\nseeds: {ROOT / 'seeds'}\n")
    _, factory = open_database(load_config(path))
    now = dt.datetime.now(dt.UTC)
    with factory() as session:
        for i in range(count):
            text = "长三角城市群推进新型基础设施建设。" if i % 2 else "Sports news about a match."
            session.add(
                Document(
                    id=f"d{i:05d}",
                    source="s",
                    url=f"https://x.org/{i}",
                    canonical_url=f"https://x.org/{i}",
                    text_hash=f"h{i}",
                    title=f"T{i}",
                    text=text,
                    cluster_id=f"d{i:05d}",
                    first_seen=now,
                    last_seen=now,
                    changed_at=now,
                    themes=[],
                    regions=[],
                )
            )
        session.commit()
    return path


def test_retag_applies_taxonomy_and_reports_changes(tmp_path: Path, db_url: str) -> None:
    config = seed_store(tmp_path, db_url, ROOT / "themes.yaml", 1200)
    result = CliRunner().invoke(app, ["retag", "--config", str(config), "--json"])
    assert result.exit_code == 0, result.output
    import json

    summary = json.loads(result.stdout)
    assert summary["documents"] == 1200
    assert summary["changed"] == 600
    gained = {row["id"]: row["gained"] for row in summary["changes"]}
    assert gained["theme urban-agglomeration"] == 600
    assert gained["region yangtze-river-delta"] == 600

    taxonomy = yaml.safe_load((ROOT / "themes.yaml").read_text(encoding="utf-8"))
    taxonomy["regions"] = [r for r in taxonomy["regions"] if r["id"] != "yangtze-river-delta"]
    edited = tmp_path / "themes.yaml"
    edited.write_text(yaml.safe_dump(taxonomy, allow_unicode=True), encoding="utf-8")
    config.write_text(config.read_text().replace(str(ROOT / "themes.yaml"), str(edited)))
    again = json.loads(CliRunner().invoke(app, ["retag", "--config", str(config), "--json"]).stdout)
    lost = {row["id"]: row["lost"] for row in again["changes"]}
    assert lost == {"region yangtze-river-delta": 600}
    _, factory = open_database(load_config(config))
    with factory() as session:
        doc = session.get(Document, "d00001")
        assert doc is not None and doc.regions == []
