"""Headless Debian chromium driven over the DevTools protocol (CDP) with `websockets`.

Enough of a browser driver for the browse tests: open a page, type into it, press Enter, wait for
the next load, read the DOM, take a screenshot. No Playwright download: the system browser's own
remote-debugging endpoint is used.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--remote-debugging-port=0",
    "--remote-allow-origins=*",
]


class Page:
    """One tab, attached with a flat session: commands and the events they cause."""

    def __init__(self, socket: ClientConnection, session_id: str) -> None:
        self.socket, self.session_id = socket, session_id
        self._ids = itertools.count(1000)
        self._events: list[dict[str, Any]] = []

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(self._ids)
        payload = {"id": message_id, "method": method, "params": params}
        await self.socket.send(json.dumps({**payload, "sessionId": self.session_id}))
        while True:
            message = json.loads(await self.socket.recv())
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return dict(message.get("result") or {})
            if "method" in message:
                self._events.append(message)

    async def wait_for(self, event: str, timeout: float = 30) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for index, message in enumerate(self._events):
                if message.get("method") == event:
                    return dict(self._events.pop(index).get("params") or {})
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                raise TimeoutError(f"no {event}")
            message = json.loads(await asyncio.wait_for(self.socket.recv(), remaining))
            if "method" in message:
                self._events.append(message)

    async def goto(self, url: str) -> None:
        self._events.clear()
        await self.send("Page.navigate", url=url)
        await self.wait_for("Page.loadEventFired")

    async def evaluate(self, expression: str) -> Any:
        result = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    async def type_and_enter(self, selector: str, text: str) -> None:
        """Focus a field, type `text` as the keyboard would, press Enter, wait for the load."""
        await self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        await self.evaluate(f"document.querySelector({json.dumps(selector)}).select()")
        await self.send("Input.insertText", text=text)
        self._events.clear()
        key = {"key": "Enter", "code": "Enter", "windowsVirtualKeyCode": 13}
        await self.send("Input.dispatchKeyEvent", type="keyDown", text="\r", **key)
        await self.send("Input.dispatchKeyEvent", type="keyUp", **key)
        await self.wait_for("Page.loadEventFired")

    async def screenshot(self, path: Path) -> Path:
        height = await self.evaluate("document.documentElement.scrollHeight")
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=1280,
            height=min(max(int(height or 900), 600), 1600),
            deviceScaleFactor=1,
            mobile=False,
        )
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path


@asynccontextmanager
async def browser_page(profile: Path) -> AsyncIterator[Page]:
    """Start chromium with a fresh profile, open one tab, and close everything afterwards."""
    if CHROMIUM is None:
        raise RuntimeError("no chromium")
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        endpoint = _endpoint(profile, process)
        async with connect(endpoint, max_size=None, open_timeout=30) as socket:
            target = await _browser_call(socket, "Target.createTarget", url="about:blank")
            attached = await _browser_call(
                socket, "Target.attachToTarget", targetId=target["targetId"], flatten=True
            )
            page = Page(socket, attached["sessionId"])
            await page.send("Page.enable")
            await page.send(
                "Emulation.setDeviceMetricsOverride",
                width=1280,
                height=900,
                deviceScaleFactor=1,
                mobile=False,
            )
            yield page
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _endpoint(profile: Path, process: subprocess.Popen[bytes]) -> str:
    """The browser's websocket URL, from the DevToolsActivePort file chromium writes."""
    marker = profile / "DevToolsActivePort"
    for _ in range(300):
        if process.poll() is not None:
            raise RuntimeError(f"chromium exited with {process.returncode}")
        if marker.is_file():
            lines = marker.read_text().split()
            if len(lines) >= 2:
                return f"ws://127.0.0.1:{lines[0]}{lines[1]}"
        time.sleep(0.1)
    raise TimeoutError("chromium did not open its debugging port")


async def _browser_call(socket: ClientConnection, method: str, **params: Any) -> dict[str, Any]:
    message_id = next(_BROWSER_IDS)
    await socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
    while True:
        message = json.loads(await socket.recv())
        if message.get("id") == message_id:
            if "error" in message:
                raise RuntimeError(f"{method}: {message['error']}")
            return dict(message.get("result") or {})


_BROWSER_IDS = itertools.count(1)
