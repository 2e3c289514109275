"""Write the sentences to label: every sentence of the Limitations sections of the EACL 2023, Paper Plain
and CiteSee PDFs and of the Discussion of one bio/medical PDF (Diabetologia 2024), as the product extracts
and splits them (gapscope.fulltext.attach.fulltext_rows). No model is run.

    PYTHONPATH=core python data/annotations/fulltext-limitations/draw.py [--pdfs ../shared/data/pdfs]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT / "core"))

# (file under pdfs/, section kind, short id)
SECTIONS = [("cs/2023.eacl-main.121.pdf", "limitations", "eacl"),
            ("cs/2203.00130v1.pdf", "limitations", "paperplain"),
            ("cs/2302.07302v1.pdf", "limitations", "citesee"),
            ("bio/10.1007%2Fs00125-024-06103-w.pdf", "discussion", "diabetologia")]


def main() -> None:
    from gapscope.fulltext.attach import fulltext_rows
    from gapscope.fulltext.extract import extract

    ap = argparse.ArgumentParser()
    ap.add_argument("--pdfs", default=str(Path(os.environ.get("GAPSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))
                                          / "pdfs"))
    args = ap.parse_args()
    out = Path(__file__).with_name("sentences.tsv")
    lines = ["id\tfile\tsection\tpage\ttext"]
    for rel, kind, short in SECTIONS:
        sections, sentences = fulltext_rows(extract(Path(args.pdfs) / rel))
        for sec in sections:
            if sec["kind"] != kind:
                continue
            mine = [s for s in sentences if s["section_pos"] == sec["position"]]
            name = f"{sec['number']} {sec['name']}".strip()
            for k, s in enumerate(mine):
                lines.append(f"{short}-{sec['position']}-{k:02d}\t{rel}\t{name}\t{s['page']}\t{s['text']}")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines) - 1} sentences -> {out}")


if __name__ == "__main__":
    main()
