"""The arXiv query API through the `arxiv` package: query building, date windows, paging, parsing.

The package builds the request URLs (``arxiv.Client._format_url`` with its ``query_url_format``
pointed at our endpoint, so a mirror or a test server can stand in) and parses the Atom feed into
``arxiv.Result`` objects. The fetching is ours (:class:`~gapscope.sources.polite.PoliteFetcher`):
the package's own loop has no timeout, retries 429 without backoff, and treats a cut body that lxml
half-recovers as a good page, which silently loses entries.

API terms (https://info.arxiv.org/help/api/tou.html): one request per 3 s, pages of at most 2,000,
at most 30,000 results per query; larger queries are split into submission-date windows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Optional, Sequence

from ..models import Paper, RecordError, normalize_doi, split_arxiv_id
from .polite import FetchError, PoliteFetcher, Response, html_page_instead

DEFAULT_ARXIV_URL = "https://export.arxiv.org/api/query"
MAX_PAGE_SIZE = 2000
MAX_PER_QUERY = 30000
MIN_INTERVAL_S = 3.0
ARXIV_EPOCH = datetime(1991, 8, 1, tzinfo=timezone.utc)  # the first submissions

SORTS = {
    "relevance": ("Relevance", "Descending"),
    "newest": ("SubmittedDate", "Descending"),
    "oldest": ("SubmittedDate", "Ascending"),
    "updated": ("LastUpdatedDate", "Descending"),
}


class ArxivQueryError(FetchError):
    """arXiv rejected the request (its error feed says why, e.g. 'incorrect id format for abc')."""


@dataclass
class FeedPage:
    start: int
    total: int  # opensearch:totalResults of the query
    results: list  # arxiv.Result, in feed order


@dataclass
class Window:
    """A submission-date window [lo, hi] (inclusive, minute precision) of one query."""

    lo: datetime
    hi: datetime
    count: int = 0  # results in it, when planned

    def clause(self) -> str:
        return f"submittedDate:[{self.lo:%Y%m%d%H%M} TO {self.hi:%Y%m%d%H%M}]"

    def to_json(self) -> list[str]:
        return [self.lo.isoformat(), self.hi.isoformat()]

    @classmethod
    def from_json(cls, pair: Sequence[str]) -> "Window":
        return cls(datetime.fromisoformat(pair[0]), datetime.fromisoformat(pair[1]))


def windowed_query(query: str, window: Optional[Window]) -> str:
    if window is None:
        return query
    return f"({query}) AND {window.clause()}" if query else window.clause()


def make_search(query: str = "", ids: Sequence[str] = (), sort: str = "relevance"):
    import arxiv

    by, order = SORTS[sort]
    return arxiv.Search(query=query, id_list=list(ids), max_results=None,
                        sort_by=getattr(arxiv.SortCriterion, by), sort_order=getattr(arxiv.SortOrder, order))


def page_url(endpoint: str, search, start: int, size: int) -> str:
    import arxiv

    client = arxiv.Client(page_size=size)
    client.query_url_format = endpoint.rstrip("?") + "?{}"
    return client._format_url(search, start, size)


def _error_entries(content: bytes) -> list[str]:
    """Messages of arXiv's error entries (an <entry> whose id is .../api/errors#...)."""
    from lxml import etree

    try:
        root = etree.fromstring(content, etree.XMLParser(resolve_entities=False, no_network=True, recover=True))
    except etree.XMLSyntaxError:
        return []
    if root is None:
        return []
    ns = {"a": "http://www.w3.org/2005/Atom"}
    out = []
    for entry in root.iterfind("a:entry", ns):
        ident = entry.findtext("a:id", default="", namespaces=ns)
        if "/api/errors" in ident:
            out.append((entry.findtext("a:summary", default="", namespaces=ns) or ident).strip())
    return out


def _complete_feed(resp: Response) -> Optional[str]:
    # lxml in recover mode turns a cut body into a shorter feed; only a closed </feed> is a whole page.
    if not resp.content.rstrip().endswith(b"</feed>"):
        return "the feed ends before </feed> (cut mid-page)"
    return None


def _not_a_feed(resp: Response) -> Optional[str]:
    """An HTML page where the API answers with Atom (see html_page_instead)."""
    return html_page_instead(resp, "an arXiv Atom feed", "collect.arxiv_url",
                             lambda head: head.startswith(b"<?xml") or b"<feed" in head)


