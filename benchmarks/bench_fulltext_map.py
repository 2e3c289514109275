"""The shortcoming map before and after the 31 shared PDFs are attached and labelled.

    nice python benchmarks/bench_fulltext_map.py [--pdfs ../shared/data/pdfs] [--background 470]
                                                 [--out benchmarks/results/fulltext]

A fresh library holds the 31 papers (each seeded with its DOI or arXiv id as fulltext_report.py does,
and the abstract the extractor finds in its PDF; a PDF with no identifier becomes a paper of its own when
attached, with no abstract) and ``--background`` CS abstracts of the shared arXiv file. The abstracts
are classified and embedded and the shortcoming map built; then the PDFs are attached and labelled, and
`embed` and the map run again. Printed: which papers gain or change a shortcoming vector, how far it
moves, that the other papers keep theirs bit for bit, what the step costs, and how many clusters the full
text reaches.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))
sys.path.insert(0, str(ROOT / "benchmarks"))


def seed_papers(lib, files, shared: Path, n_background: int) -> dict[str, int]:
    from fulltext_report import CS_IDS

    from gapscope.fulltext.extract import extract
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    papers, seeded = [], {}
    for f in files:
        how, ident = ("doi", unquote(f.stem)) if f.parent.name == "bio" else CS_IDS.get(f.name, (None, None))
        if not how:
            continue
        try:
            doc = extract(f)
            abstract = " ".join(p.text for s in doc.sections if s.kind == "abstract" for p in s.paragraphs)
        except Exception:  # noqa: BLE001 - an unreadable PDF: seeded without an abstract
            abstract = ""
        papers.append(Paper(title=f"seeded paper {f.name}", abstract=abstract, source="seed", source_key=f.name,
                            **({"doi": ident} if how == "doi" else {"arxiv_id": ident})))
        seeded[f.name] = bool(abstract)
    with gzip.open(shared / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in itertools.islice(fh, n_background):
            r = json.loads(line)
            papers.append(Paper(title=r["title"], abstract=r.get("abstract") or "", source="seed",
                                source_key=r.get("id") or r["title"]))
    ingest_papers(lib, papers, kind="import", source="seed", target="bench_fulltext_map")
    return seeded


def vectors(lib, model):
    from gapscope.embed import load_vectors

    ids, vecs = load_vectors(lib, "shortcoming", model_id=model)
    return {int(p): v for p, v in zip(ids, vecs)}


def main() -> None:
    from gapscope.embed import embed_library, library_model
    from gapscope.facets import classify_library
    from gapscope.fulltext import attach_paths, label_fulltext
    from gapscope.maps import build_maps
    from gapscope.store import Library
    from gapscope.vocabulary import FULLTEXT_SHORTCOMING_SECTIONS

    shared_default = Path(os.environ.get("GAPSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data"))
    ap = argparse.ArgumentParser()
    ap.add_argument("--pdfs", default=str(shared_default / "pdfs"))
    ap.add_argument("--background", type=int, default=470)
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "fulltext"))
    args = ap.parse_args()
    pdfs = Path(args.pdfs)
    files = sorted(pdfs.glob("*/*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(Path(tmp) / "map.gapscope")
        seeded = seed_papers(lib, files, pdfs.parent, args.background)
        t = time.perf_counter()
        classify_library(lib)
        classify_s = time.perf_counter() - t
        model = library_model(lib)
        embed_library(lib, kinds=("shortcoming",))
        before = vectors(lib, model)
        texts_before = lib.text_mapping(model, "shortcoming")
        map_before = build_maps(lib, facets=("shortcoming",)).maps["shortcoming"]

        t = time.perf_counter()
        results = attach_paths(lib, [pdfs / d for d in ("cs", "bio", "odd")])
        attach_s = time.perf_counter() - t
        atts = [r.attachment_id for r in results if r.attachment_id]
        t = time.perf_counter()
        label_fulltext(lib, attachment_ids=atts, kinds=FULLTEXT_SHORTCOMING_SECTIONS)
        label_s = time.perf_counter() - t
        t = time.perf_counter()
        st = embed_library(lib, kinds=("shortcoming",))
        embed_s = time.perf_counter() - t
        after = vectors(lib, model)
        texts_after = lib.text_mapping(model, "shortcoming")
        map_after = build_maps(lib, facets=("shortcoming",)).maps["shortcoming"]
        with_pdf = {r.paper_id for r in results if r.attachment_id and r.paper_id}
        parts = lib.fulltext_shortcoming_parts(sorted(with_pdf))
        others = set(before) - with_pdf
        same = sum(texts_before.get(p) == texts_after.get(p) and np.array_equal(before[p], after.get(p))
                   for p in others)
        moved = sorted(float(before[p] @ after[p]) for p in with_pdf if p in before and p in after and p in parts)
        gained = sorted(p for p in with_pdf if p not in before and p in after)
        wheres = [c for c in map_after.clusters if c.representative_where]
        reach = {map_after.assignments[p] for p in parts if p in map_after.assignments}
        lib.close()
    data = dict(
        papers=len(before | after), background=args.background, pdfs=len(files), pdf_papers=len(with_pdf),
        seeded_with_abstract=sum(seeded.values()), classify_s=round(classify_s, 1), attach_s=round(attach_s, 1),
        label_s=round(label_s, 1), embed_after_s=round(embed_s, 2), embed_stats=st,
        pdf_papers_with_fulltext_shortcomings=len(parts),
        fulltext_sentences_in_facet=sum(len(rows) for ps in parts.values() for _a, rows in ps),
        vector_before=sum(p in before for p in with_pdf), vector_after=sum(p in after for p in with_pdf),
        gained_a_vector=len(gained), cos_before_after=moved,
        others=len(others), others_unchanged=int(same),
        k_before=map_before.k, k_after=map_after.k, clusters_with_pdf_members=len(reach),
        representatives_from_fulltext=[dict(cluster=c.id, label=c.label, where=c.representative_where,
                                            text=c.representative) for c in wheres])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "fulltext_map.json").write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    med = float(np.median(moved)) if moved else float("nan")
    md = ["# The shortcoming map with the 31 shared PDFs", "",
          "Made by `nice python benchmarks/bench_fulltext_map.py` (this 2-core machine, shared).", "",
          f"A fresh library: the papers of the {len(files)} PDFs (seeded by DOI or arXiv id with the abstract the"
          f" extractor found: {data['seeded_with_abstract']} with one) and {args.background} CS abstracts of the"
          " shared arXiv file. Abstracts classified, embedded, shortcoming map built; then the PDFs attached,"
          " their Limitations, Discussion, Future-work and Conclusion sections labelled, `embed` and the map run"
          " again.", "",
          "| | value |", "|---|---|",
          f"| papers in the shortcoming map, before / after | {len(map_before.assignments)} / {len(map_after.assignments)} |",
          f"| k, before / after | {data['k_before']} / {data['k_after']} |",
          f"| papers with an attached PDF | {data['pdf_papers']} |",
          f"| of them with full-text shortcoming sentences in the facet | {data['pdf_papers_with_fulltext_shortcomings']}"
          f" ({data['fulltext_sentences_in_facet']} sentences) |",
          f"| of them with a shortcoming vector, before / after | {data['vector_before']} / {data['vector_after']} |",
          f"| gained a vector (the abstract states none, or there is no abstract) | {data['gained_a_vector']} |",
          f"| cosine of a paper's vector before and after, median (min .. max) |"
          f" {med:.3f} ({min(moved, default=float('nan')):.3f} .. {max(moved, default=float('nan')):.3f}), {len(moved)} papers |",
          f"| papers without a PDF whose text hash and vector stayed the same | {data['others_unchanged']} of {data['others']} |",
          f"| `embed` after labelling: vectors composed / texts encoded / seconds | {st.get('composed')} / {st['embedded']} / {embed_s:.2f} |",
          f"| attach, label ({', '.join(FULLTEXT_SHORTCOMING_SECTIONS)}) seconds | {attach_s:.1f}, {label_s:.1f} |",
          f"| clusters holding a paper with full-text shortcomings | {len(reach)} of {map_after.k} |",
          f"| clusters whose representative sentence is from a PDF | {len(wheres)} |", ""]
    for c in wheres:
        md.append(f"- cluster {c.id} \u201c{c.label}\u201d: \u201c{c.representative}\u201d ({c.representative_where})")
    (out / "fulltext_map.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    main()
