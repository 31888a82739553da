"""Refuse URLs that point into the machine's own network (SSRF guard).

Two layers, both using the same resolver:

1. `check_url` runs before a request is built (first URL and every redirect hop): scheme must be
   http/https and every address the host resolves to must be public. A refused URL is never sent.
2. `guarded_transport` connects only to the addresses it has just resolved and checked itself
   (`GuardedBackend`), so a name that resolved to a public address for the check and to 127.0.0.1 a
   moment later (DNS rebinding) still cannot reach loopback. TLS keeps using the host name for SNI
   and certificate checks, and connections are pooled by host name as usual.

Residual gap: when an HTTP(S) proxy is configured in the environment, the proxy resolves names
itself, so only layer 1 applies (see `env_proxy_configured`). An injected test transport also skips
layer 2.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import urllib.request
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

import anyio
import httpcore
import httpx

from agglowatch.errors import BlockedURLError, FetchError

Resolver = Callable[[str], Awaitable[list[str]]]
ALLOWED_SCHEMES = frozenset({"http", "https"})
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


async def default_resolver(host: str) -> list[str]:
    """Every address `host` resolves to, in the system's preferred order, without duplicates."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for *_, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 scope id
        if address not in addresses:
            addresses.append(address)
    return addresses


def is_public_address(address: str | IPAddress) -> bool:
    """True unless the address is loopback, private, link-local, multicast, reserved, unspecified,
    shared (CGNAT) or otherwise not globally routable, including IPv4 embedded in IPv6."""
    ip = ipaddress.ip_address(address) if isinstance(address, str) else address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:  # ::ffff:a.b.c.d is just an IPv4 address
            return is_public_address(ip.ipv4_mapped)
        embedded = ip.sixtofour or _nat64_embedded(ip)
        if embedded is not None and not is_public_address(embedded):
            return False
    flags = (
        ip.is_private,
        ip.is_loopback,
        ip.is_link_local,
        ip.is_multicast,
        ip.is_reserved,
        ip.is_unspecified,
    )
    return ip.is_global and not any(flags)


def _nat64_embedded(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if any(ip in net for net in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def check_scheme(url: httpx.URL, shown: str) -> None:
    if not url.scheme:
        raise BlockedURLError(f"{shown}: not an absolute http(s) URL", url=shown)
    if url.scheme not in ALLOWED_SCHEMES:
        raise BlockedURLError(
            f"{shown}: only http and https URLs can be fetched, not {url.scheme}", url=shown
        )
    if not url.raw_host:
        raise FetchError(f"{shown}: the URL has no host name", url=shown)


async def public_addresses(host: str, resolver: Resolver, shown: str) -> list[str]:
    """Resolve `host` (an IP literal is taken as is) and refuse it if ANY address is not public."""
    addresses = await resolve(host, resolver, shown)
    for address in addresses:
        if not is_public_address(address):
            raise BlockedURLError(
                f"{shown}: host {host} resolves to {address}, a loopback/private/link-local or "
                "otherwise non-public address; set fetch.allow_private_addresses: true to allow it",
                url=shown,
            )
    return addresses


async def resolve(host: str, resolver: Resolver, shown: str) -> list[str]:
    literal = host.strip("[]")
    try:
        return [str(ipaddress.ip_address(literal))]
    except ValueError:
        pass
    try:
        addresses = await resolver(host)
    except OSError as exc:
        raise FetchError(
            f"{shown}: cannot resolve host {host}: {exc}; check the host name in the URL"
            " (or this machine's DNS, if other hosts fail too)",
            url=shown,
        ) from exc
    if not addresses:
        raise FetchError(f"{shown}: host {host} resolves to no address", url=shown)
    for address in addresses:
        try:
            ipaddress.ip_address(address)
        except ValueError:
            raise FetchError(
                f"{shown}: resolver gave {address!r} for {host}, not an IP address", url=shown
            ) from None
    return addresses


async def check_url(url: httpx.URL, resolver: Resolver, *, allow_private: bool) -> None:
    """Layer 1: raise BlockedURLError for a non-http(s) URL or a host with a non-public address."""
    shown = str(url)
    check_scheme(url, shown)
    if not allow_private:
        await public_addresses(url.raw_host.decode("ascii"), resolver, shown)


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that resolves with our resolver and connects to checked IPs only."""

    def __init__(self, resolver: Resolver, *, allow_private: bool) -> None:
        self._resolver = resolver
        self._allow_private = allow_private
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        shown = f"{host}:{port}"
        try:
            with anyio.fail_after(timeout):
                if self._allow_private:
                    addresses = await resolve(host, self._resolver, shown)
                else:
                    addresses = await public_addresses(host, self._resolver, shown)
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"resolving {host} timed out") from exc
        except BlockedURLError:
            raise
        except FetchError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return await self._connect_any(addresses, port, timeout, local_address, socket_options)

    async def _connect_any(
        self,
        addresses: list[str],
        port: int,
        timeout: float | None,
        local_address: str | None,
        socket_options: Iterable[Any] | None,
    ) -> httpcore.AsyncNetworkStream:
        """Try each checked address in turn (the resolver's order), like a plain connect would."""
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("unix sockets are not used by agglowatch")

    async def sleep(self, seconds: float) -> None:
        await anyio.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (exception mapping, streaming) over a GuardedBackend.

    httpx 0.28 offers no public hook for the network backend, so the connection pool is replaced
    after construction; httpx is pinned to 0.28.1 in pyproject.toml.
    """

    def __init__(self, resolver: Resolver, *, allow_private: bool) -> None:
        ssl_context = httpx.create_ssl_context()  # built once, shared with the parent's init
        super().__init__(verify=ssl_context)
        limits = httpx.Limits()
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(resolver, allow_private=allow_private),
        )


def env_proxy_configured() -> bool:
    """True when HTTP_PROXY/HTTPS_PROXY/ALL_PROXY is set; then httpx's proxy support is kept."""
    proxies = urllib.request.getproxies()
    return any(proxies.get(key) for key in ("http", "https", "all"))


def guarded_transport(
    resolver: Resolver, *, allow_private: bool
) -> httpx.AsyncBaseTransport | None:
    """The transport for a run's client, or None to let httpx use environment proxies."""
    if env_proxy_configured():
        return None
    return GuardedTransport(resolver, allow_private=allow_private)
