"""robots.txt rules for one origin, parsed with protego.

Policy (agreed for agglowatch, more lenient than RFC 9309 on server errors): a 4xx answer means
"no rules, allow all"; a 5xx answer or an unreachable server also allows all, but the reason is
kept as a note for the run report so the user sees that rules could not be read.

Caching (RFC 9309 section 2.4): a robots.txt read less than ROBOTS_FRESH ago is used without asking
again; an older one is asked for conditionally (If-None-Match / If-Modified-Since), and a 304
renews it. When a refresh fails, the cached copy is used (with a note), as the RFC allows.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import httpx
from protego import Protego

from agglowatch.records import Validators

ROBOTS_MAX_BYTES = 512_000  # Google reads the first 500 KiB; later rules are ignored as they do
ROBOTS_FRESH = dt.timedelta(hours=24)  # the longest RFC 9309 lets a copy be used unchecked
MAX_CRAWL_DELAY = 60.0  # seconds; a larger Crawl-delay would stall the run, so it is capped
_DEFAULT_PORTS = {"http": 80, "https": 443}
_TOKEN = re.compile(r"[A-Za-z0-9_\-]+")


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one origin's robots.txt allows; `parser` None means everything is allowed."""

    parser: Protego | None = None
    note: str | None = None  # why the rules could not be read (5xx, unreachable)

    def allows(self, url: str, agent: str) -> bool:
        return self.parser is None or self.parser.can_fetch(url, agent)

    def delay(self, agent: str) -> float | None:
        """Seconds between requests the site asks for (Crawl-delay, else Request-rate), capped."""
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(agent)
        rate = self.parser.request_rate(agent)
        if delay is None and rate is not None and rate.requests > 0:
            delay = rate.seconds / rate.requests
        return None if delay is None else min(max(float(delay), 0.0), MAX_CRAWL_DELAY)


@dataclass(slots=True)
class RobotsRecord:
    """One origin's robots.txt as last read, kept between runs (storage/source_state.py)."""

    origin: str  # origin_key()
    body: bytes | None  # None: there is no robots.txt (a 4xx answer), everything is allowed
    fetched_at: dt.datetime  # when the server last confirmed it (200, 304 or 4xx)
    etag: str | None = None
    last_modified: str | None = None

    def fresh(self, now: dt.datetime) -> bool:
        return now - self.fetched_at < ROBOTS_FRESH

    def rules(self, note: str | None = None) -> RobotsRules:
        if self.body is None:
            return RobotsRules(note=note)
        parsed = parse_robots(self.body)
        return RobotsRules(parser=parsed.parser, note=note)

    def conditional_headers(self) -> dict[str, str]:
        if self.body is None:
            return {}  # a 4xx has no validators worth sending: ask plainly
        return Validators(etag=self.etag, last_modified=self.last_modified).conditional_headers()


def parse_robots(content: bytes) -> RobotsRules:
    """Rules from a robots.txt body (UTF-8 per RFC 9309; bad bytes are replaced, not fatal)."""
    text = content.decode("utf-8", errors="replace").lstrip("\ufeff")
    return RobotsRules(parser=Protego.parse(text))


def robots_url(url: httpx.URL) -> httpx.URL:
    """The robots.txt URL of `url`'s origin (scheme, host and port)."""
    return httpx.URL(scheme=url.scheme, host=url.host, port=url.port, path="/robots.txt")


def origin_key(url: httpx.URL) -> str:
    """scheme://host:port with the default port spelled out, so :443 and no port are one origin."""
    port = url.port or _DEFAULT_PORTS.get(url.scheme, 0)
    return f"{url.scheme}://{url.raw_host.decode('ascii').lower()}:{port}"


def agent_token(user_agent: str) -> str:
    """The product token robots.txt groups match against ("agglowatch" of "agglowatch/0.1 (...)");
    matching the whole header would let words in the contact URL match other groups."""
    match = _TOKEN.match(user_agent.strip())
    return match.group(0) if match else user_agent
