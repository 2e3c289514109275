"""Which title a new paper made from each shared PDF gets (core/gapscope/fulltext/meta.py): the file
properties' Title, the title printed on page 1, the one taken and where from.

    nice python benchmarks/bench_pdf_titles.py [--pdfs ../shared/data/pdfs] --jsonl OUT.jsonl
    nice python benchmarks/bench_pdf_titles.py --compare BEFORE.jsonl AFTER.jsonl

The first form reads every PDF with the code on the path (run it once on each branch: PYTHONPATH picks
the ``core`` folder) and writes one JSON object per PDF; the second prints, for the two runs side by
side, how many titles changed and each change (before -> after, with where each was read from), to be
checked by eye against page 1 of the PDF.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def read_titles(pdfs: Path) -> list[dict]:
    from gapscope.fulltext.extract import UnreadablePdf, extract
    from gapscope.fulltext import meta as meta_mod
    from gapscope.fulltext.meta import clean_text, read_metadata

    rows = []
    for f in sorted(pdfs.rglob("*.pdf")):
        name = str(f.relative_to(pdfs))
        try:
            doc = extract(f)
        except UnreadablePdf as exc:
            rows.append({"file": name, "title": "", "read_from": None, "info_title": "", "unreadable": str(exc)})
            continue
        meta = read_metadata(doc, f)
        readable = getattr(meta_mod, "page_reads_as_text", None)
        rows.append({"file": name, "title": meta.title, "read_from": meta.sources.get("title"),
                     "info_title": clean_text(str((doc.metadata or {}).get("Title") or "")),
                     "page1_title": meta_mod._page1_title(doc.first_page_lines)[0],
                     "page1_reads_as_text": readable(doc.first_page_lines) if readable else None,
                     "alternative": getattr(meta, "title_alternative", None)})
    return rows


def compare(before: list[dict], after: list[dict]) -> list[str]:
    old = {r["file"]: r for r in before}
    changed = [(old[r["file"]], r) for r in after if r["file"] in old and old[r["file"]]["title"] != r["title"]]
    lines = [f"{len(changed)} of {len(after)} titles change"]
    for b, a in changed:
        lines += [f"- {a['file']}", f"    before: {b['title']}  [{b['read_from']}]",
                  f"    after:  {a['title']}  [{a['read_from']}]"]
    same = [r for r in after if r["file"] in old and old[r["file"]]["title"] == r["title"]]
    lines.append(f"unchanged ({len(same)}):")
    for r in same:
        lines.append(f"  {r['file']}: {r['title']}  [{r['read_from']}]")
        if r["read_from"] != "page 1" and r.get("page1_title") and r["page1_title"] != r["title"]:
            lines.append(f"      page 1 reads: {r['page1_title']}")     # the same title written otherwise
    unreadable = [r["file"] for r in after if r.get("page1_reads_as_text") is False]
    lines.append(f"page 1 not read as text (the properties' title kept): {', '.join(unreadable) or 'none'}")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pdfs", default=str(ROOT.parent / "shared" / "data" / "pdfs"))
    ap.add_argument("--jsonl", help="write one JSON object per PDF here")
    ap.add_argument("--compare", nargs=2, metavar=("BEFORE", "AFTER"), help="two --jsonl files to compare")
    args = ap.parse_args()
    if args.compare:
        before, after = ([json.loads(x) for x in Path(p).read_text().splitlines() if x.strip()] for p in args.compare)
        print("\n".join(compare(before, after)))
        return 0
    rows = read_titles(Path(args.pdfs))
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    if args.jsonl:
        Path(args.jsonl).write_text(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
