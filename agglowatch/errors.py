"""The one exception tree of agglowatch.

AgglowatchError
├── ConfigError            the user can fix agglowatch.yaml / themes.yaml (exit status 2)
├── SourceError            one source failed; the run goes on and reports it
│   ├── FetchError         the network or the server said no
│   │   ├── BlockedURLError    refused before sending: scheme, private address, robots.txt
│   │   ├── HTTPStatusError    a final non-2xx answer after retries
│   │   └── ErrorPageError     a 200 whose page says it is an error ("soft 404")
│   └── ParseError         the bytes came, but are not what the source kind expects
├── StorageError           the database refused or is not migrated
├── RunLockedError         another run holds the lease on the store
└── DeliveryError          a digest could not be written or sent
"""

from __future__ import annotations


class AgglowatchError(Exception):
    """Base of every error agglowatch raises on purpose."""


class ConfigError(AgglowatchError):
    """A configuration problem the user can fix; the message says where and what."""


class SourceError(AgglowatchError):
    """One source failed; reported in the run report, never fatal to the run."""


class FetchError(SourceError):
    """A request failed (connection, timeout, size cap, status)."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class BlockedURLError(FetchError):
    """The URL is refused before any byte is sent (scheme, private address, robots.txt)."""


class HTTPStatusError(FetchError):
    """The server answered with a final status that is not a success."""

    def __init__(self, message: str, url: str | None = None, status: int = 0) -> None:
        super().__init__(message, url)
        self.status = status


class ErrorPageError(FetchError):
    """The server answered 200, but with an error page (页面不存在, "Page not found")."""


class ParseError(SourceError):
    """Fetched bytes could not be read as the source kind expects (not XML, not JSON...)."""


class StorageError(AgglowatchError):
    """The database failed or is not at the expected schema."""


class RunLockedError(AgglowatchError):
    """Another run holds the store's lease; this one waits or stops, never writes twice."""


class DeliveryError(AgglowatchError):
    """A digest file could not be written or an email could not be sent."""
