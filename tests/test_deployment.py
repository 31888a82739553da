"""Issue 7 end to end on a real Prefect server on loopback.

`prefect --no-prompt deploy --all` from this folder registers both deployments (schedules, parameter
forms, tags, pool, concurrency); a worker runs the monitor deployment with parameters given through
the API and the documents land in the database; `agglowatch serve` registers the same schedules.
The tests share one server (module scope) and run in file order: the last one replaces the
deployed deployments by served ones.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
import yaml
from pytest_httpserver import HTTPServer

from agglowatch.config import load_config
from agglowatch.export import export_documents
from tests.e2e_site import news_site

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SERVER_BUDGET = 45.0  # seconds for `prefect server start` to answer /health, else skip
SHANGHAI = ZoneInfo("Asia/Shanghai")
SPECS = {spec["name"]: spec for spec in yaml.safe_load((ROOT / "prefect.yaml").read_text())[
    "deployments"]}  # fmt: skip


@dataclass
class Server:
    url: str
    env: dict[str, str]
    api: httpx.Client
    home: Path

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        """One API call; a 503 (the server's SQLite busy under load) is retried, as Prefect's
        own client does."""
        for _ in range(10):
            response = self.api.request(method, path, json=body)
            if response.status_code != 503:
                break
            time.sleep(1)
        return response

    def get(self, path: str) -> Any:
        response = self.request("GET", path)
        response.raise_for_status()
        return response.json()

    def post(self, path: str, body: dict[str, Any]) -> Any:
        response = self.request("POST", path, body)
        response.raise_for_status()
        return response.json()

    def deployment(self, name: str) -> dict[str, Any]:
        result: dict[str, Any] = self.get(f"/deployments/name/{name}")
        return result


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start(args: list[str], env: dict[str, str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    """A child in its own process group, so that stopping it stops whatever it spawned."""
    with log.open("wb") as out:
        return subprocess.Popen(
            args, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def tail(log: Path, lines: int = 40) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def wait_for(check: Callable[[], Any], seconds: float, what: str) -> Any:
    """Poll `check` until it returns something truthy (a readiness wait, not a timing assertion)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"{what}: not within {seconds:.0f} s")


@pytest.fixture(scope="module")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("prefect-server")
    url = f"http://127.0.0.1:{free_port()}/api"
    env = {
        **os.environ,
        "PREFECT_HOME": str(home / "home"),
        "PREFECT_API_URL": url,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{home / 'prefect.db'}",
        "PREFECT_LOGGING_LEVEL": "INFO",
    }
    port = url.rsplit(":", 1)[1].split("/")[0]
    log = home / "server.log"
    command = [str(BIN / "prefect"), "server", "start", "--no-ui", "--host", "127.0.0.1"]
    server = start([*command, "--port", port], env, home, log)
    api = httpx.Client(base_url=url, timeout=30)
    try:
        _wait_healthy(server, api, log)
        yield Server(url, env, api, home)
    finally:
        api.close()
        stop(server)


def _wait_healthy(server: subprocess.Popen[bytes], api: httpx.Client, log: Path) -> None:
    deadline = time.monotonic() + SERVER_BUDGET
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"prefect server exited with {server.returncode}:\n{tail(log)}")
        try:
            if api.get("/health").json() is True:
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    pytest.skip(f"prefect server did not answer /health within {SERVER_BUDGET:.0f} s")


@pytest.fixture(scope="module")
def deployed(prefect_server: Server) -> Server:
    """The `process` pool and `prefect --no-prompt deploy --all` run from the project folder."""
    prefect(prefect_server, "work-pool", "create", "agglowatch", "--type", "process")
    prefect(prefect_server, "--no-prompt", "deploy", "--all")
    return prefect_server


