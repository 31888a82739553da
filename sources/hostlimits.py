"""Per-host politeness shared by every source of a run: a cap on requests in flight and a minimum
gap between requests, for all of a host's slots together. Different hosts never wait for each other.

A "host" is the name plus any non-default port (`example.org` for http and https alike,
`127.0.0.1:8081`): servers on one name but different ports are different servers.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx

Sleep = Callable[[float], Awaitable[None]]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(url: httpx.URL) -> str:
    """The politeness key of `url`: lower-case host, with the port when it is not the default."""
    host = url.host.lower()
    if url.port is None or url.port == _DEFAULT_PORTS.get(url.scheme):
        return host
    return f"{host}:{url.port}"


class Answered:
    """Handed to the holder of a slot: call it when the server's answer (headers) arrived."""

    def __init__(self, gate: HostGate) -> None:
        self._gate = gate
        self.holds_turn = False
        self.done = False

    def __call__(self) -> None:
        if not self.done:
            self.done = True
            self._gate._answered(self.holds_turn)


class HostGate:
    """One host's semaphore and request schedule.

    With a delay, the gap runs from the moment the previous request was *answered* (its headers
    arrived, or it failed) to the next request's start. That is the only moment the client knows
    the server has seen the request, so the gap the server sees is never shorter than the delay,
    whatever the number of slots: one request at a time is in its "sending" phase, the others
    wait for their turn (their bodies may still download in parallel).
    """

    def __init__(
        self, concurrency: int, delay: float, sleep: Sleep, clock: Callable[[], float]
    ) -> None:
        self._semaphore = asyncio.Semaphore(concurrency)
        self._turn = asyncio.Lock()
        self.delay = delay
        self._sleep = sleep
        self._clock = clock
        self._last_answer = float("-inf")
        self.in_flight = 0

    def raise_delay(self, delay: float) -> None:
        """Widen the gap, including the one after the last answer (the robots.txt request itself
        is followed by the Crawl-delay it announced)."""
        self.delay = max(self.delay, delay)

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[Answered]:
        async with self._semaphore:
            answered = Answered(self)
            try:
                if self.delay > 0:
                    await self._turn.acquire()
                    answered.holds_turn = True
                    wait = self._last_answer + self.delay - self._clock()
                    if wait > 0:
                        await self._sleep(wait)
                self.in_flight += 1
                try:
                    yield answered
                finally:
                    self.in_flight -= 1
            finally:
                answered()

    def _answered(self, holds_turn: bool) -> None:
        self._last_answer = max(self._last_answer, self._clock())
        if holds_turn:
            self._turn.release()


class HostLimits:
    """The run's gates, one per host key (see host_key)."""

    def __init__(
        self,
        concurrency: int,
        delay: float,
        sleep: Sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._concurrency = concurrency
        self._delay = delay
        self._sleep = sleep
        self._clock = clock
        self._gates: dict[str, HostGate] = {}

    def gate(self, key: str) -> HostGate:
        key = key.lower()
        if key not in self._gates:
            self._gates[key] = HostGate(self._concurrency, self._delay, self._sleep, self._clock)
        return self._gates[key]

    def raise_delay(self, key: str, delay: float) -> None:
        """Make the gap for `key` at least `delay` (robots.txt Crawl-delay); never lowers it."""
        self.gate(key).raise_delay(delay)

    def delay_for(self, key: str) -> float:
        return self.gate(key).delay
