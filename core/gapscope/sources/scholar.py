"""Google Scholar search through the `scholarly` package, against a configurable host.

scholarly builds the search URL (``_Scholarly._construct_url``) and parses result rows
(``PublicationParser``), but its navigator hard-codes ``https://scholar.google.com`` in
``Navigator._get_soup``, retries a 403 after sleeping one to two minutes, and hides a block behind
``MaxTriesExceededException``. So the parser is handed our own small navigator (the documented
``nav`` argument of ``PublicationParser``: an object with ``_get_soup``, ``_get_page`` and
``publib``) that fetches from the configured host through the polite fetcher and reports a block
at once, with what it saw.

Scholar gives snippets, not abstracts: every abstract from here is marked truncated.
"""

from __future__ import annotations

import re
from typing import Optional
from urllib.parse import urljoin

from ..models import Paper, split_arxiv_id
from .polite import PoliteFetcher, Response, SourceBlocked

# Shown by the CLI and the window alike: each way of setting the proxy is named.
BLOCK_HELP = ("Wait an hour or more before trying again, or set a proxy (in the window: Preferences > Network; "
              "on the command line: `gapscope settings set collect.proxy http://HOST:PORT`). Everything collected "
              "so far is kept, and the next collect with the same query continues from the blocked page.")

_CAPTCHA_MARKERS = ('id="gs_captcha_ccl"', 'id="recaptcha"', 'id="captcha-form"', "rc-doscaptcha-body",
                    "not a robot")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ARXIV_LINK = re.compile(r"arxiv\.org/(?:abs|pdf)/([^\s?#]+?)(?:\.pdf)?(?:[?#]|$)", re.IGNORECASE)


def decode_html(resp: Response) -> str:
    """Text of a page. Bytes that are valid UTF-8 are UTF-8 whatever the page declares (saved or
    proxied Scholar pages often keep the ISO-8859-1 label on UTF-8 bytes; real Latin-1 text with
    accents is almost never valid UTF-8); otherwise the declared charset, else Windows-1252."""
    try:
        return resp.content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    ctype = resp.headers.get("Content-Type", "")
    m = re.search(r"charset=([A-Za-z0-9_\-]+)", ctype)
    charset = m.group(1) if m else None
    if not charset:
        m2 = _META_CHARSET.search(resp.content[:4096])
        charset = m2.group(1).decode("ascii") if m2 else "cp1252"
    try:
        return resp.content.decode(charset, errors="replace")
    except LookupError:
        return resp.content.decode("cp1252", errors="replace")


def block_reason(resp: Response) -> Optional[str]:
    """Why this response is Google refusing us, or None."""
    if resp.status == 403:
        return f"Google Scholar refused the request (HTTP 403 Forbidden). {BLOCK_HELP}"
    if resp.status == 429 or "/sorry/" in resp.url:
        return f"Google Scholar says there is unusual traffic from this address (HTTP {resp.status}). {BLOCK_HELP}"
    if resp.status == 200:
        head = resp.content.decode("latin-1")
        if any(mark in head for mark in _CAPTCHA_MARKERS):
            return f"Google Scholar answered with its \"not a robot\" check instead of results. {BLOCK_HELP}"
    return None


def search_path(query: str, year_low: Optional[int] = None, year_high: Optional[int] = None) -> str:
    import requests
    from scholarly import scholarly as _scholarly

    base = "/scholar?hl=en&q={0}".format(requests.utils.quote(query))
    return _scholarly._construct_url(base, year_low=year_low, year_high=year_high)


class _Navigator:
    """What scholarly's PublicationParser needs from a navigator, over our host and fetcher."""

    def __init__(self, client: "ScholarClient") -> None:
        import logging

        self.client = client
        self.publib = ""
        self.logger = logging.getLogger("gapscope.scholar")

    def _get_page(self, pagerequest: str, premium: bool = False) -> str:
        return self.client.get_html(pagerequest)

    def _get_soup(self, url: str):
        from bs4 import BeautifulSoup

        html = self._get_page(url).replace("\xa0", " ")
        soup = BeautifulSoup(html, "html.parser")
        glb = soup.find("div", id="gs_res_glb")
        self.publib = glb.get("data-sva", "") if glb else ""
        return soup


