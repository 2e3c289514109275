"""Polite HTTP for online sources: spacing between requests, backoff with jitter, honest errors.

One :class:`PoliteFetcher` per collect. It keeps at least ``min_interval`` seconds between the
starts of two requests (arXiv asks for 3 s), retries what is worth retrying (HTTP 429 and 5xx,
timeouts, a connection cut mid-body, a body that ends early) with exponential backoff plus jitter
(or the server's ``Retry-After``), and raises :class:`FetchError` with the URL and the last cause
when it gives up. ``sleep`` and ``clock`` are injectable so tests run without real waiting.

A host that cannot be reached at all (its name does not resolve, the connection is refused, TLS fails)
is tried once more after a short pause and then given up: minutes of backoff do not bring a network
back, and a researcher offline wants to know at once. Each retry is announced through ``on_retry``.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Callable, Optional
from urllib.parse import urlsplit

from ..jobs import CancelToken, check as check_cancel


def html_page_instead(resp: "Response", expected: str, setting: str,
                      looks_right: Callable[[bytes], bool]) -> Optional[str]:
    """A message when an API answered with an HTML page instead of ``expected``: a captive portal (hotel
    or airport Wi-Fi login), a proxy's notice, or ``setting`` pointing at a web page. Fetching it again
    changes nothing, so callers pass this as ``wrong=``. ``looks_right(head)``: the start of a real answer."""
    head = resp.content[:512].lstrip().lower()
    html = head.startswith((b"<!doctype html", b"<html")) or (
        "html" in resp.headers.get("Content-Type", "").lower() and not looks_right(head))
    if not html:
        return None
    import re

    m = re.search(rb"<title[^>]*>(.*?)</title>", resp.content[:20000], re.I | re.S)
    title = f" titled {m.group(1).decode('utf-8', 'replace').strip()[:80]!r}" if m else ""
    return (f"{resp.url} answered with an HTML page{title}, not {expected}: a Wi-Fi login page (captive "
            f"portal), a proxy's notice, or a wrong {setting}? Log in to the network or fix the setting, "
            "then try again")


class FetchError(Exception):
    """A request failed for good (after retries, or with an error not worth retrying)."""

    def __init__(self, message: str, url: str = "", status: Optional[int] = None, body: bytes = b"") -> None:
        super().__init__(message)
        self.url = url
        self.status = status
        self.body = body


class SourceBlocked(FetchError):
    """The source refused us (403, a "not a robot" page, too many requests): stop, keep what we have."""


class GaveUp(FetchError):
    """The host could not be reached (no network, a name that does not resolve, a refused connection) or
    failed every retry: nothing said no, asking again later may work. Every command that meets it ends
    with the same exit code (5, as a refusal: the source is given up for this run, what came is kept)."""


class HostUnreachable(GaveUp):
    """The GaveUp of a host that could not be connected to at all (no network, a name that does not
    resolve, a refused connection, a TLS failure): every other URL of that host would fare the same,
    where one URL that failed every retry (HTTP 503 each time) says nothing of the next."""


class NotTheSource(FetchError):
    """Something other than the source answered (a captive portal, a proxy's page, a wrong URL setting):
    every further request would get the same, so the caller stops asking that host."""


class _TooSlow(Exception):
    """The whole answer did not come within the request's deadline (a body that trickles in)."""


@dataclass
class Response:
    url: str
    status: int
    headers: dict
    content: bytes


@dataclass
class FetchStats:
    requests: int = 0
    retries: int = 0
    waited_s: float = 0.0  # politeness spacing and backoff together
    events: list[str] = field(default_factory=list)  # "429 on ...; retry in 6.2 s"


# Statuses worth another try: rate limited, or the server is having a moment.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# Connection failures that waiting a minute does not mend (no network, a wrong host or port, a TLS
# interception): after the first, one quick check, then give up.
UNREACHABLE = ("name not resolved", "connection refused", "TLS error")
QUICK_RECHECK_S = 2.0
_EXPLAINED = {"name not resolved": "name not resolved: no network, or DNS does not know the host",
              "connection refused": "connection refused: nothing answers on that port; a wrong URL or proxy, "
                                    "or the server is down",
              "TLS error": "TLS error: the secure connection failed; a Wi-Fi login page or a proxy in the way, "
                           "or a wrong certificate"}


def host_of(url: str) -> str:
    """The host (and a port that is not the usual one) of ``url``, for a message."""
    parts = urlsplit(url)
    return parts.netloc.rsplit("@", 1)[-1] or url


def connection_cause(exc: BaseException) -> str:
    """Why a connection failed, in a few words: name not resolved, connection refused, timed out, TLS
    error, or the exception's class name. Looks down the chain requests and urllib3 wrap it in."""
    import socket
    import ssl

    import urllib3

    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    found: list[BaseException] = []
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        found.append(e)
        stack += [a for a in getattr(e, "args", ()) if isinstance(a, BaseException)]
        stack += [x for x in (getattr(e, "reason", None), e.__cause__, e.__context__) if isinstance(x, BaseException)]
    # NameResolutionError is a kind of connect timeout in urllib3's tree: ask the most telling first
    checks = (("name not resolved", (urllib3.exceptions.NameResolutionError, socket.gaierror)),
              ("connection refused", (ConnectionRefusedError,)),
              ("TLS error", (ssl.SSLError, urllib3.exceptions.SSLError)),
              ("timed out", (socket.timeout, TimeoutError, urllib3.exceptions.ConnectTimeoutError)))
    for cause, kinds in checks:
        if any(isinstance(e, kinds) for e in found):
            return cause
    return type(exc).__name__


class PoliteFetcher:
    def __init__(self, *, min_interval: float = 3.0, timeout: float = 30.0, max_retries: int = 5,
                 backoff_base: float = 3.0, backoff_max: float = 120.0, proxies: Optional[dict] = None,
                 user_agent: str = "GapScope (literature review tool)",
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 rng: Optional[random.Random] = None, deadline: Optional[float] = None,
                 cancel: Optional[CancelToken] = None, on_retry: Optional[Callable[[str], None]] = None) -> None:
        """``timeout``: seconds without a byte before a try is given up; ``deadline``: seconds for the
        whole answer of one try (default 5 x timeout), so that a body that trickles in byte by byte
        cannot hold a collect forever. ``cancel`` stops a request in the middle (Ctrl-C, Cancel).
        ``on_retry(line)`` hears of each retry before its wait ("HOST: ...; try 2 of 6 in 8 s…")."""
        import requests

        self.min_interval = min_interval
        self.timeout = timeout
        self.deadline = deadline if deadline is not None else 5 * timeout
        self.cancel = cancel
        self.on_retry = on_retry
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.sleep = sleep
        self.clock = clock
        self.rng = rng or random.Random()
        self.stats = FetchStats()
        self.session = requests.Session()
        self.session.headers["User-Agent"] = user_agent
        if proxies:
            self.session.proxies.update(proxies)
        self._last_start: Optional[float] = None

    def close(self) -> None:
        self.session.close()

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self.stats.waited_s += seconds
            self.sleep(seconds)

    def _space(self) -> None:
        if self._last_start is not None:
            self._wait(self.min_interval - (self.clock() - self._last_start))
        self._last_start = self.clock()

    def _interruptible(self):
        """While a request blocks, Ctrl-C in the CLI raises Cancelled at once (see CancelToken)."""
        from contextlib import nullcontext

        return self.cancel.interruptible() if self.cancel is not None else nullcontext()

    def backoff(self, attempt: int, retry_after: Optional[str] = None) -> float:
        """Seconds to wait before retry number ``attempt`` (1, 2, ...): Retry-After when the server
        said so, else base * 2^(attempt-1) with +-50 % jitter, capped."""
        if retry_after:
            try:
                return min(float(retry_after), self.backoff_max)
            except ValueError:
                pass  # an HTTP date: fall back to our own schedule
        base = min(self.backoff_base * 2 ** (attempt - 1), self.backoff_max)
        return base * self.rng.uniform(0.5, 1.5)

    def _fetch(self, url: str) -> Response:
        """One try: the body read as it comes, piece by piece, so that the deadline and a cancel
        are looked at while it trickles in."""
        end = time.monotonic() + self.deadline
        r = self.session.get(url, timeout=(min(self.timeout, self.deadline), min(self.timeout, self.deadline)),
                             stream=True)
        try:
            parts = []
            while True:
                check_cancel(self.cancel)
                if time.monotonic() > end:
                    raise _TooSlow()
                part = r.raw.read1(65536, decode_content=True)
                if not part:
                    break
                parts.append(part)
            return Response(r.url, r.status_code, dict(r.headers), b"".join(parts))
        finally:
            r.close()

    def get(self, url: str, *, check: Optional[Callable[[Response], Optional[str]]] = None,
            blocked: Optional[Callable[[Response], Optional[str]]] = None,
            wrong: Optional[Callable[[Response], Optional[str]]] = None) -> Response:
        """GET ``url`` politely. ``blocked(resp)`` returns a message when the response is a block
        (raises SourceBlocked at once: retrying a block only deepens it). ``wrong(resp)`` returns a
        message when the answer is not what the source sends at all (a captive portal's login page):
        FetchError at once. ``check(resp)`` returns a reason when an otherwise good response must be
        fetched again (an empty or cut page)."""
        import requests
        import urllib3

        last = ""
        host = host_of(url)
        unreachable: Optional[str] = None      # the first try's connection failure, when waiting will not mend it
        for attempt in range(self.max_retries + 1):
            if attempt:
                self.stats.retries += 1
            self._space()
            self.stats.requests += 1
            retry_after = None
            cause = None
            try:
                with self._interruptible():
                    resp = self._fetch(url)
            except _TooSlow:
                last = f"the answer did not come whole within {self.deadline:g} s (it trickled in)"
            except requests.exceptions.ConnectTimeout:
                cause = "timed out"
                last = f"{host}: cannot connect (timed out after {self.timeout:g} s)"
            except (requests.exceptions.Timeout, urllib3.exceptions.ReadTimeoutError):
                last = f"no answer within {self.timeout:g} s"
            except (requests.exceptions.ConnectionError, urllib3.exceptions.NewConnectionError) as exc:
                found = connection_cause(exc)
                if found in UNREACHABLE or found == "timed out":
                    cause = found
                    last = f"{host}: cannot connect ({cause})"
                else:                          # connected, then reset or dropped: a later try may get through
                    last = f"connection failed ({found})"
            except (requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError) as exc:
                last = f"connection failed ({type(exc).__name__})"
            except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                    requests.exceptions.InvalidSchema) as exc:
                # a wrong endpoint setting: no retry can mend it
                raise FetchError(f"not a URL that can be fetched ({type(exc).__name__}): {url}", url) from None
            except (requests.exceptions.RequestException, urllib3.exceptions.HTTPError) as exc:
                last = f"request failed ({type(exc).__name__})"      # a redirect loop, a body that will not decode
            else:
                reason = blocked(resp) if blocked else None
                if reason:
                    raise SourceBlocked(reason, url, resp.status, resp.content)
                reason = wrong(resp) if wrong else None
                if reason:
                    raise NotTheSource(reason, url, resp.status, resp.content)
                if resp.status in RETRY_STATUSES:
                    last = f"HTTP {resp.status}"
                    retry_after = resp.headers.get("Retry-After")
                elif resp.status != 200:
                    raise FetchError(f"HTTP {resp.status} from {url}", url, resp.status, resp.content)
                else:
                    length = resp.headers.get("Content-Length")
                    if length and length.isdigit() and int(length) != len(resp.content):
                        last = f"body cut short ({len(resp.content)} of {length} bytes)"
                    else:
                        last = (check(resp) if check else None) or ""
                        if not last:
                            return resp
            early = attempt == 1 and unreachable is not None      # after the one quick check
            if cause in UNREACHABLE and (early or attempt == self.max_retries):
                tries = "1 try" if attempt == 0 else f"{attempt + 1} {'quick tries' if early else 'tries'}"
                raise HostUnreachable(f"{host} cannot be reached ({_EXPLAINED[cause]}); gave up after {tries} ({url})",
                                      url)
            if attempt == self.max_retries:
                break
            if attempt == 0 and cause in UNREACHABLE:
                unreachable, wait = cause, QUICK_RECHECK_S      # one quick check, not minutes of backoff
            else:
                wait = self.backoff(attempt + 1, retry_after)
            self.stats.events.append(f"{last}; retry {attempt + 1} in {wait:.1f} s")
            if self.on_retry is not None:
                said = last if last.startswith(f"{host}:") else f"{host}: {last}"
                self.on_retry(f"{said}; try {attempt + 2} of {self.max_retries + 1} in {wait:.0f} s…")
            self._wait(wait)
        raise GaveUp(f"gave up after {self.max_retries + 1} tries: {last} ({url})", url)
