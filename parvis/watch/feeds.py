"""RSS/Atom: fetched through the guarded HTTP client, parsed by ``feedparser`` from bytes.

Feeds are addresses people typed, so every fetch goes through
:func:`parvis.core.guarded_http.guarded_client` (no private address, even after a redirect; a
size cap; a deadline). ``feedparser`` never fetches anything itself: it only reads the bytes we
got. Fetches are conditional (``If-None-Match`` / ``If-Modified-Since``): a 304 means nothing
new and costs the site almost nothing.

Autodiscovery reads a site's HTML with the standard library's :class:`html.parser.HTMLParser`
and keeps the ``<link rel="alternate">`` of RSS or Atom type, resolved against the page.
"""

from __future__ import annotations

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin

import feedparser  # type: ignore[import-untyped]  # ships no type information
import httpx

from parvis.core.guarded_http import AddressRefused, ResponseTooLarge, guarded_client

FEED_MAX_BYTES = 5 * 1024 * 1024  # a real feed is well under 1 MB; 5 MB leaves room
FEED_DEADLINE_S = 20.0
USER_AGENT = "Parvis-Veille/1.0 (+https://parvis.fr; feed reader)"
FEED_TYPES = ("application/rss+xml", "application/atom+xml")
MAX_ENTRIES = 100  # per fetch: a feed listing 10,000 entries does not fill the timeline at once
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)


class FeedError(Exception):
    """A fetch or parse failure, with a stable ``code`` and the French sentence to show."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class FeedEntry:
    remote_id: str
    url: str
    title: str
    text: str
    author: str
    published_at: datetime


@dataclass
class FeedFetch:
    """What one fetch brought: nothing new (304), or the parsed feed."""

    not_modified: bool = False
    title: str = ""
    site_url: str = ""
    etag: str = ""
    last_modified: str = ""
    entries: list[FeedEntry] = field(default_factory=list)
    warning: str = ""  # malformed XML: what parsed is kept, and the page says so


@dataclass(frozen=True)
class FeedLink:
    url: str
    title: str
    type: str


def _client() -> httpx.Client:
    return guarded_client(
        max_bytes=FEED_MAX_BYTES,
        deadline=FEED_DEADLINE_S,
        follow_redirects=True,
        headers={"User-Agent": USER_AGENT},
    )


def _get(url: str, headers: dict[str, str]) -> httpx.Response:
    """GET ``url`` through the guard; network failures become a French :class:`FeedError`."""
    try:
        with _client() as client:
            return client.get(url, headers=headers)
    except AddressRefused:
        raise FeedError(
            "refused", "Adresse refusée ou injoignable (les adresses internes sont interdites)."
        ) from None
    except ResponseTooLarge:
        raise FeedError(
            "too_large",
            f"Le flux dépasse {FEED_MAX_BYTES // (1024 * 1024)}\u00a0Mo\u00a0: il n’a pas été lu.",
        ) from None
    except httpx.TooManyRedirects:
        raise FeedError("redirects", "Trop de redirections\u00a0: flux non lu.") from None
    except httpx.TimeoutException:
        raise FeedError(
            "timeout", "Le site n’a pas répondu à temps\u00a0; nouvel essai plus tard."
        ) from None
    except httpx.InvalidURL:  # not an HTTPError: an address httpx cannot even parse
        raise FeedError("invalid", "Cette adresse n’est pas une adresse web valide.") from None
    except (httpx.HTTPError, UnicodeError, ValueError):
        raise FeedError(
            "unreachable", "Le site est injoignable\u00a0; nouvel essai plus tard."
        ) from None


def _status_error(status: int) -> FeedError:
    if status in (404, 410):
        return FeedError("not_found", f"Le flux n’existe plus à cette adresse (erreur {status}).")
    if status in (401, 403):
        return FeedError("forbidden", f"Le site refuse la lecture du flux (erreur {status}).")
    return FeedError(
        "http", f"Le site a répondu par une erreur {status}\u00a0; nouvel essai plus tard."
    )


def _is_html(response: httpx.Response, body: bytes) -> bool:
    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
    start = body[:512].lstrip().lower()
    return kind in ("text/html", "application/xhtml+xml") or start.startswith(
        (b"<!doctype html", b"<html")
    )


def fetch_feed(url: str, *, etag: str = "", last_modified: str = "") -> FeedFetch:
    """Fetch and parse the feed at ``url``; raises :class:`FeedError` (``not_a_feed`` for an
    HTML page: the caller offers discovery)."""
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    response = _get(url, headers)
    if response.status_code == 304:
        return FeedFetch(not_modified=True, etag=etag, last_modified=last_modified)
    if response.status_code >= 400:
        raise _status_error(response.status_code)
    body = response.content
    if _is_html(response, body):
        raise FeedError(
            "not_a_feed",
            "Cette adresse est une page web, pas un flux\u00a0: utilisez « Trouver le flux ».",
        )
    fetched = parse_feed(
        body, base_url=str(response.url), content_type=response.headers.get("content-type", "")
    )
    fetched.etag = response.headers.get("etag", "")[:300]
    fetched.last_modified = response.headers.get("last-modified", "")[:100]
    return fetched


# Exceptions feedparser reports on a well-formed feed (a served type or encoding it did not
# expect): not worth a warning on the page.
BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


def parse_feed(body: bytes, *, base_url: str, content_type: str = "") -> FeedFetch:
    """Parse feed bytes. Malformed XML keeps what parsed (``warning`` says so); bytes that hold
    no feed at all raise ``not_a_feed``."""
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    parsed: Any = feedparser.parse(body, response_headers=headers)
    entries = [e for e in (_entry(raw, base_url) for raw in parsed.entries[:MAX_ENTRIES]) if e]
    if not parsed.get("version") and not entries:
        raise FeedError("not_a_feed", "Le contenu de cette adresse n’est pas un flux RSS ou Atom.")
    warning = ""
    if parsed.get("bozo") and not isinstance(parsed.get("bozo_exception"), BENIGN):
        warning = (
            "Le flux est mal formé\u00a0: seuls les articles lisibles ont été gardés "
            f"({len(entries)})."
        )
    channel = parsed.get("feed", {})
    return FeedFetch(
        title=str(channel.get("title", ""))[:300],
        site_url=_web_url(str(channel.get("link", ""))),
        entries=entries,
        warning=warning,
    )


def _web_url(url: str) -> str:
    return url[:1000] if url.startswith(("http://", "https://")) else ""


def _moment(raw: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = raw.get(key)
        if value:
            return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    return None


def _entry(raw: Any, base_url: str) -> FeedEntry | None:
    link = _web_url(urljoin(base_url, str(raw.get("link", ""))))
    title = html_to_text(str(raw.get("title", "")))
    summary = raw.get("summary", "") or ""
    if not summary and raw.get("content"):
        summary = raw["content"][0].get("value", "")
    text = html_to_text(str(summary))
    if not (link or title or text):
        return None
    remote_id = str(raw.get("id") or link or "")
    if not remote_id:
        remote_id = "sha256:" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
    return FeedEntry(
        remote_id=remote_id[:500],
        url=link,
        title=title[:500],
        text=text[:10_000],
        author=str(raw.get("author", ""))[:200],
        published_at=_moment(raw) or datetime.now(tz=UTC),
    )


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment, whitespace collapsed (feed summaries carry markup)."""
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    return " ".join(" ".join(extractor.parts).split())


