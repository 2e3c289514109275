"""A loopback HTTP server that replays recorded responses and injects failures, for network tests.

    server = ReplayServer()                         # 127.0.0.1, a free port, in a daemon thread
    server.add_arxiv_fixtures(shared_data / "fixtures/arxiv-api-atom/arxivpy_fixtures_json")
    server.add_file("/scholar", path_to_html, charset="ISO-8859-1", match={"q": None})
    server.inject("429", times=2, match={"start": "10"})   # the next 2 matching requests fail
    os.environ["GAPSCOPE_ARXIV_URL"] = server.url + "/api/query"
    ...
    server.hits(start="10")                          # requests seen with start=10
    server.close()

The pytest fixture ``replay_server`` below gives a started server, closed after the test; a
conftest makes it available with ``from tests.replay_server import replay_server  # noqa: F401``
(tests/core/conftest.py does, and adds ``arxiv_server``: this one loaded with the recorded arXiv
answers and set as $GAPSCOPE_ARXIV_URL). A route body may be a callable ``params -> (status,
bytes)`` for a computed answer. Injections: "429" (with Retry-After: 0), "503", "timeout" (answers after ``slow_s``
seconds: keep the client timeout below it), "cut" (full Content-Length, half the body, then the
connection closes), "empty" (the recorded arXiv page with its entries removed), "block" / "403"
(a given body and status), "trickle" (the recorded answer one byte every ``trickle_s`` seconds, as a
stalled download sends it), "portal" (a captive portal's HTML login page with status 200). Requests that match no route get a 404 naming the request.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs, urlsplit

import pytest

# What a hotel or airport Wi-Fi answers to any request before its login.
PORTAL_PAGE = (b"<!DOCTYPE html>\n<html><head><title>Welcome to Airport Free WiFi</title></head><body>"
               b"<form action='/login'><p>Please accept the terms to continue.</p><input type='submit'></form>"
               b"</body></html>\n")

# arXiv requests are matched on these parameters only (sortBy/sortOrder vary with the client).
ARXIV_KEYS = ("search_query", "id_list", "start", "max_results")


@dataclass
class Route:
    path: str
    match: dict  # param -> value; None: present with any value; a callable: value -> bool
    status: int
    body: object  # bytes, or a callable params -> (status, bytes) for a computed answer
    headers: dict = field(default_factory=dict)

    def matches(self, path: str, params: dict) -> bool:
        if path != self.path:
            return False
        for k, v in self.match.items():
            if k not in params or (v is not None and not (v(params[k]) if callable(v) else params[k] == v)):
                return False
        return True


@dataclass
class Injection:
    kind: str
    match: dict
    times: int
    body: bytes = b""
    status: int = 0


class ReplayServer:
    def __init__(self, slow_s: float = 1.0, trickle_s: float = 0.2) -> None:
        self.trickle_s = trickle_s
        self.routes: list[Route] = []
        self.injections: list[Injection] = []
        self.log: list[tuple[str, dict, str]] = []  # (path, params, what was served)
        self.headers: list[dict] = []  # the request headers, one per entry of log (an API key header ...)
        self.slow_s = slow_s
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    # --- content ---------------------------------------------------------------------------------
    def add(self, path: str, body, status: int = 200, match: Optional[dict] = None,
            content_type: str = "text/html; charset=utf-8") -> None:
        self.routes.append(Route(path, dict(match or {}), status, body, {"Content-Type": content_type}))

    def add_file(self, path: str, file: Path, status: int = 200, match: Optional[dict] = None,
                 charset: str = "utf-8", content_type: str = "text/html") -> None:
        self.add(path, Path(file).read_bytes(), status, match, f"{content_type}; charset={charset}")

    def add_arxiv_fixtures(self, folder: Path, path: str = "/api/query") -> int:
        """Every recorded arXiv API response in ``folder`` (the arxiv.py JSON fixtures: the body was
        stored decoded as latin-1, so encoding it back gives the exact bytes)."""
        n = 0
        for f in sorted(Path(folder).glob("*.json")):
            rec = json.loads(f.read_text(encoding="utf-8"))
            q = {k: v[0] for k, v in parse_qs(urlsplit(rec["url"]).query, keep_blank_values=True).items()}
            match = {k: q.get(k, "") for k in ARXIV_KEYS}
            if match["id_list"]:
                del match["max_results"]  # an id lookup's page size does not change its answer
            self.add(path, rec["body"].encode("latin-1"), rec["status_code"], match,
                     "application/atom+xml; charset=utf-8")
            n += 1
        return n

    def add_arxiv_feed(self, file: Path, match: dict, path: str = "/api/query") -> None:
        self.add(path, Path(file).read_bytes(), 200, match, "application/atom+xml; charset=utf-8")

    def inject(self, kind: str, times: int = 1, match: Optional[dict] = None, body: bytes = b"",
               status: int = 0) -> None:
        assert kind in ("429", "503", "timeout", "cut", "empty", "block", "trickle", "portal"), kind
        # injections match on query parameters only (any path): give a parameter only the requests meant have
        with self._lock:
            self.injections.append(Injection(kind, dict(match or {}), times, body, status))

    # --- what happened ---------------------------------------------------------------------------
    def hits(self, path: Optional[str] = None, **params: str) -> list[tuple[str, dict, str]]:
        return [h for h in self.log if (path is None or h[0] == path)
                and all(h[1].get(k) == v for k, v in params.items())]

    # --- serving ---------------------------------------------------------------------------------
    def _take_injection(self, path: str, params: dict) -> Optional[Injection]:
        with self._lock:
            for inj in self.injections:
                if inj.times > 0 and all(params.get(k) == v for k, v in inj.match.items()):
                    inj.times -= 1
                    return inj
        return None

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        params = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        route = next((r for r in self.routes if r.matches(parts.path, params)), None)
        inj = self._take_injection(parts.path, params)
        served = inj.kind if inj else ("ok" if route else "404")
        with self._lock:
            self.log.append((parts.path, params, served))
            self.headers.append({k.lower(): v for k, v in h.headers.items()})
        try:
            if inj is None:
                if route is None:
                    self._send(h, 404, f"no recorded response for {h.path}".encode(), {"Content-Type": "text/plain"})
                elif callable(route.body):
                    status, body = route.body(params)
                    self._send(h, status, body, route.headers)
                else:
                    self._send(h, route.status, route.body, route.headers)
            elif inj.kind in ("429", "503"):
                self._send(h, int(inj.kind), b"Rate exceeded." if inj.kind == "429" else b"Service Unavailable",
                           {"Content-Type": "text/plain", "Retry-After": "0"} if inj.kind == "429" else
                           {"Content-Type": "text/plain"})
            elif inj.kind == "timeout":
                time.sleep(self.slow_s)
                self._send(h, 200, route.body if route else b"", route.headers if route else {})
            elif inj.kind == "cut":
                body = route.body if route else b"x" * 1000
                h.send_response(200)
                for k, v in (route.headers if route else {}).items():
                    h.send_header(k, v)
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                h.wfile.write(body[:len(body) // 2])
                h.wfile.flush()
                h.close_connection = True
            elif inj.kind == "empty":
                body = re.sub(rb"\s*<entry>.*?</entry>", b"", route.body if route else b"", flags=re.S)
                self._send(h, 200, body, route.headers if route else {})
            elif inj.kind == "trickle":
                body = route.body if route else b"x" * 1000
                h.send_response(200)
                for k, v in (route.headers if route else {}).items():
                    h.send_header(k, v)
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                for i in range(len(body)):
                    h.wfile.write(body[i:i + 1])
                    h.wfile.flush()
                    time.sleep(self.trickle_s)
            elif inj.kind == "portal":
                self._send(h, 200, PORTAL_PAGE, {"Content-Type": "text/html; charset=utf-8"})
            elif inj.kind == "block":
                self._send(h, inj.status or 200, inj.body, {"Content-Type": "text/html; charset=ISO-8859-1"})
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass  # the client gave up first (a timeout test)

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict) -> None:
        h.send_response(status)
        for k, v in headers.items():
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


@pytest.fixture
def replay_server():
    """A started :class:`ReplayServer` (no routes yet), closed after the test."""
    server = ReplayServer(slow_s=1.0)
    yield server
    server.close()
