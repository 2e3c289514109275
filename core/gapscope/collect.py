"""Collecting from arXiv and Google Scholar: resumable, polite, and honest about failure.

A collect walks its source page by page and hands the records to :func:`gapscope.ingest.ingest_papers`
(the same dedup and merge as a file import; the ``imports`` row with kind 'collect' is the collect
log). After each committed batch the cursor in ``collect_cursors`` moves past the pages that batch
finished, so an interrupted collect (Ctrl-C, a crash, a block, the network gone) continues from
there on the next run with the same arguments. A failure never throws away what was fetched: the
pages already read are committed first, then the error is raised with the report attached.

Endpoints (gapscope.settings): ``$GAPSCOPE_ARXIV_URL`` / ``$GAPSCOPE_SCHOLAR_URL`` > library settings
``collect.arxiv_url`` / ``collect.scholar_url`` > the desktop's Preferences > the public endpoints. Proxy: setting
``collect.proxy`` (one URL, or {"http": ..., "https": ...}); the usual HTTP(S)_PROXY variables work too.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Iterator, Optional, Sequence, Union

from .ingest import ingest_papers
from .jobs import Cancelled, CancelToken, Notice, ProgressFn, check, report
from .models import ImportReport, Paper, RecordError
from .sources import arxiv_api as ax
from .sources.polite import FetchError, GaveUp, NotTheSource, PoliteFetcher, SourceBlocked
from .store.library import Library

DEFAULT_SCHOLAR_URL = "https://scholar.google.com"
ENDPOINT_DEFAULT = {"arxiv": ax.DEFAULT_ARXIV_URL, "scholar": DEFAULT_SCHOLAR_URL}
NEW_OVERLAP = timedelta(days=1)  # arXiv's index lags submissions; re-reading a day costs nothing
NEW_DEFAULT_SPAN = timedelta(days=7)  # a first "new in these categories" with no --since


class CollectError(Exception):
    """The collect stopped early. ``report`` says what was kept (everything committed so far)."""

    def __init__(self, message: str, report: Optional["CollectReport"] = None) -> None:
        super().__init__(message)
        self.report = report


class CollectBlocked(CollectError):
    """The source refused us (403, a "not a robot" page, too many tries). What came before is kept."""


class CollectUnreachable(CollectError):
    """The source could not be reached or stopped answering (no network, a refused connection, every retry
    failed), or something else answered for it (a captive portal). What came before is kept; the same
    cause as an enrichment source given up, and the same exit code."""


@dataclass
class CollectReport(ImportReport):
    query: str = ""
    total: Optional[int] = None  # results the source says the query has
    pages: int = 0
    requests: int = 0
    retries: int = 0
    waited_s: float = 0.0
    resumed_from: Optional[dict] = None  # the cursor this run started from, when it resumed
    blocked: bool = False
    message: str = ""
    events: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = super().to_dict()
        d.update(query=self.query, total=self.total, pages=self.pages, requests=self.requests,
                 retries=self.retries, waited_s=round(self.waited_s, 1), resumed=self.resumed_from is not None,
                 blocked=self.blocked, message=self.message)
        return d


# --- settings -------------------------------------------------------------------------------------
def endpoint(lib: Library, source: str) -> str:
    """The source's URL: $GAPSCOPE_<SOURCE>_URL > library setting > user settings > the public one."""
    from . import settings

    return str(settings.get(f"{source}_url", lib) or ENDPOINT_DEFAULT[source]).rstrip("/")


def proxies(lib: Library) -> Optional[dict]:
    value = setting(lib, "collect.proxy")
    if not value:
        return None
    if isinstance(value, str):
        return {"http": value, "https": value}
    return dict(value)


def setting(lib: Library, key: str) -> Any:
    """A collect.* setting (declared with its default and range in gapscope.settings); a stored value that
    is not valid is replaced by the default, with a warning naming the key."""
    from . import settings

    return settings.library_value(lib, key)


