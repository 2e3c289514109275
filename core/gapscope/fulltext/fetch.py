"""Download the PDFs of library papers that have an arXiv id, and attach them.

The download goes through the polite client of the arXiv collect (gapscope.sources.polite: one
request per ``collect.arxiv_interval_s`` and never under arXiv's 3 s on arxiv.org, retries with
backoff, a deadline for the whole answer, the GapScope User-Agent, the proxy setting). The base URL
is the ``arxiv_pdf_url`` setting ($GAPSCOPE_ARXIV_PDF_URL > library setting collect.arxiv_pdf_url >
https://arxiv.org/pdf); a paper's PDF is asked at its candidate URLs in turn (:func:`candidate_urls`:
the id with the version the library knows, then the id alone, the newest version).

Each file is attached as `pdf attach` does (content-hash storage, never twice), to the paper it was
downloaded for. A URL that fails (404, a body that is not a PDF, a server that failed every retry) is
noted and the paper's next candidate URL is asked; a paper whose every URL failed is that paper's
``failed`` result, named by its arXiv id, with each URL's failure (``tried``); the other papers go on,
and every PDF attached before a cancel stays. Only what every further request would meet stops the
asking: an HTML page instead of a PDF (a captive portal, a wrong URL setting), or a host that cannot
be connected to at all (no network). The papers left are then reported "not tried", with why. Results
whose failure is the host's (it failed every retry, could not be reached, or something else answered)
are marked ``unreachable`` (the CLI's exit code 5, as for `collect` and `enrich`).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..jobs import check, report
from .attach import attach_file

DEFAULT_PDF_URL = "https://arxiv.org/pdf"


@dataclass
class FetchResult:
    paper_id: int
    arxiv_id: str
    status: str                       # attached | already-attached | unreadable | has-pdf | failed
    url: Optional[str] = None
    attachment_id: Optional[int] = None
    pages: Optional[int] = None
    sentences: int = 0
    bytes: int = 0
    message: Optional[str] = None
    unreachable: bool = False         # failed because the host could not be asked (offline, portal, gave up)
    tried: list[dict[str, str]] = field(default_factory=list)   # each URL that failed: {"url", "error"}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def pdf_base_url(lib) -> str:
    from .. import settings

    return str(settings.get("arxiv_pdf_url", lib) or DEFAULT_PDF_URL).rstrip("/")


def make_pdf_fetcher(lib, *, sleep: Callable[[float], None] = time.sleep, cancel=None):
    """The collect's polite client, its spacing kept at arXiv's 3 s when the host is arxiv.org."""
    from ..collect import cancellable, proxies, setting
    from ..sources import arxiv_api as ax
    from ..sources.polite import PoliteFetcher

    interval = float(setting(lib, "collect.arxiv_interval_s"))
    if "arxiv.org" in pdf_base_url(lib):
        interval = max(interval, ax.MIN_INTERVAL_S)
    return PoliteFetcher(min_interval=interval, timeout=float(setting(lib, "collect.timeout_s")),
                         max_retries=int(setting(lib, "collect.max_retries")), proxies=proxies(lib),
                         backoff_base=max(interval, 1.0), sleep=cancellable(sleep, cancel=cancel),
                         deadline=float(setting(lib, "collect.deadline_s")), cancel=cancel)


def _looks_like_pdf(head: bytes) -> bool:
    return head.lstrip()[:5].lower() == b"%pdf-"


def _html_instead(resp) -> Optional[str]:
    """An HTML page instead of a PDF (a captive portal, a proxy's notice, a wrong URL setting): the
    polite client raises NotTheSource, and the fetch stops asking that host."""
    from ..sources.polite import html_page_instead

    if resp.status != 200 or _looks_like_pdf(resp.content[:16]):
        return None
    return html_page_instead(resp, "a PDF", "arxiv_pdf_url setting ($GAPSCOPE_ARXIV_PDF_URL)", _looks_like_pdf)


def _not_a_pdf(resp) -> Optional[str]:
    if not _looks_like_pdf(resp.content[:16]):
        kind = resp.headers.get("Content-Type", "unknown type")
        return f"the answer is not a PDF ({kind}, {len(resp.content)} bytes)"
    return None


def papers_to_fetch(lib, paper_ids: Optional[Sequence[int]] = None) -> list[tuple[int, str, Optional[int]]]:
    """(paper id, arXiv id, version) of the papers asked for (default: every paper with an arXiv id
    and no PDF attached)."""
    if paper_ids is None:
        return lib.arxiv_papers_without_pdf()
    return [(p.id, p.arxiv_id, p.arxiv_version) for p in lib.get_papers(list(paper_ids))]


def candidate_urls(base: str, arxiv_id: str, version: Optional[int]) -> list[str]:
    """Where a paper's PDF is asked, in turn: the version the library knows, then the id alone (the
    newest version; what a mirror without that version, or a server failing on that file, may still
    serve)."""
    return ([f"{base}/{arxiv_id}v{version}"] if version else []) + [f"{base}/{arxiv_id}"]


def fetch_pdfs(lib, paper_ids: Optional[Sequence[int]] = None, *, refetch: bool = False, fetcher=None,
               sleep: Callable[[float], None] = time.sleep, progress=None, cancel=None) -> list[FetchResult]:
    """Download and attach the arXiv PDF of each paper (see the module's docstring). A paper that has
    a PDF already is skipped (``has-pdf``) unless ``refetch``; one without an arXiv id fails with a
    message saying so."""
    todo = papers_to_fetch(lib, paper_ids)
    own = fetcher is None
    fetcher = fetcher or make_pdf_fetcher(lib, sleep=sleep, cancel=cancel)
    base = pdf_base_url(lib)
    folder = lib.files_folder()
    out: list[FetchResult] = []
    stopped: Optional[str] = None          # why the host is asked no more (something else answers, offline)
    try:
        for i, (pid, arxiv_id, version) in enumerate(todo):
            report(progress, i, len(todo), f"PDF of {arxiv_id or f'paper {pid}'}")
            check(cancel)
            res = FetchResult(pid, arxiv_id or "", "failed")
            out.append(res)
            if not arxiv_id:
                res.message = f"paper {pid} has no arXiv id"
                continue
            if not refetch and lib.attachments_of(pid):
                res.status, res.message = "has-pdf", f"arXiv {arxiv_id}: paper {pid} has a PDF already"
                continue
            urls = candidate_urls(base, arxiv_id, version)
            res.url = urls[0]
            if stopped:
                res.message, res.unreachable = f"arXiv {arxiv_id}: not tried ({stopped})", True
                continue
            stopped = _fetch_paper(lib, fetcher, res, urls, folder, cancel)
        report(progress, len(todo), len(todo), "PDFs fetched")
    finally:
        if own:
            fetcher.close()
    return out


def _fetch_paper(lib, fetcher, res: FetchResult, urls: list[str], folder: Path, cancel) -> Optional[str]:
    """Ask ``urls`` in turn until one gives a PDF; fill ``res``. A reason to ask the host no more when
    every further request would fare the same."""
    gave_up = 0                             # URLs whose failure was the host's: it failed every retry
    for url in urls:
        res.url = url
        error, stop, hosts_fault = _download_and_attach(lib, fetcher, res, folder, cancel)
        if error is None:
            if res.tried:                   # came from a later candidate: the earlier failures stay said
                earlier = "; ".join(f"{t['url']}: {t['error']}" for t in res.tried)
                said = f"; {res.message.split(': ', 1)[1]}" if res.message else ""
                res.message = f"arXiv {res.arxiv_id}: {res.status} from {url} after {earlier}{said}"
            return None
        res.tried.append({"url": url, "error": error})
        gave_up += hosts_fault
        if stop:
            res.message, res.unreachable = f"arXiv {res.arxiv_id}: {error}", True
            return stop
    res.status = "failed"
    if len(res.tried) == 1:
        res.message = f"arXiv {res.arxiv_id}: {res.tried[0]['error']}"
    else:
        res.message = f"arXiv {res.arxiv_id}: every URL failed: " + "; ".join(
            f"{t['url']}: {t['error']}" for t in res.tried)
    # the host's fault when no URL got a definite answer (a 404, a file that is not a PDF)
    res.unreachable = gave_up == len(res.tried)
    return None


def _download_and_attach(lib, fetcher, res: FetchResult, folder: Path,
                         cancel) -> tuple[Optional[str], Optional[str], bool]:
    """Fetch ``res.url`` and attach what came; (why it failed or None, a reason to ask the host no
    more, whether the failure is the host's rather than the URL's answer)."""
    from ..jobs import Cancelled
    from ..sources.polite import FetchError, GaveUp, HostUnreachable, NotTheSource

    try:
        resp = fetcher.get(res.url, wrong=_html_instead)
    except Cancelled:
        raise
    except NotTheSource as exc:
        return str(exc), "an HTML page answered instead of a PDF", True
    except HostUnreachable as exc:     # offline, or nothing answers there: every other URL would fare the same
        return str(exc), "the host could not be reached", True
    except GaveUp as exc:             # this URL failed every retry: the next URL, or paper, may not
        return str(exc), None, True
    except FetchError as exc:
        return str(exc), None, False
    except Exception as exc:  # noqa: BLE001 - one paper's failure must not stop the others
        return f"{type(exc).__name__}: {exc}", None, False
    reason = _not_a_pdf(resp)
    if reason:
        return f"{reason} ({res.url})", None, False
    res.bytes = len(resp.content)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f"arxiv-{res.arxiv_id.replace('/', '_')}-", suffix=".pdf.part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(resp.content)
        att = attach_file(lib, tmp, paper_id=res.paper_id, source="arxiv", name=res.url, cancel=cancel)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    res.status, res.attachment_id, res.pages, res.sentences = att.status, att.attachment_id, att.pages, att.sentences
    res.message = None
    if att.status == "already-attached":
        res.message = f"arXiv {res.arxiv_id}: the same file is already attached to paper {att.paper_id}"
    elif att.message:
        res.message = f"arXiv {res.arxiv_id}: {att.message.replace(str(tmp), res.url)}"
    return None, None, False
