"""The run's HTTP client: polite, retrying, size-capped, SSRF-guarded, conditional GETs.

One `Fetcher` per run owns the shared httpx client, the per-host politeness gates and the
robots.txt cache; each source gets a `SourceFetcher` (the PageFetcher of sources/base.py) with its
own counters and validators.

Counting rules (FetchStats):
- `requests`: every HTTP request actually sent or attempted on the wire — each retry, each
  redirect hop and each robots.txt request count once. URLs refused before sending (scheme,
  private address, robots.txt) count nothing.
- `bytes`: decoded body bytes kept (what ends up in FetchedPage.content, and robots.txt bodies);
  bodies of error, redirect and 304 answers are not read and count nothing.

Size cap: the body is streamed and reading stops at `max_bytes` decoded bytes; a Content-Length
above the cap is not refused up front — the first `max_bytes` are kept and the page is marked
`truncated` and listed in `stats.truncated`. A cut page's ETag and Last-Modified are not kept, so
the next run asks for it in full again (and gets all of it once the cap is raised).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import hashlib
import logging
import math
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType

import httpx

from agglowatch.config import FetchSettings
from agglowatch.errors import BlockedURLError, FetchError, HTTPStatusError
from agglowatch.records import FetchedPage, FetchStats, Validators
from parsers.encoding import decode_body
from sources.bodycap import read_capped
from sources.hostlimits import HostLimits
from sources.mediatype import effective_type, is_text_type, media_type
from sources.netguard import Resolver, check_url, default_resolver, guarded_transport
from sources.robots import (
    ROBOTS_MAX_BYTES,
    RobotsRules,
    agent_token,
    origin_key,
    parse_robots,
    robots_url,
)

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]
DEFAULT_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
ACCEPT_LANGUAGE = "zh-CN,zh;q=0.9,en;q=0.8"
ACCEPT_ENCODING = "gzip, deflate"  # the only codings sources/bodycap.py inflates within the cap
MAX_RETRY_AFTER = 120.0  # seconds; a server asking for longer is given up on, not waited for
MAX_BACKOFF = 60.0
DEADLINE_FACTOR = 10  # one attempt (connect + whole body) may last timeout x this (slow drips)
REDIRECTS = frozenset({301, 302, 303, 307, 308})


@dataclass(slots=True)
class _Reply:
    """One HTTP answer after redirects; the body is read only for 2xx."""

    status: int
    reason: str
    headers: dict[str, str]
    final_url: str = ""
    content: bytes = b""
    truncated: bool = False

    @property
    def location(self) -> str | None:
        return self.headers.get("location") if self.status in REDIRECTS else None


@dataclass(slots=True)
class _Failure:
    """Why an attempt failed in a way worth retrying."""

    kind: str  # status | timeout | connect | broken
    detail: str
    status: int = 0
    retry_after: float | None = None

    def error(self, shown: str, attempts: int) -> FetchError:
        tries = f"after {attempts} attempt{'s' if attempts != 1 else ''}"
        if self.kind == "status":
            return HTTPStatusError(f"{self.detail} from {shown} {tries}", shown, self.status)
        if self.kind == "timeout":
            return FetchError(f"no answer from {shown} in time ({self.detail}) {tries}", shown)
        if self.kind == "connect":
            return FetchError(f"could not connect to fetch {shown} ({self.detail}) {tries}", shown)
        return FetchError(
            f"the connection broke while fetching {shown} ({self.detail}) {tries}", shown
        )


class Fetcher:
    """One per run: the shared client, per-host politeness and the robots.txt cache.

    `transport` replaces the network (tests); by default connections go through
    sources/netguard.py, which re-checks resolved addresses at connect time. `resolver` maps a
    host name to IP strings (default: the system resolver). `sleep` is awaited for every
    politeness gap, backoff and Retry-After wait.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        sleep: Sleep | None = None,
    ) -> None:
        self.settings = settings
        self._resolver = resolver or default_resolver
        self._sleep = sleep or asyncio.sleep
        if transport is None:
            allow = settings.allow_private_addresses
            transport = guarded_transport(self._resolver, allow_private=allow)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
            headers={
                "User-Agent": settings.user_agent,
                "Accept-Language": ACCEPT_LANGUAGE,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )
        self.hosts = HostLimits(settings.per_host_concurrency, settings.per_host_delay, self._sleep)
        self.agent = agent_token(settings.user_agent)
        self.robots_notes: list[str] = []  # robots.txt files that could not be read this run
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    def for_source(
        self, name: str, validators: dict[str, Validators] | None = None
    ) -> SourceFetcher:
        """A PageFetcher for one source; `validators` (url -> Validators) is updated in place."""
        return SourceFetcher(self, name, {} if validators is None else validators)

    # -- one URL, following redirects ---------------------------------------------------------

    async def _fetch(
        self,
        url: httpx.URL,
        headers: dict[str, str],
        stats: FetchStats,
        *,
        cap: int,
        check_robots: bool = True,
    ) -> _Reply:
        """GET `url`, following at most settings.max_redirects redirects, each hop re-checked."""
        start = str(url)
        current = url
        visited = {str(current)}
        for _hop in range(self.settings.max_redirects + 1):
            await self._admit(current, stats, check_robots)
            reply = await self._with_retries(current, headers, stats, cap)
            if reply.location is None:
                reply.final_url = str(current)
                return reply
            current = _redirect_target(current, reply.location)
            if str(current) in visited and "set-cookie" not in reply.headers:
                raise FetchError(f"redirect loop: {start} leads back to {current}", start)
            visited.add(str(current))
        raise FetchError(
            f"too many redirects: {start} still redirects after "
            f"{self.settings.max_redirects} hops (last {current})",
            start,
        )

    async def _admit(self, url: httpx.URL, stats: FetchStats, check_robots: bool) -> None:
        """Refuse before sending: scheme, non-public address, robots.txt."""
        await check_url(url, self._resolver, allow_private=self.settings.allow_private_addresses)
        if check_robots and self.settings.respect_robots:
            rules = await self._rules_for(url, stats)
            if not rules.allows(str(url), self.agent):
                raise BlockedURLError(
                    f"robots.txt of {url.host} disallows {url} for user agent {self.agent!r}",
                    str(url),
                )

    # -- robots.txt ----------------------------------------------------------------------------

    async def _rules_for(self, url: httpx.URL, stats: FetchStats) -> RobotsRules:
        """The origin's rules, fetched once per run whichever source asks first."""
        key = origin_key(url)
        async with self._robots_locks.setdefault(key, asyncio.Lock()):
            if key not in self._robots:
                rules = await self._load_robots(url, stats)
                delay = rules.delay(self.agent)
                if delay:
                    self.hosts.raise_delay(url.host, delay)
                if rules.note:
                    logger.warning(rules.note)
                    self.robots_notes.append(rules.note)
                    stats.errors.append(rules.note)
                self._robots[key] = rules
        return self._robots[key]

    async def _load_robots(self, url: httpx.URL, stats: FetchStats) -> RobotsRules:
        target = robots_url(url)
        headers = {"Accept": "text/plain,*/*;q=0.5"}
        try:
            reply = await self._fetch(
                target, headers, stats, cap=ROBOTS_MAX_BYTES, check_robots=False
            )
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                return RobotsRules()  # no robots.txt: everything is allowed
            return RobotsRules(note=_robots_note(url, exc))
        except FetchError as exc:
            return RobotsRules(note=_robots_note(url, exc))
        return parse_robots(reply.content)

    # -- retries -------------------------------------------------------------------------------

    async def _with_retries(
        self, url: httpx.URL, headers: dict[str, str], stats: FetchStats, cap: int
    ) -> _Reply:
        shown = str(url)
        attempts = self.settings.retries + 1
        for attempt in range(1, attempts + 1):
            outcome = await self._attempt(url, headers, stats, cap)
            if isinstance(outcome, _Reply):
                failure = _judge(outcome, shown)
                if failure is None:
                    return outcome
            else:
                failure = outcome
            if attempt == attempts:
                raise failure.error(shown, attempts)
            wait = self._wait_before_retry(attempt, failure, shown)
            logger.info("retrying %s in %.1f s (%s)", shown, wait, failure.detail)
            await self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait_before_retry(self, attempt: int, failure: _Failure, shown: str) -> float:
        wait: float = min(self.settings.backoff * 2.0 ** (attempt - 1), MAX_BACKOFF)
        if failure.retry_after is None:
            return wait
        if failure.retry_after > MAX_RETRY_AFTER:
            raise HTTPStatusError(
                f"{failure.detail} from {shown}: the server asks to wait "
                f"{failure.retry_after:.0f} s (Retry-After), longer than the "
                f"{MAX_RETRY_AFTER:.0f} s agglowatch waits; it will be tried again next run",
                shown,
                failure.status,
            )
        return max(wait, failure.retry_after)

    async def _attempt(
        self, url: httpx.URL, headers: dict[str, str], stats: FetchStats, cap: int
    ) -> _Reply | _Failure:
        """One request through the host's gate; transport problems become a _Failure."""
        shown = str(url)
        request = self._client.build_request("GET", url, headers=headers)
        try:
            async with self.hosts.gate(url.host).slot():
                async with asyncio.timeout(self.settings.timeout * DEADLINE_FACTOR):
                    stats.requests += 1
                    response = await self._client.send(request, stream=True)
                    try:
                        return await _read(response, stats, cap, shown)
                    finally:
                        await response.aclose()
        except (httpx.TimeoutException, TimeoutError) as exc:
            return _Failure("timeout", f"{type(exc).__name__}, timeout {self.settings.timeout:g} s")
        except httpx.ConnectError as exc:
            if _is_tls_failure(exc):
                raise FetchError(
                    f"{shown}: TLS/certificate failure: {_describe(exc)}", shown
                ) from exc
            return _Failure("connect", _describe(exc))
        except (httpx.NetworkError, httpx.RemoteProtocolError) as exc:
            return _Failure("broken", _describe(exc))
        except httpx.HTTPError as exc:
            raise FetchError(f"{shown}: request failed: {_describe(exc)}", shown) from exc


