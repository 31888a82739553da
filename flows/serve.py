"""`agglowatch serve`: the deployments of prefect.yaml, scheduled and run in this one process.

The schedules, parameters and concurrency limits come from prefect.yaml so that `serve` and
`prefect deploy --all` never disagree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from agglowatch.config import config_path
from agglowatch.errors import ConfigError
from flows.launch import prefect_defaults

PREFECT_YAML = Path(__file__).resolve().parent.parent / "prefect.yaml"


def deployment_specs(path: Path = PREFECT_YAML) -> list[dict[str, Any]]:
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read the deployments: {exc}") from exc
    specs = document.get("deployments") or []
    if not specs:
        raise ConfigError(f"{path}: no deployments declared")
    return list(specs)


def serve_deployments(config: str | None = None) -> None:
    """Serve every deployment of prefect.yaml, with `config` as their config parameter."""
    prefect_defaults()
    from prefect import serve

    deployments = [_to_deployment(spec, config) for spec in deployment_specs()]
    serve(*deployments)


def _to_deployment(spec: dict[str, Any], config: str | None) -> Any:
    flow = _flow_for(spec["entrypoint"])
    parameters = dict(spec.get("parameters") or {})
    if config:
        parameters["config"] = str(config_path(config).resolve())
    limit = spec.get("concurrency_limit")
    return flow.to_deployment(
        name=spec["name"],
        description=spec.get("description"),
        tags=spec.get("tags"),
        parameters=parameters,
        schedules=[_schedule(s) for s in spec.get("schedules") or []] or None,
        concurrency_limit=limit.get("limit") if isinstance(limit, dict) else limit,
    )


def _schedule(spec: dict[str, Any]) -> Any:
    from prefect.schedules import Cron

    return Cron(spec["cron"], timezone=spec.get("timezone"))


def _flow_for(entrypoint: str) -> Any:
    if entrypoint.endswith(":monitor"):
        from flows.monitor import monitor

        return monitor
    if entrypoint.endswith(":digest"):
        from flows.digest import digest

        return digest
    raise ConfigError(f"prefect.yaml: unknown entrypoint {entrypoint!r}")