def cancellable(sleep: Callable[[float], None], *, cancel: Optional[CancelToken] = None) -> Callable[[float], None]:
    """``sleep`` that stops with Cancelled when the user cancels (a backoff can last minutes)."""
    if cancel is None:
        return sleep

    def wait(seconds: float) -> None:
        check(cancel)
        if sleep is not time.sleep:  # an injected sleep (tests): no real waiting to cut short
            sleep(seconds)
            check(cancel)
            return
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            time.sleep(min(left, 0.2))
            check(cancel)

    return wait


def make_fetcher(lib: Library, source: str, sleep: Callable[[float], None] = time.sleep, *,
                 cancel: Optional[CancelToken] = None) -> PoliteFetcher:
    interval = float(setting(lib, "collect.arxiv_interval_s" if source == "arxiv" else "collect.scholar_interval_s"))
    if source == "arxiv" and "arxiv.org" in endpoint(lib, "arxiv"):
        interval = max(interval, ax.MIN_INTERVAL_S)  # the API's terms; a shorter interval is for mirrors and tests
    return PoliteFetcher(min_interval=interval, timeout=float(setting(lib, "collect.timeout_s")),
                         max_retries=int(setting(lib, "collect.max_retries")), proxies=proxies(lib),
                         backoff_base=max(interval, 1.0), sleep=sleep,
                         deadline=float(setting(lib, "collect.deadline_s")), cancel=cancel)


# --- cursors --------------------------------------------------------------------------------------
def cursor_key(source: str, params: dict) -> str:
    blob = json.dumps(params, sort_keys=True, default=str)
    return f"{source}:{hashlib.sha1(blob.encode()).hexdigest()[:16]}"


def load_cursor(lib: Library, key: str) -> Optional[dict]:
    return lib.collect_cursor(key)


def save_cursor(lib: Library, key: str, source: str, query: str, state: dict) -> None:
    lib.save_collect_cursor(key, source, query, state)


def list_cursors(lib: Library) -> list[dict]:
    return lib.collect_cursors()


