"""How many of the shared PDFs a new paper made from gets an abstract (core/gapscope/fulltext/abstract.py).

    nice python benchmarks/bench_pdf_abstract.py [--pdfs ../shared/data/pdfs] [--show] [--json]

One line per PDF: the abstract's length in words and its first and last words ("[first paragraph]"
when it was taken with no "Abstract" heading, lead_paragraph.py), or why none was read. ``--show``
prints each abstract whole, to check it by eye against the PDF (``gapscope pdf extract FILE`` prints the
same). The counts at the end are the figures docs/fulltext.md quotes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def main() -> int:
    from gapscope.fulltext.extract import UnreadablePdf, extract
    from gapscope.fulltext.meta import FROM_FIRST_PARAGRAPH, read_metadata

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pdfs", default=str(ROOT.parent / "shared" / "data" / "pdfs"))
    ap.add_argument("--show", action="store_true", help="print each abstract whole")
    ap.add_argument("--json", action="store_true", help="one JSON object per PDF")
    args = ap.parse_args()
    files = sorted(Path(args.pdfs).rglob("*.pdf"))
    if not files:
        print(f"no PDFs under {args.pdfs}", file=sys.stderr)
        return 2
    found = first = 0
    for f in files:
        name = str(f.relative_to(args.pdfs))
        try:
            meta = read_metadata(extract(f), f)
            abstract, why, source = meta.abstract, meta.abstract_missing, meta.sources.get("abstract")
        except UnreadablePdf as exc:
            abstract, why, source = "", str(exc), None
        found += bool(abstract)
        first += source == FROM_FIRST_PARAGRAPH
        mark = " [first paragraph]" if source == FROM_FIRST_PARAGRAPH else ""
        words = abstract.split()
        if args.json:
            print(json.dumps({"file": name, "words": len(words), "abstract": abstract, "missing": why,
                              "read_from": source}))
        elif args.show:
            print(f"== {name}: {len(words)} words{mark}\n{abstract or why}\n")
        else:
            text = f"{' '.join(words[:8])} ... {' '.join(words[-6:])}{mark}" if words else f"({why})"
            print(f"{name[:48]:<48} {len(words):>4}  {text}")
    print(f"{found} of {len(files)} PDFs give an abstract, {first} of them from the first paragraph (no heading)",
          file=sys.stderr if args.json else sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