class ScholarClient:
    def __init__(self, host: str, fetcher: PoliteFetcher) -> None:
        self.host = host.rstrip("/")
        self.fetcher = fetcher
        self.nav = _Navigator(self)

    def url(self, path: str) -> str:
        # Scholar's own links are host-relative ("/scholar?start=10..."): keep them on our host.
        return path if path.startswith(("http://", "https://")) else urljoin(self.host + "/", path.lstrip("/"))

    def get_html(self, path: str) -> str:
        return decode_html(self.fetcher.get(self.url(path), blocked=block_reason))

    def search_page(self, path: str) -> tuple[list[Paper], Optional[str], Optional[int]]:
        """One page of results: its papers, the next page's path (None at the end), the total
        Scholar claims ("About 31 results")."""
        from scholarly.data_types import PublicationSource
        from scholarly.publication_parser import PublicationParser

        soup = self.nav._get_soup(path)
        rows = soup.find_all("div", class_="gs_r gs_or gs_scl")
        if not rows:  # older markup (2016): div.gs_r > div.gs_ri, no data-cid / data-rp on the row
            rows = [r for r in soup.find_all("div", class_="gs_r") if r.find("div", class_="gs_ri")]
            for i, row in enumerate(rows):
                related = row.find("a", href=re.compile(r"related:[\w-]+:"))
                m = re.search(r"related:([\w-]+):", related["href"]) if related else None
                row["data-cid"] = row.get("data-cid") or (m.group(1) if m else "")
                row["data-rp"] = row.get("data-rp") or str(i)
        parser = PublicationParser(self.nav)
        papers = []
        for row in rows:
            if not row.find("div", class_="gs_ri"):
                continue
            pub = parser.get_publication(row, PublicationSource.PUBLICATION_SEARCH_SNIPPET)
            papers.append(publication_to_paper(pub, row.get("data-cid") or None))
        nxt = soup.find(class_="gs_ico gs_ico_nav_next")
        next_path = nxt.parent.get("href") if nxt is not None and nxt.parent is not None else None
        total = None
        for div in soup.find_all("div", class_="gs_ab_mdw"):
            m = re.match(r"(^|\s*About)\s*([0-9,\.\s’]+)", div.text)
            if m:
                total = int(re.sub(r"[,\.\s’]", "", m.group(2)) or 0)
                break
        if not rows and total:
            # Results promised but none shown, and no captcha marker we know: still a block.
            raise SourceBlocked(f"Google Scholar showed no results on a page that claims {total}. {BLOCK_HELP}",
                                self.url(path))
        return papers, next_path, total


def _arxiv_id_from(*urls: Optional[str]) -> Optional[str]:
    for u in urls:
        if not u:
            continue
        m = _ARXIV_LINK.search(u)
        if m:
            try:
                return split_arxiv_id(m.group(1))[0]
            except ValueError:
                continue
    return None


def publication_to_paper(pub: dict, cluster_id: Optional[str]) -> Paper:
    bib = pub.get("bib", {})
    year = bib.get("pub_year")
    venue = bib.get("venue")
    snippet = " ".join((bib.get("abstract") or "").split())
    return Paper(
        title=" ".join((bib.get("title") or "").split()),
        abstract=snippet,
        abstract_truncated=bool(snippet),
        authors=[a for a in bib.get("author", []) if a],
        year=int(year) if isinstance(year, str) and year.isdigit() else None,
        published=year if isinstance(year, str) and year.isdigit() else None,
        venue=venue if venue and venue != "NA" else None,
        url=pub.get("pub_url") or pub.get("eprint_url"),
        arxiv_id=_arxiv_id_from(pub.get("eprint_url"), pub.get("pub_url")),
        source="scholar",
        source_key=cluster_id or None,
        raw={k: v for k, v in dict(pub).items() if k != "source"} | {"source": "PUBLICATION_SEARCH_SNIPPET"},
    )