# --- the run loop shared by both sources -----------------------------------------------------------
class _Run:
    """Feeds ``pages`` (each: records, the cursor state after it) to ingest and moves the cursor
    once a page's records are committed."""

    def __init__(self, lib: Library, rep: CollectReport, key: str, source: str, query: str,
                 *, progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None) -> None:
        self.lib, self.rep, self.key, self.source, self.query = lib, rep, key, source, query
        self.progress, self.cancel = progress, cancel
        self.pending: list[tuple[int, dict]] = []  # (records handed over at the end of a page, state)
        self.handed = 0
        self.error: Optional[BaseException] = None
        self.cancelled = False
        self.state: Optional[dict] = None
        self.limit: Optional[int] = None  # max_results, for the progress total
        self.collection: Optional[str] = None  # every paper the collect finds joins it, batch by batch
        self.shown = (0, 0)                    # the last (done, total) reported, for a notice between batches

    def listen(self, fetcher: PoliteFetcher) -> None:
        """Each retry of ``fetcher`` shown as it happens (a line in the CLI, the dialog's status)."""
        if self.progress is not None:
            fetcher.on_retry = lambda line: report(self.progress, *self.shown, Notice(line))

    def records(self, pages: Iterator[tuple[list[Union[Paper, RecordError]], dict]]) -> Iterator:
        try:
            for recs, state in pages:
                self.handed += len(recs)
                self.pending.append((self.handed, state))
                self.rep.pages += 1
                yield from recs
                if self.cancel is not None and self.cancel.cancelled:
                    self.cancelled = True
                    return
        except FetchError as exc:
            # End the stream normally so ingest commits what was read; the caller raises afterwards.
            self.error = exc
        except Cancelled:  # cancelled while waiting between requests
            self.cancelled = True

    def on_progress(self, done: int, total: int, message: str = "") -> None:
        # Called by ingest right after a batch commits: `done` records are in the library.
        state = None
        while self.pending and self.pending[0][0] <= done:
            state = self.pending.pop(0)[1]
        if state is not None:
            self.state = state
            save_cursor(self.lib, self.key, self.source, self.query, state)
        total = self.rep.total or 0
        if self.limit is not None:
            total = min(total, self.limit) if total else self.limit
        self.shown = (done, total)
        report(self.progress, done, total, message)

    def run(self, pages, batch_size: int, fetcher: PoliteFetcher, final_state: Callable[[Optional[dict]], dict]) -> CollectReport:
        rep = self.rep
        try:
            ingest_papers(self.lib, self.records(pages), kind="collect", source=self.source, target=self.query,
                          collection=self.collection, batch_size=max(1, batch_size), progress=self.on_progress,
                          report_obj=rep)
        finally:
            st = fetcher.stats
            rep.requests, rep.retries, rep.waited_s, rep.events = st.requests, st.retries, st.waited_s, list(st.events)
        if self.pending:  # records committed by the last flush
            self.on_progress(rep.read, rep.total or 0)
        self._mark_interrupted()
        self.cancelled = self.cancelled or rep.cancelled
        if self.error is None and not self.cancelled:
            save_cursor(self.lib, self.key, self.source, self.query, final_state(self.state))
            return rep
        if self.cancelled:
            rep.cancelled = True
            self._log("cancelled", "cancelled by the user; collect again with the same query to continue")
            return rep
        exc = self.error
        if isinstance(exc, SourceBlocked):
            rep.blocked = True
            rep.message = str(exc)
            self._log("blocked", rep.message)
            raise CollectBlocked(rep.message, rep) from exc
        if isinstance(exc, ax.ArxivQueryError):
            rep.message = f"{exc} (check the query syntax or the ids; nothing to retry)"
        else:
            rep.message = (f"{exc}. Nothing is lost: what was read is kept; collect again with the same "
                           "query to continue from there.")
        self._log("failed", rep.message)
        unreachable = isinstance(exc, (GaveUp, NotTheSource))
        raise (CollectUnreachable if unreachable else CollectError)(rep.message, rep) from exc

    def _mark_interrupted(self) -> None:
        """Earlier runs of this collect still 'running' in the log died without a word (killed,
        crashed, power cut): say so, and which run continued them."""
        self.lib.mark_interrupted(
            "collect", self.source, self.query, self.rep.import_id,
            f"stopped without finishing (killed or crashed); collect #{self.rep.import_id} continued it")

    def _log(self, status: str, message: str) -> None:
        kept = f" ({self.rep.added} new and {self.rep.merged} merged papers kept)"
        self.lib.end_import(self.rep.import_id, status, message + kept)


# --- arXiv ----------------------------------------------------------------------------------------
def _as_dt(value: Union[str, datetime, None], end: bool = False) -> Optional[datetime]:
    if value is None or isinstance(value, datetime):
        return value
    return ax.parse_date(value, end=end)


@dataclass
class _ArxivCursor:
    """Where an arXiv collect stands. Saved as JSON in ``collect_cursors`` after every committed page,
    so an interrupted collect continues from it (the keys are the saved format)."""

    params: dict
    units: Optional[list[dict]] = None      # the queries or id batches the collect walks, planned at its start
    u: int = 0                              # the unit being read
    start: int = 0                          # the offset inside that unit
    collected: int = 0
    done: bool = False
    max_published: Optional[str] = None
    sort: Optional[str] = None              # the order the units are read in, fixed with them
    last_submitted: Optional[str] = None    # "new in categories": where the last such collect got to
    tracks_new: bool = False                # not saved: whether last_submitted belongs to this collect

    def to_dict(self) -> dict:
        d = {"params": self.params, "units": self.units, "u": self.u, "start": self.start,
             "collected": self.collected, "done": self.done, "max_published": self.max_published}
        if self.tracks_new:
            d["last_submitted"] = self.last_submitted
        if self.units is not None:
            d["sort"] = self.sort
        return json.loads(json.dumps(d))    # a copy: the cursor moves on while the page is committed

    @classmethod
    def from_dict(cls, d: dict, tracks_new: bool, last_submitted: Optional[str]) -> "_ArxivCursor":
        return cls(params=d["params"], units=d.get("units"), u=d.get("u", 0), start=d.get("start", 0),
                   collected=d.get("collected", 0), done=d.get("done", False), max_published=d.get("max_published"),
                   sort=d.get("sort"), last_submitted=d.get("last_submitted", last_submitted), tracks_new=tracks_new)