class _LinkFinder(HTMLParser):
    """Collects ``<base href>`` and the ``<link rel="alternate">`` of feed types."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base = ""
        self.links: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name.lower(): (value or "") for name, value in attrs}
        if tag == "base" and values.get("href") and not self.base:
            self.base = values["href"]
        if tag != "link":
            return
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").split(";")[0].strip().lower()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            self.links.append((values["href"], values.get("title", ""), kind))


def feed_links(html: str, page_url: str) -> list[FeedLink]:
    """The feeds an HTML page announces, as absolute http(s) URLs, each once."""
    finder = _LinkFinder()
    finder.feed(html)
    finder.close()
    base = urljoin(page_url, finder.base) if finder.base else page_url
    found: dict[str, FeedLink] = {}
    for href, title, kind in finder.links:
        url = _web_url(urljoin(base, href.strip()))
        if url and url not in found:
            found[url] = FeedLink(url=url, title=title[:300], type=kind)
    return list(found.values())


def discover(url: str) -> list[FeedLink]:
    """The feeds of the site at ``url``; the address itself when it already is a feed."""
    response = _get(url, {"Accept": "text/html, application/xhtml+xml, */*;q=0.5"})
    if response.status_code >= 400:
        raise _status_error(response.status_code)
    body = response.content
    final = str(response.url)
    if not _is_html(response, body):
        try:
            fetched = parse_feed(
                body, base_url=final, content_type=response.headers.get("content-type", "")
            )
        except FeedError:
            return []
        return [FeedLink(url=final, title=fetched.title, type="feed")]
    return feed_links(body.decode(response.encoding or "utf-8", errors="replace"), final)