def fetch_page(fetcher: PoliteFetcher, endpoint: str, search, start: int, size: int,
               empty_retries: int = 3) -> FeedPage:
    """One page of results. An empty page inside the result set is fetched again (arXiv sends
    those now and then); an error feed raises ArxivQueryError naming what arXiv objected to."""
    from arxiv import _feed

    url = page_url(endpoint, search, start, size)
    for attempt in range(empty_retries + 1):
        try:
            resp = fetcher.get(url, check=_complete_feed, wrong=_not_a_feed)
        except FetchError as exc:
            errors = _error_entries(exc.body) if exc.body else []
            if errors:
                raise ArxivQueryError(f"arXiv rejected the request: {'; '.join(errors)}", url, exc.status) from None
            raise
        errors = _error_entries(resp.content)
        if errors:
            raise ArxivQueryError(f"arXiv rejected the request: {'; '.join(errors)}", url, resp.status)
        feed = _feed.parse(resp.content)
        if feed.malformed:
            raise FetchError(f"arXiv sent a feed that does not parse ({feed.error}) ({url})", url)
        total = feed.header.total_results
        if feed.results or start >= total or search.id_list:
            return FeedPage(start, total, feed.results)
        if attempt < empty_retries:
            wait = fetcher.backoff(attempt + 1)
            fetcher.stats.retries += 1
            fetcher.stats.events.append(f"empty page at start={start} of {total}; retry in {wait:.1f} s")
            fetcher._wait(wait)
    if start > 0 and total - start <= max(5, total // 100):
        # arXiv's count often overshoots by a few at the tail (it said 21, sent 20): the end, noted.
        fetcher.stats.events.append(f"arXiv reported {total} results but sent {start}; the rest stayed empty")
        return FeedPage(start, start, [])
    raise FetchError(f"arXiv kept sending an empty page at start={start} of {total} results "
                     f"({empty_retries + 1} tries); run the collect again later to continue from there", url)


def count_results(fetcher: PoliteFetcher, endpoint: str, query: str) -> int:
    return fetch_page(fetcher, endpoint, make_search(query, sort="oldest"), 0, 1).total


def plan_windows(count: Callable[[Window], int], lo: datetime, hi: datetime,
                 limit: int = MAX_PER_QUERY, min_span: timedelta = timedelta(hours=1)) -> list[Window]:
    """Split [lo, hi] into consecutive windows of at most ``limit`` results each, halving the
    span until each fits (``count`` costs one request per probe)."""
    out: list[Window] = []
    stack = [Window(lo, hi)]
    while stack:
        w = stack.pop()
        n = count(w)
        if n <= limit or w.hi - w.lo <= min_span:
            if n:
                w.count = n
                out.append(w)
            continue
        mid = w.lo + (w.hi - w.lo) / 2
        mid = mid.replace(second=0, microsecond=0)
        # windows are inclusive at minute precision: the right half starts one minute later
        stack.append(Window(mid + timedelta(minutes=1), w.hi))
        stack.append(Window(w.lo, mid))
    return out


def _day(dt: Optional[datetime]) -> Optional[str]:
    return dt.date().isoformat() if dt and dt.year > 1 else None


def result_to_paper(r) -> Paper:
    """An ``arxiv.Result`` as a Paper: bare id plus version, every version the feed tells of."""
    short = r.get_short_id()
    arxiv_id, version = split_arxiv_id(short)
    published, updated = _day(r.published), _day(r.updated)
    versions: list[tuple[int, str]] = []
    if published:
        versions.append((1, published))
    if version and version > 1 and updated:
        versions.append((version, updated))
    cats = [r.primary_category] + [c for c in r.categories if c != r.primary_category] if r.primary_category else list(r.categories)
    raw = {
        "id": short, "entry_id": r.entry_id, "title": r.title, "summary": r.summary,
        "authors": [a.name for a in r.authors], "published": r.published.isoformat() if r.published else None,
        "updated": r.updated.isoformat() if r.updated else None, "comment": r.comment,
        "journal_ref": r.journal_ref, "doi": r.doi, "primary_category": r.primary_category,
        "categories": list(r.categories), "links": [l.href for l in r.links],
    }
    return Paper(
        title=" ".join((r.title or "").split()),
        abstract=" ".join((r.summary or "").split()),
        authors=[" ".join(a.name.split()) for a in r.authors if a.name.strip()],
        year=r.published.year if published else None,
        published=published, updated=updated,
        arxiv_id=arxiv_id, arxiv_version=version or 1, versions=versions,
        doi=normalize_doi(r.doi), categories=[c for c in cats if c], venue=r.journal_ref or None,
        url=f"https://arxiv.org/abs/{short}", source="arxiv", source_key=short, raw=raw,
    )


_CATEGORY_RE = re.compile(r"^[a-z\-]+(\.[A-Za-z\-]+)?$")


def categories_query(categories: Sequence[str]) -> str:
    bad = [c for c in categories if not _CATEGORY_RE.match(c)]
    if bad:
        raise ValueError(f"not an arXiv category: {', '.join(bad)} (e.g. cs.LG, math.AG, hep-th)")
    return " OR ".join(f"cat:{c}" for c in categories)


def parse_date(text: str, end: bool = False) -> datetime:
    """'2024-05-01' or '2024-05-01T12:30' (UTC) -> an aware datetime; ``end`` makes a bare date
    mean the end of that day."""
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"not a date: {text!r} (use YYYY-MM-DD)") from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    if end and len(text.strip()) == 10:
        dt = dt + timedelta(days=1) - timedelta(minutes=1)
    return dt


def check_ids(ids: Sequence[str]) -> tuple[list[str], list[RecordError]]:
    good, bad = [], []
    for raw in ids:
        try:
            ident, v = split_arxiv_id(raw)
        except ValueError:
            bad.append(RecordError(f"arXiv id {raw!r}", "not an arXiv id (e.g. 2501.01234, 2501.01234v2, hep-th/9901001)"))
            continue
        good.append(f"{ident}v{v}" if v else ident)
    return good, bad