class _ArxivCollect:
    """One arXiv collect: what it asks for (a query, ids, or what is new in categories), the pages it
    walks, and its cursor."""

    def __init__(self, lib: Library, query: str, *, ids: Sequence[str], categories: Sequence[str],
                 max_results: Optional[int], since, until, sort: Optional[str], page_size: Optional[int],
                 restart: bool, fetcher: PoliteFetcher, now: datetime) -> None:
        self.query, self.ids, self.max_results, self.now, self.fetcher = query, ids, max_results, now, fetcher
        self.since, self.until = _as_dt(since), _as_dt(until, end=True)
        size = int(page_size or setting(lib, "collect.arxiv_page_size"))
        self.size = max(1, min(size, ax.MAX_PAGE_SIZE, max_results or ax.MAX_PAGE_SIZE))
        self.url = endpoint(lib, "arxiv")
        self.bad_ids: list[RecordError] = []
        self.new_key: Optional[str] = None
        memory: dict = {}
        if ids:
            good, self.bad_ids = ax.check_ids(ids)
            self.label = "ids: " + " ".join(ids)
            params: dict[str, Any] = {"ids": good}
        elif categories:
            self.query = ax.categories_query(categories)
            self.label = "new in " + " ".join(categories)
            self.new_key = "arxiv-new:" + " ".join(sorted(categories))
            memory = load_cursor(lib, self.new_key) or {}
            if self.since is None:
                last = memory.get("last_submitted")
                self.since = (datetime.fromisoformat(last) - NEW_OVERLAP) if last else now - NEW_DEFAULT_SPAN
            self.until = self.until or now
            sort = "oldest"
            params = {"new": sorted(categories)}
        else:
            self.label = query
            if self.since or self.until:
                sort = "oldest"  # date windows walk forward in time, so the cursor stays valid
            params = {"query": query, "since": self.since, "until": self.until}
        self.sort = sort or "relevance"
        params.update(max=max_results, sort=self.sort, size=self.size)
        self.params = json.loads(json.dumps(params, default=str))  # dates as text: the cursor is JSON
        self.key = self.new_key or cursor_key("arxiv", self.params)
        self.rep = CollectReport(source="arxiv", query=self.label)
        saved = None if restart else _resumable(load_cursor(lib, self.key), self.params)
        if saved is not None:
            self.rep.resumed_from = dict(saved)
            self.cursor = _ArxivCursor.from_dict(saved, bool(self.new_key), memory.get("last_submitted"))
        else:
            self.cursor = _ArxivCursor(params=self.params, tracks_new=bool(self.new_key),
                                       last_submitted=memory.get("last_submitted"))

    def plan(self) -> tuple[list[dict], str]:
        """The units to read (queries, each within arXiv's per-query limit, or id batches) and in what order."""
        if self.ids:
            good = self.params["ids"]
            step = min(self.size, 200)  # keep the URL short
            return [{"ids": good[i:i + step]} for i in range(0, len(good), step)], self.sort
        query, fetcher, url, limit = self.query, self.fetcher, self.url, self.max_results
        lo, hi = self.since, self.until
        if lo is None and hi is None and limit is not None and limit <= ax.MAX_PER_QUERY:
            return [{"query": query}], self.sort
        lo, hi = lo or ax.ARXIV_EPOCH, hi or self.now
        if limit is not None and limit <= ax.MAX_PER_QUERY:
            return [{"query": ax.windowed_query(query, ax.Window(lo, hi))}], self.sort
        sort = self.sort
        if not (self.since or self.until):
            total = ax.count_results(fetcher, url, query)
            if total <= ax.MAX_PER_QUERY:
                return [{"query": query}], sort
            sort = "oldest"
        windows = ax.plan_windows(lambda w: ax.count_results(fetcher, url, ax.windowed_query(query, w)), lo, hi,
                                  limit=ax.MAX_PER_QUERY)
        return [{"query": ax.windowed_query(query, w), "count": w.count} for w in windows], sort

    def pages(self) -> Iterator[tuple[list, dict]]:
        """(records of one page, the cursor after it), from where the cursor stands to the end."""
        c = self.cursor
        if self.bad_ids and not c.units:
            yield list(self.bad_ids), c.to_dict()
        if c.units is None:
            c.units, c.sort = self.plan()
        while c.u < len(c.units):
            unit = c.units[c.u]
            search = ax.make_search(unit.get("query", ""), unit.get("ids", ()), c.sort or self.sort)
            while True:
                if self.max_results is not None and c.collected >= self.max_results:
                    return
                want = self.size if self.max_results is None else min(self.size, self.max_results - c.collected)
                if unit.get("ids"):
                    want = len(unit["ids"])
                page = ax.fetch_page(self.fetcher, self.url, search, c.start, want)
                recs = self._records(unit, page)
                finished_unit = bool(unit.get("ids")) or not page.results or c.start >= page.total
                if finished_unit:
                    c.u += 1
                    c.start = 0
                yield recs, c.to_dict()
                if finished_unit:
                    break

    def _records(self, unit: dict, page) -> list[Union[Paper, RecordError]]:
        """One page's papers and bad entries (and, for ids, the ids arXiv does not know); moves the cursor."""
        c = self.cursor
        units = c.units
        self.rep.total = page.total if len(units) == 1 else (sum(u.get("count", 0) for u in units) or None)
        papers, bad = [], []
        for r in page.results:
            try:
                papers.append(ax.result_to_paper(r))
            except ValueError as exc:
                bad.append(RecordError(f"arXiv entry {r.entry_id}", str(exc)))
        if self.max_results is not None:
            papers = papers[:self.max_results - c.collected]
        recs: list[Union[Paper, RecordError]] = list(papers) + bad
        if unit.get("ids"):
            found = {p.arxiv_id for p in papers} | {p.arxiv_id_versioned for p in papers}
            recs += [RecordError(f"arXiv id {i}", "arXiv has no paper with this id")
                     for i in unit["ids"] if i not in found and ax.split_arxiv_id(i)[0] not in found]
        c.collected += len(papers)
        c.start += len(page.results)
        for p in papers:
            mp = p.raw.get("published")
            if mp and (c.max_published is None or mp > c.max_published):
                c.max_published = mp
        return recs

    def final(self, last: Optional[dict]) -> dict:
        """The cursor saved when the collect completes: done, and for "new in" how far it got."""
        done = dict(last or self.cursor.to_dict(), done=True)
        if self.new_key:
            prev = done.get("last_submitted")
            done["last_submitted"] = max(filter(None, [prev, done.get("max_published")]), default=None)
        return done


