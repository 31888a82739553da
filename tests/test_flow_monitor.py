"""The Prefect flows themselves (few tests: each flow run costs about a second)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from agglowatch.cli import app
from tests.e2e_site import news_site
from tests.test_pipeline_e2e import make_config

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_monitor_flow_stores_and_reports(httpserver: HTTPServer, tmp_path: Path) -> None:
    from flows.monitor import monitor

    news_site(httpserver)
    config = make_config(
        tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", httpserver.url_for("/feed.xml")
    )
    report = asyncio.run(monitor(config=str(tmp_path / "agglowatch.yaml")))
    assert report["totals"]["new"] == 2
    run_dir = config.path(config.output) / "runs" / report["run_id"]
    assert json.loads((run_dir / "report.json").read_text())["run_id"] == report["run_id"]
    assert (run_dir / "report.md").read_text().strip()


def test_cli_run_json_twice(httpserver: HTTPServer, tmp_path: Path) -> None:
    news_site(httpserver)
    make_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", httpserver.url_for("/feed.xml"))
    runner = CliRunner()
    args = ["run", "--config", str(tmp_path / "agglowatch.yaml"), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["totals"]["new"] == 2
    second = runner.invoke(app, args)
    report = json.loads(second.stdout)
    assert report["totals"]["new"] == 0
    assert report["sources"][0]["not_modified"] >= 1


def test_dry_run_writes_nothing(httpserver: HTTPServer, tmp_path: Path) -> None:
    news_site(httpserver)
    make_config(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", httpserver.url_for("/feed.xml"))
    config = str(tmp_path / "agglowatch.yaml")
    result = CliRunner().invoke(app, ["run", "--config", config, "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["totals"]["new"] == 2
    exported = CliRunner().invoke(app, ["export", "--config", config])
    assert exported.stdout == ""
    assert not (tmp_path / "out" / "runs").exists()


def test_one_task_per_source_and_a_dead_source_is_not_retried_by_prefect(
    httpserver: HTTPServer, tmp_path: Path
) -> None:
    """The fetcher is the only retry layer: the failing feed is asked retries + 1 times, once;
    one task run per source (fetch and store together); the run completes around the failure."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.monitor import monitor

    httpserver.expect_request("/down.xml").respond_with_data("busy", status=503)
    news_site(httpserver)
    extra = f"  - {{name: down, kind: feed, url: '{httpserver.url_for('/down.xml')}'}}\n"
    make_config(
        tmp_path, f"sqlite:///{tmp_path / 'db.sqlite'}", httpserver.url_for("/feed.xml"), extra
    )
    flow: Any = monitor
    state: Any = asyncio.run(flow(config=str(tmp_path / "agglowatch.yaml"), return_state=True))
    report: dict[str, Any] = state.result()
    entries = {entry["name"]: entry for entry in report["sources"]}
    assert entries["news"]["new"] == 2 and entries["down"]["status"] == "error"
    assert entries["down"]["requests"] == 4  # retries: 3 (the default), in the fetcher only
    assert [r.path for r, _ in httpserver.log].count("/down.xml") == 4

    async def task_names() -> list[str]:
        async with get_client() as client:
            flow_run = FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
            runs = await client.read_task_runs(flow_run_filter=flow_run)
            return sorted(run.name for run in runs)

    assert asyncio.run(task_names()) == ["monitor down", "monitor news"]
