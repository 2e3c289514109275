"""Extraction time per page, pypdfium2 against pdfplumber, on the 31 shared PDFs in one run.

    nice python benchmarks/bench_pdf_extract.py [--pdfs ../shared/data/pdfs] [--out benchmarks/results/fulltext]

Each file is read by every extractor in turn (so a busy machine slows all of them alike); the time is
process CPU time. Three figures: pypdfium2's plain page text, GapScope's extraction (pypdfium2 plus
lines, columns, headings, paragraphs), and pdfplumber's ``extract_text``. Quality checks on known text
from the EACL 2023 paper (two columns, citations, hyphenation) are written beside the times.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def pdfium_plain(path: Path) -> tuple[int, str]:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            texts.append(tp.get_text_range())
            tp.close()
            page.close()
        return len(texts), "\n".join(texts)
    finally:
        doc.close()


def gapscope(path: Path) -> tuple[int, str]:
    from gapscope.fulltext.extract import extract

    doc = extract(path)
    return doc.pages, doc.text()


def plumber(path: Path) -> tuple[int, str]:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
        for page in pdf.pages:
            page.flush_cache()
    return len(texts), "\n".join(texts)


EXTRACTORS = {"pypdfium2 (plain text)": pdfium_plain, "GapScope (pypdfium2 + structure)": gapscope,
              "pdfplumber (extract_text)": plumber}

# Known text of the EACL 2023 paper (page 1 and the Limitations section), whitespace collapsed.
CHECKS = {
    "citation in order": "(Kryscinski et al., 2019; Fabbri et al., 2021) and generated text",
    "hyphenation repaired": "are considered the gold standard for evaluating model-generated summaries",
    "column continues": "tends to be labor-intensive, expensive to scale, and difficult to design",
    "words spaced": "Human evaluation is a noisy process with many confounding variables",
}


def quality(text: str) -> dict[str, bool]:
    flat = re.sub(r"\s+", " ", text)
    out = {name: want in flat for name, want in CHECKS.items()}
    out["no ligature glyphs"] = not re.search("[\ufb00-\ufb06]", text)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdfs", default=str(Path(os.environ.get("GAPSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))
                                          / "pdfs"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "fulltext"))
    args = ap.parse_args()
    files = sorted(Path(args.pdfs).glob("*/*.pdf"))
    if not files:
        sys.exit(f"no PDFs under {args.pdfs} (set GAPSCOPE_SHARED_DATA or pass --pdfs)")
    totals = {k: {"seconds": 0.0, "pages": 0, "failed": []} for k in EXTRACTORS}
    per_file, checks = [], {}
    for f in files:
        row = {"file": f"{f.parent.name}/{f.name}"}
        for name, fn in EXTRACTORS.items():
            t = time.process_time()
            try:
                pages, text = fn(f)
            except Exception as exc:          # a crash is a result too
                totals[name]["failed"].append(f"{row['file']}: {type(exc).__name__}: {exc}")
                row[name] = None
                continue
            dt = time.process_time() - t
            totals[name]["seconds"] += dt
            totals[name]["pages"] += pages
            row[name] = round(1000 * dt / max(pages, 1), 2)
            row["pages"] = pages
            if f.name == "2023.eacl-main.121.pdf":
                checks[name] = quality(text)
        per_file.append(row)
        print(row, flush=True)
    summary = {k: dict(v, ms_per_page=round(1000 * v["seconds"] / max(v["pages"], 1), 2)) for k, v in totals.items()}
    base = summary["GapScope (pypdfium2 + structure)"]["ms_per_page"]
    for v in summary.values():
        v["times_gapscope"] = round(v["ms_per_page"] / base, 2) if base else None
    result = {"files": len(files), "python": platform.python_version(), "machine": platform.machine(),
              "summary": summary, "quality_eacl2023": checks, "per_file_ms_per_page": per_file}
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "extract_speed.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    lines = ["# PDF extraction: time per page (CPU), the 31 shared PDFs, one run", "",
             f"Command: `nice python benchmarks/bench_pdf_extract.py` ({len(files)} files).", "",
             "| extractor | pages | CPU s | ms / page | x GapScope | failed |", "|---|---|---|---|---|---|"]
    for k, v in summary.items():
        lines.append(f"| {k} | {v['pages']} | {v['seconds']:.1f} | {v['ms_per_page']} | {v['times_gapscope']} "
                     f"| {len(v['failed'])} |")
    lines += ["", "Quality checks on the EACL 2023 paper (known text, whitespace collapsed):", "",
              "| check | " + " | ".join(checks) + " |", "|---|" + "---|" * len(checks)]
    for c in list(CHECKS) + ["no ligature glyphs"]:
        lines.append(f"| {c} | " + " | ".join("yes" if checks[k][c] else "no" for k in checks) + " |")
    (out / "extract_speed.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
