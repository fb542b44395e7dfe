"""The sites config: a TOML file of ``[[site]]`` tables, validated before any request."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from parsel import Selector
from parsel.csstranslator import HTMLTranslator

from newscrawl.urls import is_http_url

RECORD_SELECTOR_FIELDS = frozenset(
    {"headline", "description", "articleBody", "authors", "datePublished",
     "dateModified", "inLanguage", "publisher", "articleSection", "keywords", "mainImage"}
)
_KNOWN_KEYS = frozenset(
    {"name", "domains", "start_urls", "feeds", "sitemaps", "article_url_patterns",
     "deny_url_patterns", "timezone", "selectors"}
)
# \Z, not $: "$" also matches before a final newline, which would let "name\n" through.
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}\Z")
_HOST = re.compile(r"^[A-Za-z0-9.-]+\Z")


class ConfigError(ValueError):
    """A sites config that cannot be used; the message names file, site and key."""


@dataclass(frozen=True)
class Site:
    """One news site to crawl, as the sites config describes it."""

    name: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_url_patterns: tuple[re.Pattern, ...] = ()
    deny_url_patterns: tuple[re.Pattern, ...] = ()
    timezone: str | None = None
    selectors: dict[str, str] = field(default_factory=dict)

    def is_article_url(self, url: str) -> bool:
        """True when the site names no URL patterns, or one of them matches ``url``."""
        return not self.article_url_patterns or any(
            p.search(url) for p in self.article_url_patterns
        )

    def is_denied_url(self, url: str) -> bool:
        """True when one of the site's deny patterns matches ``url``."""
        return any(p.search(url) for p in self.deny_url_patterns)


def load_sites(path: str | Path) -> list[Site]:
    """Read and validate a sites config; raise :class:`ConfigError` on any problem."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read sites config: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    tables = data.get("site")
    if not isinstance(tables, list) or not tables:
        raise ConfigError(f"{path}: no [[site]] tables")
    sites = [_site(path, i, table) for i, table in enumerate(tables)]
    _check_unique_names(path, sites)
    return sites


def _check_unique_names(path: Path, sites: list[Site]) -> None:
    seen = set()
    for site in sites:
        if site.name in seen:
            raise ConfigError(f"{path}: site {site.name!r}: key 'name': used by two sites")
        seen.add(site.name)


def _site(path: Path, index: int, table: object) -> Site:
    where = _Where(path, f"site #{index + 1}")
    if not isinstance(table, dict):
        raise where.error("site", "must be a table")
    name = where.name(table.get("name"))
    where = _Where(path, f"site {name!r}")
    unknown = sorted(set(table) - _KNOWN_KEYS)
    if unknown:
        raise where.error(unknown[0], f"unknown key (known: {', '.join(sorted(_KNOWN_KEYS))})")
    domains = tuple(d.lower() for d in where.strings(table, "domains", required=True))
    for domain in domains:
        if not _HOST.match(domain):
            raise where.error("domains", f"{domain!r} is not a host name")
    return Site(
        name=name,
        domains=domains,
        start_urls=where.urls(table, "start_urls"),
        feeds=where.urls(table, "feeds"),
        sitemaps=where.urls(table, "sitemaps", allow=("robots",)),
        article_url_patterns=where.patterns(table, "article_url_patterns"),
        deny_url_patterns=where.patterns(table, "deny_url_patterns"),
        timezone=where.timezone(table.get("timezone")),
        selectors=where.selectors(table.get("selectors", {})),
    )


@dataclass(frozen=True)
class _Where:
    """Validation helpers that name the file, the site and the key in every error."""

    path: Path
    site: str

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.path}: {self.site}: key {key!r}: {problem}")

    def name(self, value: object) -> str:
        if not isinstance(value, str) or not _NAME.match(value):
            raise self.error(
                "name", "required; 1-64 letters, digits, '.', '_' or '-', not starting with '.'"
            )
        return value

    def strings(self, table: dict, key: str, required: bool = False) -> tuple[str, ...]:
        value = table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.error(key, "must be a list of non-empty strings")
        if required and not value:
            raise self.error(key, "required and must not be empty")
        return tuple(value)

    def urls(self, table: dict, key: str, allow: tuple[str, ...] = ()) -> tuple[str, ...]:
        values = self.strings(table, key)
        for url in values:
            if url not in allow and not is_http_url(url):
                raise self.error(key, f"{url!r} is not an http(s) URL")
        return values

    def patterns(self, table: dict, key: str) -> tuple[re.Pattern, ...]:
        compiled = []
        for pattern in self.strings(table, key):
            try:
                compiled.append(re.compile(pattern))
            except re.error as exc:
                raise self.error(key, f"{pattern!r} is not a valid regex: {exc}") from exc
        return tuple(compiled)

    def timezone(self, value: object) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            try:
                ZoneInfo(value)
                return value
            except (ZoneInfoNotFoundError, ValueError):
                pass
        raise self.error("timezone", "must be an IANA time zone name such as 'Europe/London'")

    def selectors(self, value: object) -> dict[str, str]:
        if not isinstance(value, dict):
            raise self.error("selectors", "must be a table of field = selector")
        for key, selector in value.items():
            if key not in RECORD_SELECTOR_FIELDS:
                raise self.error(f"selectors.{key}", "not a record field that takes a selector")
            if not isinstance(selector, str) or not _is_valid_selector(selector):
                raise self.error(f"selectors.{key}", f"{selector!r} is not a valid CSS or XPath")
        return dict(value)


def is_xpath(selector: str) -> bool:
    """Selectors starting with ``/`` or ``(`` are XPath, all others CSS.

    >>> is_xpath("//h1/text()"), is_xpath("h1.title::text")
    (True, False)
    """
    return selector.lstrip().startswith(("/", "("))


def _is_valid_selector(selector: str) -> bool:
    try:
        if is_xpath(selector):
            Selector(text="<html/>").xpath(selector)
        else:
            HTMLTranslator().css_to_xpath(selector)
    except Exception:  # parsel/cssselect raise several unrelated types for bad syntax
        return False
    return True