def collect_arxiv(lib: Library, query: str = "", *, ids: Sequence[str] = (), categories: Sequence[str] = (),
                  max_results: Optional[int] = None, since: Union[str, datetime, None] = None,
                  until: Union[str, datetime, None] = None, sort: Optional[str] = None,
                  page_size: Optional[int] = None, restart: bool = False, collection: Optional[str] = None,
                  progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
                  sleep: Callable[[float], None] = time.sleep, fetcher: Optional[PoliteFetcher] = None,
                  now: Optional[datetime] = None) -> CollectReport:
    """Collect from the arXiv API: a query (any arXiv syntax), a list of ids, or everything new in
    ``categories`` since the last such collect (or ``since``).

    Runs resume: the same arguments after an interrupted run continue from the saved cursor
    (``restart=True`` starts over). With ``collection``, every paper found (new or already in the
    library) joins that collection, committed with its batch. Raises CollectError (with ``.report``)
    when the API fails for good; ArxivQueryError-caused errors name what arXiv rejected."""
    if sum(bool(x) for x in (query, ids, categories)) != 1:
        raise ValueError("give exactly one of: a query, ids, or categories")
    now = now or datetime.now(timezone.utc).replace(second=0, microsecond=0)
    fetcher = fetcher or make_fetcher(lib, "arxiv", cancellable(sleep, cancel=cancel), cancel=cancel)
    walk = _ArxivCollect(lib, query, ids=ids, categories=categories, max_results=max_results, since=since,
                         until=until, sort=sort, page_size=page_size, restart=restart, fetcher=fetcher, now=now)
    rep, key, label, size, pages, final = walk.rep, walk.key, walk.label, walk.size, walk.pages, walk.final
    run = _Run(lib, rep, key, "arxiv", label, progress=progress, cancel=cancel)
    run.limit = max_results
    run.collection = collection
    run.listen(fetcher)
    return run.run(pages(), size, fetcher, final)


