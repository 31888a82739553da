"""A store filled by real runs for the browse tests: the demo site twice, and a hostile file.

Run 1 reads version 1 of the bundled snapshot site (a bilingual feed and a portal that republishes
one article; one page republishes a seed); the site then switches to version 2 (two new articles,
one edited: a second version) and run 2 reads it. A folder source holds one HTML file whose title
is markup, to check escaping end to end. Then a digest is built (its files, its feed).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from agglowatch.config import Config, load_config
from agglowatch.runner import utcnow
from demo.__main__ import demo_config
from demo.site import SnapshotServer
from tests.test_pipeline_e2e import run_once

# Tag-like text a page shows as text (formatting tags such as <b> are markup the extractor strips).
HOSTILE_TITLE = (
    "<script>alert(1)</script> Chengdu–Chongqing 成渝双城经济圈"
    ' <img src=x onerror=alert(2)> & "quotes"'
)
HOSTILE_PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body><article>
<h1>{title}</h1>
<p>成渝地区双城经济圈建设提速，重庆和成都在交通互联、产业协作和公共服务共享方面推出新举措。</p>
<p>The Chengdu–Chongqing twin-city economic circle announced a joint plan for intercity rail,
shared data centres and a regional innovation fund, aiming at high-quality development of the
urban agglomeration in western China over the next five years.</p></article></body></html>"""


@dataclass(frozen=True, slots=True)
class FilledStore:
    config: Config
    reports: list[dict[str, Any]]
    digest: dict[str, Any]


def fill_store(folder: Path, db_url: str) -> FilledStore:
    """Two monitor runs over the demo site (versions 1 then 2) and one digest, into `db_url`."""
    drop = folder / "drop"
    drop.mkdir(parents=True, exist_ok=True)
    (drop / "hostile.html").write_text(
        HOSTILE_PAGE.format(title=_html_escape(HOSTILE_TITLE)), encoding="utf-8"
    )
    with SnapshotServer(version=1) as site:
        raw = demo_config(site.base_url)
        raw["database"] = db_url
        raw["output"] = str(folder / "out")
        raw["sources"].append({"name": "drop-folder", "kind": "folder", "path": str(drop)})
        path = folder / "agglowatch.yaml"
        path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
        config = load_config(path)
        first = run_once(config)
        site.switch(2)
        second = run_once(config)
    from agglowatch.runner import open_database
    from digest.service import make_digest

    engine, factory = open_database(config)
    now = utcnow() + dt.timedelta(seconds=2)
    digest = make_digest(factory, config, since=None, send=False, now=now)
    engine.dispose()
    return FilledStore(config, [first, second], digest)


def _html_escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class BackgroundServer:
    """A real uvicorn server for an ASGI app on a free loopback port, in a thread."""

    def __init__(self, app: Any) -> None:
        import socket

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BackgroundServer:
        self.thread.start()
        for _ in range(200):
            if self.server.started:
                return self
            time.sleep(0.05)
        raise TimeoutError("uvicorn did not start")

    def __exit__(self, *_: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
