"""OpenAlex and Semantic Scholar over the polite fetcher: paper lookups, references, citing works.

Both clients return plain :class:`WorkRecord` values (ids + metadata) and never write the library.
Why not ``pyalex`` / ``semanticscholar``: each owns its HTTP (pyalex a fresh requests session per
call with urllib3 retries mounted for https only and a module-global config holding the key;
semanticscholar an httpx client with its own tenacity retries), so neither can go through
:class:`PoliteFetcher`, whose spacing, Retry-After handling, cancellable backoff and injectable sleep
the collectors and the replay tests rely on. The few URL shapes used here are small enough to own.

Errors: a 404 raises :class:`NotFound`; 401/403 raise :class:`KeyRefused` (a bad or missing key: the
source is useless for the rest of the run); other failures are the fetcher's :class:`FetchError`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional
from urllib.parse import quote, urlencode

from ..models import normalize_doi, split_arxiv_id
from ..sources.polite import FetchError, PoliteFetcher, Response, html_page_instead

DEFAULT_OPENALEX_URL = "https://api.openalex.org"
DEFAULT_S2_URL = "https://api.semanticscholar.org"
S2_PAGE = 1000          # the most the references / citations endpoints give per request
S2_OFFSET_CAP = 9999    # the citations endpoint refuses offset + limit beyond this
OPENALEX_PAGE = 200
OPENALEX_IDS_PER_FILTER = 50


class NotFound(FetchError):
    """The source has no such paper (HTTP 404)."""


class KeyRefused(FetchError):
    """The source refused the API key (HTTP 401 / 403)."""


@dataclass
class WorkRecord:
    ids: dict[str, Any]                       # doi, arxiv_id, s2_id, openalex_id (what the source knows)
    meta: dict[str, Any]                      # corpus_id, title, year, venue, citation_count, oa_pdf_url
    references: list[str] = field(default_factory=list)   # OpenAlex: W ids of the works it cites

    @property
    def has_id(self) -> bool:
        return any(self.ids.values())


def arxiv_from_doi(doi: Optional[str]) -> Optional[str]:
    """arXiv's own DOIs (10.48550/arXiv.2312.07559) carry the arXiv id."""
    if doi and doi.startswith("10.48550/arxiv."):
        try:
            return split_arxiv_id(doi[len("10.48550/arxiv."):])[0]
        except ValueError:
            return None
    return None


def _clean_ids(doi: Optional[str], arxiv: Optional[str], **more: Any) -> dict[str, Any]:
    doi = normalize_doi(doi)
    ax = None
    if arxiv:
        try:
            ax = split_arxiv_id(str(arxiv))[0]
        except ValueError:
            ax = None
    ids = {"doi": doi, "arxiv_id": ax or arxiv_from_doi(doi)}
    ids.update(more)
    return {k: v for k, v in ids.items() if v}