def _resumable(saved: Optional[dict], params: dict) -> Optional[dict]:
    """The saved state when it is an unfinished run of the same collect."""
    if not saved or saved.get("done") or saved.get("units") is None:
        return None
    if json.loads(json.dumps(saved.get("params"), default=str)) != json.loads(json.dumps(params, default=str)):
        return None
    return saved


# --- Google Scholar -------------------------------------------------------------------------------
def collect_scholar(lib: Library, query: str, *, max_results: Optional[int] = 100, year_low: Optional[int] = None,
                    year_high: Optional[int] = None, fill_from_arxiv: bool = True, arxiv_title_lookups: int = 20,
                    restart: bool = False, collection: Optional[str] = None,
                    progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None,
                    sleep: Callable[[float], None] = time.sleep, fetcher: Optional[PoliteFetcher] = None,
                    arxiv_fetcher: Optional[PoliteFetcher] = None) -> CollectReport:
    """Collect a Google Scholar search (result snippets: abstracts marked truncated), then replace
    snippets with full arXiv abstracts where the paper is on arXiv: by the arXiv link Scholar shows,
    else by an exact-title search on arXiv (at most ``arxiv_title_lookups`` of them, 3 s each).

    A block (403, a "not a robot" page) raises CollectBlocked after committing everything read
    before it; the cursor lets the next run continue from the blocked page. With ``collection``,
    every paper found joins that collection."""
    from .sources import scholar as sch

    fetcher = fetcher or make_fetcher(lib, "scholar", cancellable(sleep, cancel=cancel), cancel=cancel)
    params = {"query": query, "year_low": year_low, "year_high": year_high, "max": max_results}
    key = cursor_key("scholar", params)
    rep = CollectReport(source="scholar", query=query)
    saved = None if restart else load_cursor(lib, key)
    if saved and not saved.get("done") and saved.get("next"):
        state = saved
        rep.resumed_from = dict(saved)
    else:
        state = {"params": params, "next": sch.search_path(query, year_low, year_high), "collected": 0,
                 "done": False}
    client = sch.ScholarClient(endpoint(lib, "scholar"), fetcher)

    def pages() -> Iterator[tuple[list, dict]]:
        while state["next"] and (max_results is None or state["collected"] < max_results):
            papers, nxt, total = client.search_page(state["next"])
            if total is not None:
                rep.total = total
            if not papers:
                rep.events.append(f"no results readable on {state['next']}: nothing found, or Scholar changed its layout")
            if max_results is not None:
                papers = papers[:max_results - state["collected"]]
            state["collected"] += len(papers)
            state["next"] = nxt
            yield list(papers), json.loads(json.dumps(state))

    run = _Run(lib, rep, key, "scholar", query, progress=progress, cancel=cancel)
    run.limit = max_results
    run.collection = collection
    run.listen(fetcher)
    try:
        run.run(pages(), 10, fetcher, lambda last: dict(last or state, done=True))
    finally:
        if fill_from_arxiv and rep.import_id is not None and not rep.cancelled:
            _fill_from_arxiv(lib, rep, arxiv_title_lookups, sleep, arxiv_fetcher, progress=progress, cancel=cancel)
    return rep


