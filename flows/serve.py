"""`agglowatch serve`: the deployments of prefect.yaml, scheduled and run in this one process.

The schedules (with their time zones), parameters, tags and concurrency limits come from
prefect.yaml so that `serve` and `prefect deploy --all` never disagree. Only the work pool and the
pull steps are left out: served runs execute here, in this process's folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import os
import signal
from pathlib import Path
from typing import Any

import yaml

from agglowatch.config import config_path
from agglowatch.errors import ConfigError
from flows.launch import PREFECT_DEFAULTS

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"
# A one-shot CLI run keeps Prefect quiet; served runs keep INFO, so the UI shows per-source lines.
SERVE_DEFAULTS = {k: v for k, v in PREFECT_DEFAULTS.items() if k != "PREFECT_LOGGING_LEVEL"}
SCHEDULE_KEYS = {"cron", "interval", "rrule", "timezone", "anchor_date", "day_or", "active",
                 "parameters", "slug"}  # fmt: skip


def deployment_specs(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    """The `deployments:` entries of prefect.yaml, each a mapping with at least a name."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the deployments: {exc}") from exc
    specs = document.get("deployments") if isinstance(document, dict) else None
    if not specs or not isinstance(specs, list):
        raise ConfigError(f"{path}: no deployments declared")
    for spec in specs:
        if not isinstance(spec, dict) or not spec.get("name") or not spec.get("entrypoint"):
            raise ConfigError(f"{path}: every deployment needs a name and an entrypoint")
    return specs


def serve_deployments(config: str | None = None) -> None:
    """Serve every deployment of prefect.yaml with the resolved config file as `config`.

    The config path is made absolute here (from --config, AGGLOWATCH_CONFIG or the default), so
    the UI shows the file the served runs really read, whatever their working directory.
    """
    for key, value in SERVE_DEFAULTS.items():
        os.environ.setdefault(key, value)
    config_file = str(config_path(config).resolve())
    deployments = [to_deployment(spec, config_file) for spec in deployment_specs()]
    refuse_worker_deployments(deployments)
    run_until_stopped(deployments)


def run_until_stopped(deployments: list[Any]) -> None:
    """prefect.serve, except that SIGTERM stops it the way Ctrl-C does.

    Prefect 3.8.8's own SIGTERM handler exits without awaiting the runner's stop, and then mostly
    skips pausing the schedules (measured: 1 pause in 5 SIGTERMs, 5 in 5 Ctrl-Cs). A service
    manager stops with SIGTERM, so it is turned into SIGINT: asyncio cancels the runner, which
    pauses every schedule on its way out (starting serve again resumes them).
    """
    from prefect.runner import Runner

    class GracefulRunner(Runner):
        def handle_sigterm(self, *args: Any, **kwargs: Any) -> None:
            signal.raise_signal(signal.SIGINT)

    runner = GracefulRunner(pause_on_shutdown=True)
    for deployment in deployments:
        runner.add_deployment(deployment)
    names = ", ".join(f"{d.flow_name}/{d.name}" for d in deployments)
    print(f"serving {names}; Ctrl-C or SIGTERM stops (and pauses their schedules)", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(runner.start())


def refuse_worker_deployments(deployments: list[Any]) -> None:
    """Stop if `prefect deploy` already registered one of these names for a work pool.

    Prefect 3.8.8 updates such a deployment in place but keeps its work pool and loses its code
    location, so every served run would crash; better to say so and let the user choose.
    """
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    with get_client(sync_client=True) as client:
        for deployment in deployments:
            name = f"{deployment.flow_name}/{deployment.name}"
            try:
                existing = client.read_deployment_by_name(name)
            except ObjectNotFound:
                continue
            if existing.work_pool_name:
                raise ConfigError(
                    f"deployment {name!r} is registered for the work pool "
                    f"{existing.work_pool_name!r} (by `prefect deploy`) and runs on a worker; "
                    f"to serve it here instead, delete it first: "
                    f"prefect deployment delete {name!r}"
                )


def to_deployment(spec: dict[str, Any], config_file: str) -> Any:
    """A RunnerDeployment for one prefect.yaml entry."""
    flow = _flow_for(spec["entrypoint"])
    parameters = {**(spec.get("parameters") or {}), "config": config_file}
    schedules = [schedule(s) for s in spec.get("schedules") or []] or None
    try:
        return flow.to_deployment(
            name=spec["name"],
            description=spec.get("description"),
            tags=spec.get("tags"),
            parameters=parameters,
            schedules=schedules,
            concurrency_limit=concurrency_limit(spec.get("concurrency_limit")),
        )
    except ValueError as exc:  # pydantic's ValidationError: a misspelt timezone, tags...
        raise ConfigError(f"prefect.yaml: deployment {spec['name']!r}: {_brief(exc)}") from None


def _brief(exc: ValueError) -> str:
    """pydantic's message without its documentation links."""
    lines = str(exc).splitlines()
    return " ".join(line.strip() for line in lines if "errors.pydantic.dev" not in line)


def schedule(spec: dict[str, Any]) -> Any:
    """A prefect.yaml schedule entry (cron, interval in seconds, or rrule; time zone kept)."""
    from prefect.schedules import Schedule

    unknown = set(spec) - SCHEDULE_KEYS
    if unknown:
        raise ConfigError(f"prefect.yaml: unknown schedule keys {sorted(unknown)}")
    values = dict(spec)
    if isinstance(values.get("interval"), int | float):
        values["interval"] = dt.timedelta(seconds=values["interval"])
    try:
        return Schedule(**values)
    except ValueError as exc:
        raise ConfigError(f"prefect.yaml: schedule {spec}: {exc}") from None


def concurrency_limit(value: Any) -> Any:
    """`limit: n` or `{limit, collision_strategy, ...}`, the two forms prefect.yaml accepts."""
    if not isinstance(value, dict):
        return value
    from prefect.client.schemas.objects import ConcurrencyLimitConfig

    return ConcurrencyLimitConfig.model_validate(value)


def _flow_for(entrypoint: str) -> Any:
    if entrypoint.endswith(":monitor"):
        from flows.monitor import monitor

        return monitor
    if entrypoint.endswith(":digest"):
        from flows.digest import digest

        return digest
    raise ConfigError(f"prefect.yaml: unknown entrypoint {entrypoint!r}")