class SourceFetcher:
    """The PageFetcher handed to one source: shared politeness, own stats and validators."""

    def __init__(self, fetcher: Fetcher, name: str, validators: dict[str, Validators]) -> None:
        self.name = name
        self.stats = FetchStats()
        self.validators = validators
        self._fetcher = fetcher

    async def get(
        self,
        url: str,
        *,
        conditional: bool = True,
        accept: str | None = None,
        params: dict[str, str] | None = None,
    ) -> FetchedPage:
        """GET politely; raises FetchError subclasses; returns status 304 pages when unchanged.

        Validators are keyed by `url` as given (with `params` merged in, when there are any).
        """
        key, target = _target(url, params)
        known = self.validators.get(key)
        asked = _conditional_headers(known) if conditional and known is not None else {}
        headers = {"Accept": accept or DEFAULT_ACCEPT, **asked}
        settings = self._fetcher.settings
        reply = await self._fetcher._fetch(target, headers, self.stats, cap=settings.max_bytes)
        if reply.status == 304:
            return self._not_modified(key, reply, known if asked else None)
        return self._page(key, reply, known)

    def _not_modified(self, key: str, reply: _Reply, known: Validators | None) -> FetchedPage:
        """`known` is None when no conditional header was sent: then a 304 makes no sense."""
        if known is None:
            raise HTTPStatusError(
                f"304 Not Modified from {reply.final_url} although no conditional request was sent",
                key,
                304,
            )
        self.stats.not_modified += 1
        if reply.headers.get("etag"):
            known.etag = reply.headers["etag"]
        return FetchedPage(
            url=key,
            final_url=reply.final_url,
            status=304,
            content=b"",
            content_type=media_type(reply.headers.get("content-type")),
            headers=reply.headers,
            validators=known,
        )

    def _page(self, key: str, reply: _Reply, known: Validators | None) -> FetchedPage:
        header_type = reply.headers.get("content-type")
        content_type = effective_type(header_type, reply.content)
        text = encoding = None
        if is_text_type(content_type):
            text, encoding = decode_body(reply.content, header_type)
        # A cut body keeps no ETag/Last-Modified: else the server answers 304 for ever and the
        # whole page never arrives, not even after fetch.max_bytes is raised.
        cut = reply.truncated
        validators = Validators(
            etag=None if cut else reply.headers.get("etag"),
            last_modified=None if cut else reply.headers.get("last-modified"),
            lastmod=known.lastmod if known else None,
            content_hash=hashlib.sha256(reply.content).hexdigest(),
        )
        self.validators[key] = validators
        if reply.truncated:
            self.stats.truncated.append(key)
        return FetchedPage(
            url=key,
            final_url=reply.final_url,
            status=reply.status,
            content=reply.content,
            content_type=content_type,
            headers=reply.headers,
            encoding=encoding,
            text=text,
            truncated=reply.truncated,
            validators=validators,
        )