FILLING = "arXiv abstracts"    # the stage of the progress messages while snippets are filled


def _fill_from_arxiv(lib: Library, rep: CollectReport, title_lookups: int, sleep, fetcher, *,
                     progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None) -> None:
    """Full abstracts for this collect's Scholar snippets whose paper is on arXiv: first by the arXiv links
    Scholar shows (one id lookup), then by exact title (one request each, at arXiv's interval). Reports
    each step; a cancel stops at the next request and keeps what was filled (``rep.cancelled``)."""
    rows = lib.scholar_snippets(rep.import_id)
    ids = [ax_id for _, _, ax_id, _ in rows if ax_id]
    by_title = [(pid, t, a) for pid, t, ax_id, a in rows if not ax_id][:max(0, title_lookups)]
    fetcher = fetcher or make_fetcher(lib, "arxiv", cancellable(sleep, cancel=cancel), cancel=cancel)
    if ids:
        report(progress, 0, len(by_title), f"{FILLING}: looking up {len(ids)} papers by their arXiv links")
        try:
            sub = collect_arxiv(lib, ids=ids, sleep=sleep, fetcher=fetcher, restart=True, cancel=cancel)
        except CollectError as exc:
            rep.events.append(f"could not fill abstracts from arXiv: {exc}")
            return
        if sub.cancelled:
            rep.cancelled = True
            rep.events.append(f"filling abstracts from arXiv cancelled: {sub.merged + sub.unchanged} of {len(ids)} "
                              "filled by their arXiv links are kept")
            return
        rep.events.append(f"filled from arXiv: {sub.merged + sub.unchanged} of {len(ids)} papers (by their arXiv links)")
    if not by_title:
        return
    found: list[Paper] = []
    looked = 0
    try:
        for pid, title, authors in by_title:
            report(progress, looked, len(by_title),
                   f"{FILLING}: title {looked + 1} of {len(by_title)}, {len(found)} found")
            check(cancel)       # before each request: a cancel asked at the message above asks for nothing more
            hit = _arxiv_title_match(fetcher, endpoint(lib, "arxiv"), title, authors)
            looked += 1
            if hit is not None:
                found.append(hit)
                # Same title and first author: the same paper. Say so, so that the arXiv record
                # merges into it even where Scholar's year or venue differ.
                lib.claim_arxiv_id(pid, hit.arxiv_id)
        report(progress, looked, len(by_title), f"{FILLING}: {looked} titles looked up, {len(found)} found")
    except FetchError as exc:
        rep.events.append(f"arXiv title lookups stopped: {exc}")
    except Cancelled:
        rep.cancelled = True
    if found:   # also when stopped: the abstracts found so far are kept
        sub = ingest_papers(lib, found, kind="collect", source="arxiv", target=f"arXiv abstracts for Scholar: {rep.query}")
        filled = sub.merged + sub.unchanged
    else:
        filled = 0
    if rep.cancelled:
        rep.events.append(f"arXiv title lookups cancelled after {looked} of {len(by_title)}; abstracts filled "
                          f"before the stop: {filled} (kept)")
    else:
        rep.events.append(f"filled from arXiv: {filled} of {len(by_title)} papers (by exact title)")


def _arxiv_title_match(fetcher: PoliteFetcher, url: str, title: str, authors: str) -> Optional[Paper]:
    import re

    from .csvcells import split_authors
    from .sources.dedup import first_author_key, normalize_title

    words = re.sub(r"[^\w\s\-]", " ", title).split()
    if len(words) < 3 or title.startswith("\u2026"):
        return None  # too short to be sure, or Scholar cut the title
    page = ax.fetch_page(fetcher, url, ax.make_search(f'ti:"{" ".join(words)}"'), 0, 5)
    want = normalize_title(title)
    author = first_author_key(split_authors(authors))
    for r in page.results:
        p = ax.result_to_paper(r)
        if normalize_title(p.title) == want and (author is None or first_author_key(p.authors) == author):
            return p
    return None
