"""GapScope's arXiv collect next to the `arxiv` package's own Client, on the same replayed pages.

Run:  python benchmarks/bench_collect.py [--shared ../shared/data]
Both read the recorded "testing" query (6 pages of 10) from a loopback server, once clean and once
with the faults the issue names (HTTP 429, a connection cut mid-page, an empty page, a 503). The
politeness delay is 0 for both here; the real cost of the 3 s rule is printed as arithmetic.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
sys.path.insert(0, str(ROOT))

from gapscope.collect import CollectError, collect_arxiv  # noqa: E402
from gapscope.store import Library  # noqa: E402
from tests.replay_server import ReplayServer  # noqa: E402

FAULTS = [("429", {"start": "10"}), ("cut", {"start": "20"}), ("empty", {"start": "30"}), ("503", {"start": "40"})]


def run_ours(server: ReplayServer) -> tuple[int, float, str]:
    lib = Library(Path(tempfile.mkdtemp()) / "lib.sqlite")
    lib.set_setting("collect.arxiv_interval_s", 0)
    t = time.perf_counter()
    try:
        rep = collect_arxiv(lib, "testing", max_results=60, page_size=10, sleep=lambda s: None)
        note = f"{rep.retries} retries"
    except CollectError as exc:
        note = f"stopped: {exc}"
    dt = time.perf_counter() - t
    n = lib.count_papers()
    lib.close()
    return n, dt, note


def run_peer(server: ReplayServer) -> tuple[int, float, str]:
    import arxiv

    client = arxiv.Client(page_size=10, delay_seconds=0, num_retries=3)
    client.query_url_format = server.url + "/api/query?{}"
    got, note = [], "ok"
    t = time.perf_counter()
    try:
        for r in client.results(arxiv.Search(query="testing", max_results=60)):
            got.append(r.get_short_id())
    except Exception as exc:  # noqa: BLE001 - we report what the peer raises
        note = f"raised {type(exc).__name__}"
    dt = time.perf_counter() - t
    dup = len(got) - len(set(got))
    return len(set(got)), dt, note + (f", {dup} doubled" if dup else "")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", default=os.environ.get("GAPSCOPE_SHARED_DATA", str(ROOT.parent / "shared" / "data")))
    args = ap.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]))
    fixtures = Path(args.shared) / "fixtures" / "arxiv-api-atom" / "arxivpy_fixtures_json"
    for label, faults in (("clean", []), ("faults: 429, cut mid-page, empty page, 503", FAULTS)):
        row = {}
        for name, fn in (("gapscope", run_ours), ("arxiv.Client", run_peer)):
            server = ReplayServer()
            server.add_arxiv_fixtures(fixtures)
            for kind, match in faults:
                server.inject(kind, match=match)
            os.environ["GAPSCOPE_ARXIV_URL"] = server.url + "/api/query"
            row[name] = fn(server)
            server.close()
        (n1, t1, s1), (n2, t2, s2) = row["gapscope"], row["arxiv.Client"]
        print(f"{label}:\n  gapscope     {n1:3d}/60 papers in {t1 * 1000:6.0f} ms ({s1})\n"
              f"  arxiv.Client {n2:3d}/60 papers in {t2 * 1000:6.0f} ms ({s2})\n"
              f"  papers kept, gapscope / arxiv.Client: {n1}/{n2}")
    # Our own work per entry (fetch from loopback, parse, dedup, store): the recorded page of 100.
    server = ReplayServer()
    server.add_arxiv_fixtures(fixtures)
    os.environ["GAPSCOPE_ARXIV_URL"] = server.url + "/api/query"
    times = []
    for _ in range(5):
        lib = Library(Path(tempfile.mkdtemp()) / "lib.sqlite")
        lib.set_setting("collect.arxiv_interval_s", 0)
        t = time.perf_counter()
        collect_arxiv(lib, "testing", max_results=100, page_size=100)
        times.append(time.perf_counter() - t)
        lib.close()
    server.close()
    med = sorted(times)[2]
    print(f"one recorded page of 100 into the library: median {med * 1000:.0f} ms of 5 runs"
          f" -> {med * 50:.1f} s for 5,000 papers")
    print("\nWall time of a real 5,000-paper collect under the API terms (1 request per 3 s):")
    for size in (2000, 100):
        req = -(-5000 // size)
        print(f"  pages of {size:4d}: {req:2d} requests, {req - 1:2d} gaps x 3 s = {(req - 1) * 3:3d} s of spacing"
              f" + {req} x arXiv's response time")


if __name__ == "__main__":
    main()