async def _read(response: httpx.Response, stats: FetchStats, cap: int, shown: str) -> _Reply:
    """Headers always; the body only for 2xx answers (error and redirect bodies are skipped)."""
    status = response.status_code
    reason = response.reason_phrase or _phrase(status)
    headers = dict(response.headers.items())
    if not 200 <= status < 300:
        return _Reply(status, reason, headers)
    body = await read_capped(response, cap, shown)
    stats.bytes += len(body.content)
    return _Reply(status, reason, headers, content=body.content, truncated=body.truncated)


def _judge(reply: _Reply, shown: str) -> _Failure | None:
    """None for an answer to hand back; a _Failure to retry (429, 5xx); raise for a final 4xx."""
    status = reply.status
    if 200 <= status < 300 or status == 304 or reply.location is not None:
        return None
    label = f"{status} {reply.reason}"
    if status == 429 or status >= 500:
        return _Failure(
            "status", label, status, parse_retry_after(reply.headers.get("retry-after"))
        )
    if status in REDIRECTS:
        label += " without a Location header"
    raise HTTPStatusError(f"{label} from {shown}", shown, status)


def parse_retry_after(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from Retry-After (delta-seconds or HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
        return None if math.isnan(seconds) else max(seconds, 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    current = now or dt.datetime.now(dt.UTC)
    return max((when - current).total_seconds(), 0.0)


def _target(url: str, params: dict[str, str] | None) -> tuple[str, httpx.URL]:
    """(validators key, URL to request): `params` merged in, fragment dropped."""
    try:
        parsed = httpx.URL(url)
        if params:
            parsed = parsed.copy_merge_params(params)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(f"{url!r} is not a valid URL ({exc})", url) from exc
    key = str(parsed) if params else url
    return key, parsed.copy_with(fragment=None)


def _redirect_target(current: httpx.URL, location: str) -> httpx.URL:
    try:
        return current.join(location.strip()).copy_with(fragment=None)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise FetchError(
            f"{current} redirects to an invalid URL {location!r}", str(current)
        ) from exc


def _conditional_headers(known: Validators) -> dict[str, str]:
    headers = {}
    if known.etag:
        headers["If-None-Match"] = known.etag
    if known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers


def _robots_note(url: httpx.URL, exc: FetchError) -> str:
    return f"robots.txt of {url.host} could not be read ({exc}); all its URLs treated as allowed"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "HTTP status"


def _describe(exc: BaseException) -> str:
    return str(exc) or type(exc).__name__


def _is_tls_failure(exc: BaseException) -> bool:
    """A certificate or TLS handshake failure: retrying cannot help."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
