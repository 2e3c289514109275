"""What shaping Arabic and Hebrew costs the PDF report: a 200-paper library (every paper included, so
the report lists each title with its authors), its PDF drawn with shaping where the text needs it (as
the report does) and with shaping off, for Latin titles and for Arabic and Hebrew titles.

    python benchmarks/bench_report_shaping.py [--papers 200] [--repeat 5]

Prints the command, then the median time to draw the PDF (the report's data and figures are gathered
once, outside the timing; one untimed run goes first, then the two ways alternate) in each case, and
how many texts were shaped."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core")]

ARABIC = "علم البيانات التعلم العميق معالجة اللغة العربية الشبكات العصبية تحليل النصوص العلمية للجميع".split()
HEBREW = "מבוא לעיבוד שפה טבעית למידה עמוקה רשתות עצביות ניתוח טקסטים מדעיים".split()
LATIN = "efficient fine tuning of large language models for robust speech recognition and retrieval".split()


def titles(words: list[str], n: int, rng: random.Random) -> list[str]:
    return [" ".join(rng.sample(words, 6)) for _ in range(n)]


def draw_times(lib, repeat: int) -> tuple[float, float, int]:
    """Median seconds to draw the PDF shaped where needed and never shaped (the two alternate, so that
    the machine's load falls on both alike), and how many texts were shaped."""
    from gapscope.reports import pdf
    from gapscope.reports.data import build_report_data
    from gapscope.reports.write import make_figures

    d = build_report_data(lib)
    figures = make_figures(d)
    can_shape, needs_shaping = pdf._can_shape, pdf.needs_shaping
    shaped = []
    pdf.needs_shaping = lambda s: bool(needs_shaping(s) and shaped.append(s) is None)
    times: dict[bool, list[float]] = {True: [], False: []}
    try:
        pdf.render_pdf(d, figures)   # a first run, untimed: fonts read, modules imported
        count = len(shaped)
        for _ in range(repeat):
            for shaping in (True, False):
                pdf._can_shape = can_shape if shaping else (lambda: False)
                t0 = time.perf_counter()
                pdf.render_pdf(d, figures)
                times[shaping].append(time.perf_counter() - t0)
    finally:
        pdf._can_shape, pdf.needs_shaping = can_shape, needs_shaping
    return statistics.median(times[True]), statistics.median(times[False]), count


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--papers", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    print("command:", " ".join([sys.executable, *sys.argv]))

    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope.store import Library
    from gapscope.triage import decide

    rng = random.Random(0)
    half = args.papers // 2
    corpora = {"Latin titles": titles(LATIN, args.papers, rng),
               "Arabic and Hebrew titles": titles(ARABIC, half, rng) + titles(HEBREW, args.papers - half, rng)}
    with tempfile.TemporaryDirectory() as tmp:
        for name, ts in corpora.items():
            lib = Library(Path(tmp) / f"{len(name)}.sqlite")
            rep = ingest_papers(lib, [Paper(title=t, authors=["A. Author"], year=2024, abstract="An abstract.",
                                            source="bench", source_key=str(i)) for i, t in enumerate(ts)],
                                kind="import", source="bench", target="shaping benchmark")
            for pid in rep.added_ids:
                decide(lib, pid, "include")
            on, off, count = draw_times(lib, args.repeat)
            print(f"{name}, {args.papers} papers: PDF drawn in {on:.2f} s shaped where needed ({count} texts "
                  f"shaped), {off:.2f} s never shaped (x{on / off:.2f})")
            lib.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