def _json(resp: Response, url: str) -> Any:
    try:
        return json.loads(resp.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise FetchError(f"not JSON from {url}: {exc}", url, resp.status, resp.content) from exc


def _web_page(resp: Response, source: str) -> Optional[str]:
    return html_page_instead(resp, f"{source}'s JSON", f"citations.{source}_url",
                             lambda head: head.startswith((b"{", b"[")))


def _not_json(resp: Response) -> Optional[str]:
    try:
        json.loads(resp.content.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return "the answer was not JSON"
    return None


class _Client:
    source = ""

    def __init__(self, fetcher: PoliteFetcher, base_url: str) -> None:
        self.fetcher = fetcher
        self.base = base_url.rstrip("/")

    def _get(self, url: str) -> Any:
        try:
            return _json(self.fetcher.get(url, check=_not_json, wrong=lambda r: _web_page(r, self.source)), url)
        except FetchError as exc:
            if exc.status == 404:
                raise NotFound(f"{self.source}: not found ({_shown(url)})", _shown(url), 404, exc.body) from None
            if exc.status in (401, 403):
                raise KeyRefused(f"{self.source} refused the request (HTTP {exc.status}): check the API key "
                                 f"setting citations.{self.source}_api_key", _shown(url), exc.status, exc.body) from None
            raise type(exc)(_shown(str(exc)), _shown(url), exc.status, exc.body) from None


def _shown(url: str) -> str:
    """The URL without an api_key value: messages and logs never show the key."""
    import re

    return re.sub(r"(api_key(?:=|%3D))[^&\s]*", r"\1***", url, flags=re.IGNORECASE)   # also percent-encoded


# --- Semantic Scholar ---------------------------------------------------------------------------
S2_FIELDS = "paperId,corpusId,externalIds,title,year,venue,publicationVenue,journal,citationCount,openAccessPdf"
S2_EDGE_FIELDS = "paperId,corpusId,externalIds,title,year,venue,citationCount"


def s2_record(p: dict[str, Any]) -> WorkRecord:
    ext = p.get("externalIds") or {}
    ids = _clean_ids(ext.get("DOI"), ext.get("ArXiv"), s2_id=p.get("paperId"))
    venue = p.get("venue") or (p.get("publicationVenue") or {}).get("name") or (p.get("journal") or {}).get("name")
    oa = (p.get("openAccessPdf") or {}).get("url") or None
    return WorkRecord(ids, {"corpus_id": p.get("corpusId") or ext.get("CorpusId"), "title": p.get("title"),
                            "year": p.get("year"), "venue": venue or None,
                            "citation_count": p.get("citationCount"), "oa_pdf_url": oa})


class SemanticScholar(_Client):
    """The Academic Graph API (/graph/v1). An API key goes in the x-api-key header."""

    source = "s2"

    def __init__(self, fetcher: PoliteFetcher, base_url: str = DEFAULT_S2_URL, api_key: Optional[str] = None) -> None:
        super().__init__(fetcher, base_url)
        if api_key:
            fetcher.session.headers["x-api-key"] = api_key

    @staticmethod
    def ident(doi: Optional[str], arxiv_id: Optional[str]) -> Optional[str]:
        if doi:
            return f"DOI:{doi}"
        if arxiv_id:
            return f"ARXIV:{arxiv_id}"
        return None

    def paper(self, ident: str) -> tuple[WorkRecord, dict]:
        data = self._get(f"{self.base}/graph/v1/paper/{quote(ident, safe=':/')}?fields={S2_FIELDS}")
        return s2_record(data), data

    def _edges(self, paper_id: str, kind: str, key: str, limit: Optional[int]) -> Iterator[list[WorkRecord | None]]:
        """Pages of records (None for an entry without any id: S2 lists it by title only)."""
        offset, got = 0, 0
        while True:
            size = S2_PAGE if limit is None else max(1, min(S2_PAGE, limit - got))
            if kind == "citations":
                size = min(size, S2_OFFSET_CAP - offset)
            q = urlencode({"fields": S2_EDGE_FIELDS, "offset": offset, "limit": size})
            data = self._get(f"{self.base}/graph/v1/paper/{paper_id}/{kind}?{q}")
            rows = data.get("data") or []   # an empty answer may have no "data" at all
            page = []
            for row in rows:
                rec = s2_record(row.get(key) or {})
                page.append(rec if rec.has_id else None)
            got += len(page)
            yield page
            nxt = data.get("next")
            if nxt is None or not rows or (limit is not None and got >= limit) or \
                    (kind == "citations" and nxt >= S2_OFFSET_CAP):
                return
            offset = int(nxt)

    def references(self, paper_id: str, limit: Optional[int] = None):
        return self._edges(paper_id, "references", "citedPaper", limit)

    def citations(self, paper_id: str, limit: Optional[int] = None):
        return self._edges(paper_id, "citations", "citingPaper", limit)


# --- OpenAlex -------------------------------------------------------------------------------------
OPENALEX_EDGE_SELECT = "id,doi,title,publication_year,cited_by_count,primary_location"


def openalex_id(url_or_id: Optional[str]) -> Optional[str]:
    if not url_or_id:
        return None
    return str(url_or_id).rstrip("/").rsplit("/", 1)[-1]


def openalex_record(w: dict[str, Any]) -> WorkRecord:
    ids = _clean_ids(w.get("doi") or (w.get("ids") or {}).get("doi"), None, openalex_id=openalex_id(w.get("id")))
    loc = w.get("primary_location") or {}
    venue = (loc.get("source") or {}).get("display_name")
    oa = (w.get("open_access") or {}).get("oa_url") or (w.get("best_oa_location") or {}).get("pdf_url")
    return WorkRecord(ids, {"title": w.get("title") or w.get("display_name"), "year": w.get("publication_year"),
                            "venue": venue, "citation_count": w.get("cited_by_count"), "oa_pdf_url": oa},
                      references=[i for i in (openalex_id(u) for u in w.get("referenced_works") or []) if i])


class OpenAlex(_Client):
    """The OpenAlex API. The key (required since February 2026) and a contact address go in the query."""

    source = "openalex"

    def __init__(self, fetcher: PoliteFetcher, base_url: str = DEFAULT_OPENALEX_URL, api_key: Optional[str] = None,
                 mailto: Optional[str] = None) -> None:
        super().__init__(fetcher, base_url)
        self.auth = {k: v for k, v in (("api_key", api_key), ("mailto", mailto)) if v}

    def _q(self, params: dict[str, Any]) -> str:
        return urlencode({**params, **self.auth}, safe=":,|*")

    def work(self, doi: str) -> tuple[WorkRecord, dict]:
        """One work by DOI (a singleton request, free of charge)."""
        url = f"{self.base}/works/https://doi.org/{quote(doi, safe=':')}"
        if self.auth:
            url += "?" + self._q({})
        data = self._get(url)
        return openalex_record(data), data

    def works_by_id(self, ids: list[str]) -> list[WorkRecord]:
        """Ids and titles of up to 50 works at once (for references known only by their W id)."""
        q = self._q({"filter": "openalex_id:" + "|".join(ids), "select": OPENALEX_EDGE_SELECT, "per-page": len(ids)})
        data = self._get(f"{self.base}/works?{q}")
        return [openalex_record(w) for w in data.get("results") or []]

    def works_mentioning(self, query: str, n: int = 5) -> tuple[int, list[WorkRecord]]:
        """(how many works' title or abstract match ``query``, the ``n`` most cited of them). ``query`` is
        OpenAlex's boolean search syntax (quoted phrases, AND, OR); one request."""
        q = self._q({"filter": f"title_and_abstract.search:{query}", "sort": "cited_by_count:desc",
                     "select": OPENALEX_EDGE_SELECT, "per-page": max(1, int(n))})
        url = f"{self.base}/works?{q}"
        data = self._get(url)
        count = data.get("meta", {}).get("count") if isinstance(data, dict) and isinstance(data.get("meta"), dict) else None
        results = data.get("results") if isinstance(data, dict) else None
        if not isinstance(count, int) or not isinstance(results, list) or not all(isinstance(w, dict) for w in results):
            # not a works list: counting it as 0 would call the pair untried
            raise FetchError(f"openalex: the answer is not a works list with a count ({_shown(url)})", _shown(url), 200)
        return count, [openalex_record(w) for w in results[:n]]

    def citing(self, work_id: str, limit: Optional[int] = None) -> Iterator[list[WorkRecord]]:
        """Pages of the works citing ``work_id`` (cursor paging)."""
        cursor, got = "*", 0
        while cursor:
            q = self._q({"filter": f"cites:{work_id}", "select": OPENALEX_EDGE_SELECT, "per-page": OPENALEX_PAGE,
                         "cursor": cursor})
            data = self._get(f"{self.base}/works?{q}")
            page = [openalex_record(w) for w in data.get("results") or []]
            if limit is not None:
                page = page[:max(0, limit - got)]
            got += len(page)
            yield page
            cursor = (data.get("meta") or {}).get("next_cursor")
            if not page or (limit is not None and got >= limit):
                return


