"""The run's HTTP client: polite, retrying, size-capped, SSRF-guarded, conditional GETs.

One `Fetcher` per run owns the shared httpx client, the per-host politeness gates and the
robots.txt cache; each source gets a `SourceFetcher` (the PageFetcher of sources/base.py) with its
own counters and validators.

Counting rules (FetchStats):
- `requests`: every HTTP request actually sent or attempted on the wire — each retry, each
  redirect hop and each robots.txt request count once. URLs refused before sending (scheme,
  private address, robots.txt) count nothing.
- `bytes`: decoded body bytes kept (what ends up in FetchedPage.content, and robots.txt bodies);
  bodies of error, redirect and 304 answers are not read and count nothing, except the first
  ERROR_DETAIL_BYTES of a JSON 4xx answer: an API says there what was wrong with the request
  (Crossref: "Filter from-pub-dat specified but there is no such filter"), and the error says it.

Retries (the run's only retry layer): connect errors, timeouts, broken connections, 429 and 5xx
are retried `retries` times with exponential backoff (counted from the start of the failed attempt,
so a timeout is not followed by a second wait) and Retry-After honoured. A host pays for its
retries once per run: after a request to it failed every attempt on timeouts or connect errors it
is "down" and not asked again this run; after one failed every attempt on 429/5xx it is "failing"
and further requests get a single attempt until one succeeds. A source's fetcher may have a
smaller budget (`SourceFetcher.retries`: 0 for a source that has been broken for runs).

Size cap: the body is streamed and reading stops at `max_bytes` decoded bytes; a Content-Length
above the cap is not refused up front — the first `max_bytes` are kept and the page is marked
`truncated` and listed in `stats.truncated`. A cut page keeps its ETag and Last-Modified with the
cap it was cut at (`Validators.cut_at`): the next run asks conditionally, and a 304 means "still the
same page over the cap" (listed in `stats.cut_unchanged`, not downloaded again); once the cap is
raised above `cut_at` the page is asked for in full.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import hashlib
import json
import logging
import math
import ssl
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any

import httpx

from agglowatch.config import FetchSettings
from agglowatch.errors import BlockedURLError, FetchError, HTTPStatusError
from agglowatch.records import FetchedPage, FetchStats, Validators
from parsers.encoding import decode_body
from sources.bodycap import head_hash, read_capped
from sources.hostlimits import HostLimits, host_key
from sources.mediatype import effective_type, is_text_type, media_type
from sources.netguard import Resolver, check_url, default_resolver, guarded_transport
from sources.robots import (
    ROBOTS_MAX_BYTES,
    RobotsRecord,
    RobotsRules,
    agent_token,
    origin_key,
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
ERROR_DETAIL_BYTES = 8192


@dataclass(slots=True)
class _Reply:
    """One HTTP answer after redirects; the body is read only for 2xx."""

    status: int
    reason: str
    headers: dict[str, str]
    final_url: str = ""
    detail: str = ""  # what a JSON 4xx answer says was wrong (see ERROR_DETAIL_BYTES)
    content: bytes = b""
    truncated: bool = False
    same_cut: bool = False  # the body cut last time, recognised by length and first bytes

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
    elapsed: float = 0.0  # seconds the failed attempt took

    @property
    def unreachable(self) -> bool:
        """No answer at all: the host, not this URL, is the problem."""
        return self.kind in ("timeout", "connect")

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
    politeness gap, backoff and Retry-After wait. `robots_cache` (origin -> RobotsRecord) holds the
    robots.txt files of earlier runs; those read or renewed this run are in `robots_updates`.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver | None = None,
        sleep: Sleep | None = None,
        robots_cache: dict[str, RobotsRecord] | None = None,
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
        self._robots_cache = dict(robots_cache or {})
        self.robots_updates: dict[str, RobotsRecord] = {}
        self.down: dict[str, str] = {}  # host key -> why it is not asked again this run
        self._failing: set[str] = set()  # host keys whose last request ran out of retries

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
        self,
        name: str,
        validators: dict[str, Validators] | None = None,
        *,
        retries: int | None = None,
    ) -> SourceFetcher:
        """A PageFetcher for one source; `validators` (url -> Validators) is updated in place.
        `retries` lowers the retry budget of this source's requests (never raises it)."""
        fetcher = SourceFetcher(self, name, {} if validators is None else validators)
        if retries is not None:
            fetcher.retries = min(retries, self.settings.retries)
        return fetcher

    # -- one URL, following redirects ---------------------------------------------------------

    async def _fetch(
        self,
        url: httpx.URL,
        headers: dict[str, str],
        stats: FetchStats,
        *,
        cap: int,
        check_robots: bool = True,
        retries: int | None = None,
        cut: Probe | None = None,
    ) -> _Reply:
        """GET `url`, following at most settings.max_redirects redirects, each hop re-checked.
        `cut` describes the body cut at the cap last time, to recognise it without validators."""
        start = str(url)
        current = url
        visited = {str(current)}
        for _hop in range(self.settings.max_redirects + 1):
            await self._admit(current, stats, check_robots, retries)
            reply = await self._with_retries(current, headers, stats, cap, retries, cut)
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

    async def _admit(
        self, url: httpx.URL, stats: FetchStats, check_robots: bool, retries: int | None
    ) -> None:
        """Refuse before sending: scheme, non-public address, robots.txt."""
        await check_url(url, self._resolver, allow_private=self.settings.allow_private_addresses)
        if check_robots and self.settings.respect_robots:
            rules = await self._rules_for(url, stats, retries)
            if not rules.allows(str(url), self.agent):
                raise BlockedURLError(
                    f"robots.txt of {url.host} disallows {url} for user agent {self.agent!r}",
                    str(url),
                )

    # -- robots.txt ----------------------------------------------------------------------------

    async def _rules_for(
        self, url: httpx.URL, stats: FetchStats, retries: int | None
    ) -> RobotsRules:
        """The origin's rules, read once per run whichever source asks first."""
        key = origin_key(url)
        async with self._robots_locks.setdefault(key, asyncio.Lock()):
            if key not in self._robots:
                rules = await self._load_robots(url, key, stats, retries)
                delay = rules.delay(self.agent)
                if delay:
                    self.hosts.raise_delay(host_key(url), delay)
                if rules.note:
                    logger.warning(rules.note)
                    self.robots_notes.append(rules.note)
                    stats.errors.append(rules.note)
                self._robots[key] = rules
        return self._robots[key]

    async def _load_robots(
        self, url: httpx.URL, key: str, stats: FetchStats, retries: int | None
    ) -> RobotsRules:
        """From the cache while fresh, else asked for (conditionally when cached)."""
        now = dt.datetime.now(dt.UTC)
        cached = self._robots_cache.get(key)
        if cached is not None and cached.fresh(now):
            return cached.rules()
        asked = cached.conditional_headers() if cached is not None else {}
        headers = {"Accept": "text/plain,*/*;q=0.5", **asked}
        target = robots_url(url)
        try:
            reply = await self._fetch(
                target, headers, stats, cap=ROBOTS_MAX_BYTES, check_robots=False, retries=retries
            )
        except HTTPStatusError as exc:
            if 400 <= exc.status < 500 and exc.status != 429:
                return self._remember_robots(RobotsRecord(key, None, now)).rules()
            return _stale_or_none(url, exc, cached)
        except FetchError as exc:
            return _stale_or_none(url, exc, cached)
        if reply.status == 304 and cached is not None and asked:
            renewed = RobotsRecord(key, cached.body, now, cached.etag, cached.last_modified)
            if reply.headers.get("etag"):
                renewed.etag = reply.headers["etag"]
            return self._remember_robots(renewed).rules()
        if reply.status == 304:
            error = FetchError(f"304 Not Modified from {target} to a plain request", str(target))
            return _stale_or_none(url, error, cached)
        record = RobotsRecord(
            key,
            reply.content,
            now,
            reply.headers.get("etag"),
            reply.headers.get("last-modified"),
        )
        return self._remember_robots(record).rules()

    def _remember_robots(self, record: RobotsRecord) -> RobotsRecord:
        self._robots_cache[record.origin] = record
        self.robots_updates[record.origin] = record
        return record

    # -- retries -------------------------------------------------------------------------------

    async def _with_retries(
        self,
        url: httpx.URL,
        headers: dict[str, str],
        stats: FetchStats,
        cap: int,
        retries: int | None = None,
        cut: Probe | None = None,
    ) -> _Reply:
        shown, host = str(url), host_key(url)
        budget = self.settings.retries if retries is None else retries
        attempts = 1 if host in self._failing else budget + 1
        for attempt in range(1, attempts + 1):
            self._refuse_if_down(host, shown)
            outcome = await self._attempt(url, headers, stats, cap, cut)
            if isinstance(outcome, _Reply):
                if outcome.status < 500 and outcome.status != 429:
                    self._failing.discard(host)  # it answers again (even a final 4xx)
                failure = _judge(outcome, shown)
                if failure is None:
                    return outcome
            else:
                failure = outcome
            if attempt == attempts:
                self._give_up(host, failure, shown, attempts)
            wait = self._wait_before_retry(attempt, failure, shown)
            logger.info("retrying %s in %.1f s (%s)", shown, wait, failure.detail)
            await self._sleep(wait)
        raise AssertionError("unreachable")  # pragma: no cover

    def _refuse_if_down(self, host: str, shown: str) -> None:
        reason = self.down.get(host)
        if reason is not None:
            raise FetchError(
                f"{shown} not requested: {host} did not answer earlier in this run ({reason})",
                shown,
            )

    def _give_up(self, host: str, failure: _Failure, shown: str, attempts: int) -> None:
        """Raise the failure; the host is remembered as down (no answer) or failing (errors)."""
        error = failure.error(shown, attempts)
        if failure.unreachable:
            self.down.setdefault(host, str(error))
        else:
            self._failing.add(host)
        raise error

    def _wait_before_retry(self, attempt: int, failure: _Failure, shown: str) -> float:
        wait: float = min(self.settings.backoff * 2.0 ** (attempt - 1), MAX_BACKOFF)
        if failure.kind == "timeout":
            wait = max(wait - failure.elapsed, 0.0)  # the timeout itself was a wait
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
        self,
        url: httpx.URL,
        headers: dict[str, str],
        stats: FetchStats,
        cap: int,
        cut: Probe | None = None,
    ) -> _Reply | _Failure:
        """One request through the host's gate; transport problems become a _Failure."""
        shown = str(url)
        request = self._client.build_request("GET", url, headers=headers)
        started = time.monotonic()
        try:
            async with self.hosts.gate(host_key(url)).slot() as answered:
                async with asyncio.timeout(self.settings.timeout * DEADLINE_FACTOR):
                    stats.requests += 1
                    response = await self._client.send(request, stream=True)
                    answered()
                    try:
                        return await _read(response, stats, cap, shown, cut)
                    finally:
                        await response.aclose()
        except (httpx.TimeoutException, TimeoutError) as exc:
            detail = _timeout_detail(exc, self.settings.timeout)
            return _Failure("timeout", detail, elapsed=time.monotonic() - started)
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
        self.retries: int | None = None  # None: fetch.retries
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
        settings = self._fetcher.settings
        asked = {}
        if conditional and known is not None and not _cap_raised(known, settings.max_bytes):
            asked = known.conditional_headers()
        headers = {"Accept": accept or DEFAULT_ACCEPT, **asked}
        probe = _probe(known, settings.max_bytes) if conditional and not asked else None
        reply = await self._fetcher._fetch(
            target, headers, self.stats, cap=settings.max_bytes, retries=self.retries, cut=probe
        )
        if reply.same_cut and known is not None:
            self.stats.cut_unchanged.append(key)  # a 200 whose start and length are last run's
            return self._unchanged(key, reply, known)
        if reply.status == 304:
            return self._not_modified(key, reply, known if asked else None)
        return self._page(key, reply, known, settings.max_bytes)

    def _not_modified(self, key: str, reply: _Reply, known: Validators | None) -> FetchedPage:
        """`known` is None when no conditional header was sent: then a 304 makes no sense."""
        if known is None:
            raise HTTPStatusError(
                f"304 Not Modified from {reply.final_url} although no conditional request was sent",
                key,
                304,
            )
        self.stats.not_modified += 1
        if known.cut_at is not None:
            self.stats.cut_unchanged.append(key)
        if reply.headers.get("etag"):
            known.etag = reply.headers["etag"]
        return self._unchanged(key, reply, known)

    def _unchanged(self, key: str, reply: _Reply, known: Validators) -> FetchedPage:
        """A page as "not modified" (status 304) for the kinds: nothing to parse."""
        return FetchedPage(
            url=key,
            final_url=reply.final_url,
            status=304,
            content=b"",
            content_type=media_type(reply.headers.get("content-type")),
            headers=reply.headers,
            validators=known,
        )

    def _page(self, key: str, reply: _Reply, known: Validators | None, cap: int) -> FetchedPage:
        header_type = reply.headers.get("content-type")
        content_type = effective_type(header_type, reply.content)
        text = encoding = None
        if is_text_type(content_type):
            text, encoding = decode_body(reply.content, header_type)
        # A cut body keeps its ETag/Last-Modified with the cap it was cut at: asked again
        # conditionally while the cap stays, in full once fetch.max_bytes is raised above it.
        cut = reply.truncated
        validators = Validators(
            etag=reply.headers.get("etag"),
            last_modified=reply.headers.get("last-modified"),
            lastmod=known.lastmod if known else None,
            content_hash=hashlib.sha256(reply.content).hexdigest(),
            cut_at=cap if cut else None,
            length=_declared(reply.headers) if cut else None,
            head_hash=head_hash(reply.content) if cut else None,
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


@dataclass(frozen=True, slots=True)
class Probe:
    """A body cut at the cap last time, served without validators: its length and first bytes."""

    length: int
    head: str


def _timeout_detail(exc: BaseException, timeout: float) -> str:
    """httpx's timeouts are per connect or read; the deadline on a whole answer (a server that
    drips its body slowly) is ours, and says so."""
    if isinstance(exc, httpx.TimeoutException):
        return f"{type(exc).__name__}, timeout {timeout:g} s"
    return (
        f"the answer took over {timeout * DEADLINE_FACTOR:g} s in all"
        f" (fetch.timeout {timeout:g} s x {DEADLINE_FACTOR}; a slow drip?)"
    )


async def _read(
    response: httpx.Response, stats: FetchStats, cap: int, shown: str, cut: Probe | None = None
) -> _Reply:
    """Headers always; the body for 2xx answers, the start of a JSON 4xx's (its `detail`).
    With `cut`, a body of the same declared length whose first bytes hash the same is the one
    cut last time: reading stops there (`same_cut`)."""
    status = response.status_code
    reason = response.reason_phrase or _phrase(status)
    headers = dict(response.headers.items())
    if not 200 <= status < 300:
        return _Reply(status, reason, headers, detail=await _error_detail(response, shown))
    head = cut.head if cut is not None and _declared(headers) == cut.length else None
    body = await read_capped(response, cap, shown, head)
    stats.bytes += len(body.content)
    reply = _Reply(status, reason, headers, content=body.content, truncated=body.truncated)
    reply.same_cut = body.same_head
    return reply


async def _error_detail(response: httpx.Response, shown: str) -> str:
    """The message of a JSON 4xx answer (an API naming the bad parameter), or ""."""
    status = response.status_code
    json_type = media_type(response.headers.get("content-type")).endswith("json")
    if not 400 <= status < 500 or status == 429 or not json_type:
        return ""
    try:
        body = await read_capped(response, ERROR_DETAIL_BYTES, shown)
        data = json.loads(body.content)
    except (FetchError, httpx.HTTPError, ValueError):
        return ""
    return _api_message(data)[:500]


def _api_message(data: Any) -> str:
    """Crossref's message (a text or a list of {message}), OpenAlex's message or error."""
    if isinstance(data, list):
        return "; ".join(filter(None, (_api_message(item) for item in data)))
    if not isinstance(data, dict):
        return ""
    for key in ("message", "error", "detail"):
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
        if isinstance(value, list | dict) and (found := _api_message(value)):
            return found
    return ""


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
    said = f"; the server says: {reply.detail}" if reply.detail else ""
    raise HTTPStatusError(f"{label} from {shown}{said}", shown, status)


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


def _probe(known: Validators | None, cap: int) -> Probe | None:
    """How to recognise a body cut last time when no validators can be sent."""
    if known is None or known.cut_at is None or _cap_raised(known, cap):
        return None
    if known.length is None or known.head_hash is None:
        return None
    return Probe(known.length, known.head_hash)


def _cap_raised(known: Validators, cap: int) -> bool:
    """The body was cut last time at a smaller cap than today's: ask for all of it."""
    return known.cut_at is not None and cap > known.cut_at


def _declared(headers: dict[str, str]) -> int | None:
    try:
        return int(headers.get("content-length", ""))
    except ValueError:
        return None


def _robots_note(url: httpx.URL, exc: FetchError) -> str:
    return f"robots.txt of {url.host} could not be read ({exc}); all its URLs treated as allowed"


def _stale_or_none(url: httpx.URL, exc: FetchError, cached: RobotsRecord | None) -> RobotsRules:
    """A robots.txt that cannot be read now: last known copy if any (RFC 9309 2.4), else none."""
    if cached is None:
        return RobotsRules(note=_robots_note(url, exc))
    when = cached.fetched_at.strftime("%Y-%m-%d %H:%M UTC")
    note = f"robots.txt of {url.host} could not be read ({exc}); its copy of {when} applies"
    return cached.rules(note)


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