def prefect(server: Server, *args: str) -> None:
    """The `prefect` command line, from the project folder, as the README has the user run it."""
    result = subprocess.run(
        [str(BIN / "prefect"), *args],
        cwd=ROOT, env=server.env, capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def write_config(tmp_path: Path, feed_url: str) -> Path:
    path = tmp_path / "agglowatch.yaml"
    path.write_text(
        f"""
database: sqlite:///{tmp_path / "agglowatch.db"}
output: {tmp_path / "out"}
seeds: {ROOT / "seeds"}
themes: {ROOT / "themes.yaml"}
fetch: {{allow_private_addresses: true, per_host_delay: 0, backoff: 0.01, respect_robots: false}}
sources:
  - {{name: news, kind: feed, url: '{feed_url}'}}
""",
        encoding="utf-8",
    )
    return path


def _schedule(deployment: dict[str, Any]) -> list[tuple[str, str]]:
    return [(s["schedule"]["cron"], s["schedule"]["timezone"]) for s in deployment["schedules"]]


def test_deploy_all_registers_both_deployments(deployed: Server) -> None:
    monitor = deployed.deployment("monitor/daily")
    digest = deployed.deployment("digest/weekly")
    assert _schedule(monitor) == [("0 7 * * *", "Asia/Shanghai")]
    assert _schedule(digest) == [("0 8 * * 1", "Asia/Shanghai")]
    for deployment, spec in ((monitor, SPECS["daily"]), (digest, SPECS["weekly"])):
        assert deployment["work_pool_name"] == "agglowatch"
        assert deployment["tags"] == spec["tags"]
        assert deployment["parameters"] == spec["parameters"]
        assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
        assert deployment["global_concurrency_limit"]["limit"] == 1
        (step,) = deployment["pull_steps"]  # the folder deploy ran in, resolved at deploy time
        directory = step["prefect.deployments.steps.set_working_directory"]["directory"]
        assert os.path.realpath(directory) == os.path.realpath(ROOT)
        form = deployment["parameter_openapi_schema"]["properties"]
        assert set(spec["parameters"]) <= set(form)
        assert all(field.get("description") for field in form.values()), form
    form = monitor["parameter_openapi_schema"]["properties"]
    assert form["shard"]["description"].startswith('"i/n" to take the i-th of n shards')
    assert form["dry_run"]["type"] == "boolean"
    assert digest["parameter_openapi_schema"]["properties"]["since"]["description"].startswith(
        "ISO date"
    )


def test_monitor_deployment_runs_on_a_worker(
    deployed: Server, httpserver: HTTPServer, tmp_path: Path
) -> None:
    news_site(httpserver)
    config = write_config(tmp_path, httpserver.url_for("/feed.xml"))
    deployment_id = deployed.deployment("monitor/daily")["id"]
    parameters = {"config": str(config), "sources": ["news"]}
    flow_run = deployed.post(
        f"/deployments/{deployment_id}/create_flow_run",
        {"parameters": parameters, "work_queue_name": "e2e"},  # only this run: not the schedule's
    )
    log = tmp_path / "worker.log"
    command = ["worker", "start", "--pool", "agglowatch", "--work-queue", "e2e", "--run-once"]
    worker = start([str(BIN / "prefect"), *command], deployed.env, tmp_path, log)
    try:
        worker.wait(timeout=180)
    except subprocess.TimeoutExpired:
        pytest.fail(f"the worker did not finish the run:\n{tail(log)}")
    finally:
        stop(worker)

    state = deployed.get(f"/flow_runs/{flow_run['id']}")["state"]
    assert state["type"] == "COMPLETED", f"{state}\n{tail(log)}"
    documents = exported(config)
    assert sorted(d["title"] for d in documents) == [
        "New infrastructure for urban clusters",
        "京津冀城市群建设提速",
    ]
    assert wait_for(lambda: _logged(deployed, flow_run["id"], SOURCE_LINE), 30, "run's logs")
    artifacts = deployed.post(
        "/artifacts/filter", {"artifacts": {"flow_run_id": {"any_": [flow_run["id"]]}}}
    )
    assert "monitor-report" in {artifact["key"] for artifact in artifacts}


def exported(config: Path) -> list[dict[str, Any]]:
    buffer = io.StringIO()
    export_documents(load_config(config), buffer, "jsonl")
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


def test_serve_refuses_names_deployed_for_a_worker(deployed: Server, tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from agglowatch.errors import ConfigError
    from flows.serve import deployment_specs, refuse_worker_deployments, to_deployment

    config = str(write_config(tmp_path, "http://127.0.0.1:1/feed.xml"))
    served = [to_deployment(spec, config) for spec in deployment_specs()]
    with (
        temporary_settings({PREFECT_API_URL: deployed.url}),
        pytest.raises(ConfigError, match=r"prefect deployment delete 'monitor/daily'"),
    ):
        refuse_worker_deployments(served)


def test_serve_registers_both_schedules_and_runs_them(
    prefect_server: Server, httpserver: HTTPServer, tmp_path: Path
) -> None:
    for name in ("monitor/daily", "digest/weekly"):  # what `prefect deploy` left, if it ran
        response = prefect_server.request("GET", f"/deployments/name/{name}")
        if response.status_code == 200:
            deleted = prefect_server.request("DELETE", f"/deployments/{response.json()['id']}")
            deleted.raise_for_status()
    news_site(httpserver)
    config = write_config(tmp_path, httpserver.url_for("/feed.xml"))
    log = tmp_path / "serve.log"
    command = [str(BIN / "agglowatch"), "serve", "--config", str(config)]
    serve = start(command, prefect_server.env, ROOT, log)
    try:
        monitor = wait_for(lambda: _served(prefect_server, "monitor/daily", config), 90, "serve")
        digest = wait_for(lambda: _served(prefect_server, "digest/weekly", config), 30, "serve")
        assert serve.poll() is None, tail(log)
        assert _schedule(monitor) == [("0 7 * * *", "Asia/Shanghai")]
        assert _schedule(digest) == [("0 8 * * 1", "Asia/Shanghai")]
        for deployment in (monitor, digest):
            assert deployment["work_pool_name"] is None and not deployment["pull_steps"]
            assert deployment["concurrency_options"]["collision_strategy"] == "CANCEL_NEW"
            assert deployment["paused"] is False
        daily = wait_for(lambda: _scheduled(prefect_server, monitor["id"]), 60, "daily runs")
        weekly = wait_for(lambda: _scheduled(prefect_server, digest["id"]), 30, "weekly runs")
        assert {(t.hour, t.minute) for t in daily} == {(7, 0)}
        assert {(t.weekday(), t.hour, t.minute) for t in weekly} == {(0, 8, 0)}
        flow_run = prefect_server.post(f"/deployments/{monitor['id']}/create_flow_run", {})
        state = wait_for(lambda: _final_state(prefect_server, flow_run["id"]), 120, "served run")
        assert state == "COMPLETED", tail(log)
        assert len(exported(config)) == 2
        assert wait_for(lambda: _logged(prefect_server, flow_run["id"], SOURCE_LINE), 30, "logs")
        os.kill(serve.pid, signal.SIGTERM)
        serve.wait(timeout=30)
    finally:
        stop(serve, signal.SIGKILL)
    assert prefect_server.deployment("monitor/daily")["paused"] is True, tail(
        log
    )  # stopping pauses


SOURCE_LINE = "source news: ok, 2 items, 2 new"


def _logged(server: Server, flow_run_id: str, line: str) -> bool:
    """Whether the run's logs hold `line`: logs reach the server in batches, after the state."""
    logs = server.post("/logs/filter", {"logs": {"flow_run_id": {"any_": [flow_run_id]}}})
    return any(line in entry["message"] for entry in logs)


def _served(server: Server, name: str, config: Path) -> dict[str, Any] | None:
    response = server.request("GET", f"/deployments/name/{name}")
    if response.status_code != 200:
        return None
    deployment: dict[str, Any] = response.json()
    return deployment if deployment["parameters"].get("config") == str(config) else None


def _final_state(server: Server, flow_run_id: str) -> str | None:
    state = server.get(f"/flow_runs/{flow_run_id}")["state"]
    final = state["type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED")
    return str(state["type"]) if final else None


def _scheduled(server: Server, deployment_id: str) -> list[dt.datetime]:
    """Start times, in Asia/Shanghai, of the runs the server's scheduler created."""
    runs = server.post(
        "/flow_runs/filter",
        {"flow_runs": {"deployment_id": {"any_": [deployment_id]},
                       "state": {"type": {"any_": ["SCHEDULED"]}}}},
    )  # fmt: skip
    return [
        dt.datetime.fromisoformat(run["expected_start_time"]).astimezone(SHANGHAI)
        for run in runs
        if run["auto_scheduled"]
    ]
