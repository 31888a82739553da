"""Per-host politeness shared by every source of a run: a cap on requests in flight and a minimum
gap between request starts. Different hosts never wait for each other."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Sleep = Callable[[float], Awaitable[None]]


class HostGate:
    """One host's semaphore and start-time schedule.

    Start slots are reserved at `delay` intervals (not "sleep then check"), so concurrent waiters
    never start together and an injected fake sleep still sees the exact delays requested.
    """

    def __init__(
        self, concurrency: int, delay: float, sleep: Sleep, clock: Callable[[], float]
    ) -> None:
        self._semaphore = asyncio.Semaphore(concurrency)
        self.delay = delay
        self._sleep = sleep
        self._clock = clock
        self._next_start = float("-inf")
        self.in_flight = 0

    def raise_delay(self, delay: float) -> None:
        """Widen the gap, including the one after the last reserved start (the robots.txt
        request itself is followed by the Crawl-delay it announced)."""
        if delay > self.delay:
            self._next_start += delay - self.delay
            self.delay = delay

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        async with self._semaphore:
            now = self._clock()
            start = max(now, self._next_start)
            self._next_start = start + self.delay
            if start > now:
                await self._sleep(start - now)
            self.in_flight += 1
            try:
                yield
            finally:
                self.in_flight -= 1


class HostLimits:
    """The run's gates, one per host name (lower case, without port)."""

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

    def gate(self, host: str) -> HostGate:
        key = host.lower()
        if key not in self._gates:
            self._gates[key] = HostGate(self._concurrency, self._delay, self._sleep, self._clock)
        return self._gates[key]

    def raise_delay(self, host: str, delay: float) -> None:
        """Make the gap for `host` at least `delay` (robots.txt Crawl-delay); never lowers it."""
        self.gate(host).raise_delay(delay)

    def delay_for(self, host: str) -> float:
        return self.gate(host).delay
