"""agglowatch.yaml, validated once at load into typed models that reject unknown keys."""

from __future__ import annotations

import email.utils
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

import idna
import soupsieve
import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from agglowatch.errors import ConfigError

DEFAULT_CONFIG = "agglowatch.yaml"
SOURCE_NAME = re.compile(r"^[a-z0-9-]+$")


def _check_url(value: str) -> str:
    """A source's address must be one the fetcher can ask: absolute http(s) with a host."""
    url = value.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid URL ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ValueError(
            f"{value!r} is not an absolute http:// or https:// URL with a host;"
            " write it in full, e.g. 'https://www.example.org/news/'"
        )
    _check_idn(value, parts.hostname)
    return url


def _check_idn(value: str, host: str) -> None:
    """A non-ASCII host name must encode as the fetcher encodes it (IDNA 2008), or every run
    fails the source with "not a valid URL" ('☃.net', a full-width dot...)."""
    if host.isascii():
        return
    try:
        idna.encode(host)
    except idna.IDNAError as exc:
        raise ValueError(
            f"{value!r}: the host name {host!r} is not a valid internationalised domain name"
            f" ({exc}); copy the address from the browser's address bar"
        ) from None


WebURL = Annotated[str, AfterValidator(_check_url)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FetchSettings(Strict):
    user_agent: str = "agglowatch/0.1 (+https://example.org/contact)"
    timeout: float = Field(30.0, gt=0)
    retries: int = Field(3, ge=0, le=10)
    max_bytes: int = Field(20_000_000, gt=0)
    per_host_concurrency: int = Field(2, ge=1, le=32)
    per_host_delay: float = Field(1.0, ge=0)
    respect_robots: bool = True
    allow_private_addresses: bool = False
    max_redirects: int = Field(5, ge=0, le=20)
    backoff: float = Field(1.0, ge=0)  # base seconds of exponential backoff between retries


class FieldSelectors(Strict):
    title: str | None = None
    published: str | None = None
    authors: str | None = None
    body: str | None = None

    @field_validator("title", "published", "authors", "body")
    @classmethod
    def _valid_selector(cls, value: str | None) -> str | None:
        return _check_selector(value)


class SourceBase(Strict):
    name: str
    enabled: bool = True
    tags: list[str] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _name_is_slug(cls, value: str) -> str:
        if not SOURCE_NAME.match(value):
            raise ValueError("must be lower-case letters, digits and '-' only, e.g. 'cdrf-news'")
        return value


class FeedSource(SourceBase):
    """An RSS or Atom feed; each entry's article page is fetched and extracted."""

    kind: Literal["feed"]
    url: WebURL
    fetch_articles: bool = True
    fields: FieldSelectors | None = None


class HtmlSource(SourceBase):
    """A listing page: article links by CSS selector, optional paging; articles extracted."""

    kind: Literal["html"]
    url: WebURL
    links: str = "a[href]"
    next: str | None = None
    max_pages: int = Field(1, ge=1, le=100)
    include: str | None = None
    exclude: str | None = None
    fields: FieldSelectors | None = None

    @field_validator("include", "exclude")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        return _check_regex(value)

    @field_validator("links", "next")
    @classmethod
    def _valid_selector(cls, value: str | None) -> str | None:
        return _check_selector(value)


class SitemapSource(SourceBase):
    """A sitemap or sitemap index (.xml or .xml.gz); changed URLs by <lastmod>."""

    kind: Literal["sitemap"]
    url: WebURL
    include: str | None = None
    exclude: str | None = None
    since_days: int | None = Field(None, ge=1)
    max_documents: int = Field(500, ge=1)
    fields: FieldSelectors | None = None

    @field_validator("include", "exclude")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        return _check_regex(value)


class CrossrefSource(SourceBase):
    """Crossref /works: query and filters, cursor paging, an incremental date window."""

    kind: Literal["crossref"]
    query: str | None = None
    filter: dict[str, str] = Field(default_factory=dict)
    mailto: str | None = None
    max_results: int = Field(200, ge=1, le=10_000)
    base_url: WebURL = "https://api.crossref.org"


class OpenAlexSource(SourceBase):
    """OpenAlex /works: search and filter, cursor paging, an incremental date window."""

    kind: Literal["openalex"]
    search: str | None = None
    filter: str | None = None
    mailto: str | None = None
    max_results: int = Field(200, ge=1, le=10_000)
    base_url: WebURL = "https://api.openalex.org"


class FolderSource(SourceBase):
    """HTML, PDF, TXT and DOCX files dropped into a folder."""

    kind: Literal["folder"]
    path: str
    patterns: list[str] = Field(
        default_factory=lambda: ["*.html", "*.htm", "*.pdf", "*.txt", "*.docx"]
    )


SourceConfig = Annotated[
    FeedSource | HtmlSource | SitemapSource | CrossrefSource | OpenAlexSource | FolderSource,
    Field(discriminator="kind"),
]


class EmailSettings(Strict):
    to: list[str]
    sender: str
    host: str | None = None
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = None
    password_env: str | None = None
    credentials_block: str | None = None
    timeout: float = Field(30.0, gt=0)

    @field_validator("to")
    @classmethod
    def _recipients(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("no recipient: list at least one address, e.g. [analyst@example.org]")
        return [_check_address(address) for address in value]

    @field_validator("sender")
    @classmethod
    def _sender(cls, value: str) -> str:
        return _check_address(value)

    @model_validator(mode="after")
    def _server_given(self) -> EmailSettings:
        if not self.host and not self.credentials_block:
            raise ValueError("give 'host' (an SMTP server) or 'credentials_block'")
        return self

    @model_validator(mode="after")
    def _login_whole(self) -> EmailSettings:
        """A login needs both halves: with one, no login was tried and the server refused the
        digest ("530 Authentication required") at every send, each time queued again."""
        if self.credentials_block:
            return self  # the block may hold either half
        if self.username and not self.password_env:
            raise ValueError(
                "'username' is set but no password: set 'password_env' to the name of the"
                " environment variable that holds it (or use 'credentials_block')"
            )
        if self.password_env and not self.username:
            raise ValueError("'password_env' is set but no 'username' to log in with")
        return self


DigestFormat = Literal["markdown", "html", "text", "json", "atom"]
ALL_FORMATS: tuple[DigestFormat, ...] = ("markdown", "html", "text", "json", "atom")


class DigestSettings(Strict):
    title: str = "Urban agglomeration monitor"
    formats: list[DigestFormat] = Field(default_factory=lambda: list(ALL_FORMATS))
    email: EmailSettings | None = None
    chart_weeks: int = Field(8, ge=1, le=104)
    feed_entries: int = Field(50, ge=1)


class DedupeSettings(Strict):
    threshold: float = Field(0.7, gt=0, le=1)  # similarity at or above which two texts are one
    num_perm: int = Field(128, ge=16, le=512)
    min_chars: int = Field(200, ge=0)  # shorter texts: only with short texts, at short_threshold
    short_threshold: float = Field(0.95, gt=0, le=1)


class Config(Strict):
    database: str = "sqlite:///data/agglowatch.db"
    output: str = "out"
    seeds: str = "seeds"
    themes: str = "themes.yaml"
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    dedupe: DedupeSettings = Field(default_factory=DedupeSettings)
    removed_after: int = Field(3, ge=1)
    broken_after: int = Field(3, ge=1)  # failed runs in a row before a source is 'broken'
    sources: list[SourceConfig] = Field(default_factory=list)
    digest: DigestSettings = Field(default_factory=DigestSettings)
    base_dir: Path = Field(default=Path("."), exclude=True)

    @field_validator("sources")
    @classmethod
    def _unique_names(cls, sources: list[Any]) -> list[Any]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"source name {source.name!r} is used twice; names must be unique")
            seen.add(source.name)
        return sources

    def path(self, value: str) -> Path:
        """Resolve a configured path against the config file's folder."""
        candidate = Path(value)
        return candidate if candidate.is_absolute() else self.base_dir / candidate

    def select(self, names: list[str] | None = None) -> list[Any]:
        """Enabled sources, or exactly the named ones (unknown names are a ConfigError)."""
        if not names:
            return [s for s in self.sources if s.enabled]
        known = {s.name: s for s in self.sources}
        unknown = [n for n in names if n not in known]
        if unknown:
            names_text = ", ".join(map(repr, unknown))
            raise ConfigError(f"unknown source {names_text}; known: {', '.join(known) or 'none'}")
        return [known[n] for n in names]


def check_paths(config: Config) -> None:
    """The files and folders the config names, as far as a quick look can tell (the taxonomy's
    contents are validated when a run loads it, before it writes anything): a missing themes
    file or seeds folder is a ConfigError naming the key, at `check` and before a run starts."""
    themes = config.path(config.themes)
    try:
        with themes.open("rb"):
            pass
    except OSError as exc:
        reason = "no such file" if isinstance(exc, FileNotFoundError) else exc.strerror or exc
        raise ConfigError(f"themes: {themes}: {reason} (set 'themes' in agglowatch.yaml)") from None
    seeds = config.path(config.seeds)
    if not seeds.is_dir():
        raise ConfigError(f"seeds: {seeds} is not a folder (set 'seeds' in agglowatch.yaml)")
    output = config.path(config.output)
    if output.exists() and not output.is_dir():
        raise ConfigError(
            f"output: {output} is a file, not a folder (set 'output' in agglowatch.yaml)"
        )


def _check_address(value: str) -> str:
    """name@domain, optionally with a display name ("Monitor <m@example.org>"): a typo would
    only show as the server's refusal at every send, each digest queued again."""
    _, address = email.utils.parseaddr(value)
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain.strip(".") or any(c.isspace() for c in address):
        raise ValueError(f"{value!r} is not an email address; write it as name@example.org")
    return value.strip()


def _check_regex(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
    return value


def _check_selector(value: str | None) -> str | None:
    """A CSS selector typo should stop `check` and `run` at load, not fail the source each run."""
    if value is not None:
        try:
            soupsieve.compile(value)
        except (soupsieve.SelectorSyntaxError, ValueError, NotImplementedError) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise ValueError(f"not a valid CSS selector: {first}") from exc
    return value


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    return Path(explicit or os.environ.get("AGGLOWATCH_CONFIG") or DEFAULT_CONFIG)


def load_config(path: str | os.PathLike[str] | None = None, database: str | None = None) -> Config:
    """Read and validate the config; `database` (or AGGLOWATCH_DATABASE_URL) overrides it."""
    file = config_path(path)
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{file}: no such file (set --config or AGGLOWATCH_CONFIG)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{file}: cannot be read: {exc}") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{file}: not valid YAML: {exc}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{file}: the top level must be a mapping of settings")
    override = database or os.environ.get("AGGLOWATCH_DATABASE_URL")
    if override:
        raw["database"] = override
    return parse_config(raw, file)


def parse_config(raw: dict[str, Any], file: Path) -> Config:
    try:
        config = Config.model_validate({**raw, "base_dir": file.parent})
    except ValidationError as exc:
        raise ConfigError(_explain(exc, raw, file)) from None
    return config


def _explain(exc: ValidationError, raw: dict[str, Any], file: Path) -> str:
    lines = [f"{file}: invalid configuration"]
    for error in exc.errors():
        lines.append("  " + _locate(error["loc"], raw) + ": " + _message(error))
    return "\n".join(lines)


def _locate(loc: tuple[Any, ...], raw: dict[str, Any]) -> str:
    """Say 'source "x", field "url"' rather than 'sources.3.feed.url'."""
    parts = list(loc)
    if len(parts) >= 2 and parts[0] == "sources" and isinstance(parts[1], int):
        sources = raw.get("sources") or []
        entry = sources[parts[1]] if parts[1] < len(sources) else {}
        name = entry.get("name") if isinstance(entry, dict) else None
        label = f'source "{name}"' if name else f"source #{parts[1] + 1}"
        rest = [str(p) for p in parts[2:] if p not in _KIND_TAGS]
        return f'{label}, field "{".".join(rest)}"' if rest else label
    return 'field "' + ".".join(str(p) for p in parts) + '"'


_KIND_TAGS = {"feed", "html", "sitemap", "crossref", "openalex", "folder"}


def _message(error: Any) -> str:
    if error["type"] == "extra_forbidden":
        return "unknown key (check its spelling; see the README's configuration reference)"
    if error["type"] == "union_tag_invalid":
        return "unknown kind; use one of feed, html, sitemap, crossref, openalex, folder"
    if error["type"] == "union_tag_not_found":
        return "missing 'kind' (feed, html, sitemap, crossref, openalex or folder)"
    if error["type"] == "string_type" and isinstance(error.get("input"), bool):
        return (
            "should be text, but YAML read a yes/no word (on, off, yes, no, true, false) as a"
            ' boolean; put it in quotes, e.g. name: "off"'
        )
    return str(error["msg"]).removeprefix("Value error, ")
