"""The sentences gaps quote as a shortcoming, before and after the quote rules of gaps/quotes.py, side by side:
how many state a shortcoming (a reader's judgement per sentence), and how many gaps quote none.

    python benchmarks/bench_shortcoming_quotes.py BEFORE AFTER [--judgments TSV] [--show]
    python benchmarks/bench_shortcoming_quotes.py --dev

BEFORE / AFTER: the output of `gapscope gaps find --json` (or `gaps list --limit 1000 --json`) with the old and
the new code on the same library, or the quote lists this script writes from them (``--save DIR``). A quoted
sentence: a concept gap's ``shortcoming_sentences``, an unaddressed-shortcoming gap's ``quotes`` and the example
its statement gives. Judgements: ``paper_id<TAB>states (yes|no)<TAB>note<TAB>text``, one line per sentence;
a quoted sentence without one is listed, to be judged.

``--dev``: the classifier's flags on the CS dev abstracts (every 5th labelled CS train abstract, left out of the
shipped model's training; never the test split), by confidence: where QUOTE_MIN_CONFIDENCE comes from, and what
the other rules drop there. Needs the shared data and the bundled encoder (about a minute on a CPU).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "core")]
RESULTS = ROOT / "benchmarks" / "results" / "facets" / "shortcoming_quotes"
KINDS = ("concept", "quote", "example")
KIND_NAMES = {"concept": "concept gaps' shortcoming sentences", "quote": "unaddressed gaps' quotes",
              "example": "unaddressed gaps' statement examples"}


def gap_key(g: dict) -> tuple:
    """The same gap in two runs (its id changes): its type and its ends' labels."""
    def label(ref):
        return (ref or {}).get("label")
    return g["type"], label(g.get("method")), label(g.get("problem"))


def quoted(gaps: list[dict]) -> list[tuple]:
    """(gap key, where, paper id, text) of every sentence the gaps quote as a shortcoming."""
    out = []
    for g in gaps:
        d = g.get("details") or {}
        for s in d.get("shortcoming_sentences") or []:
            out.append((gap_key(g), "concept", int(s["paper_id"]), s["text"]))
        for s in d.get("quotes") or []:
            out.append((gap_key(g), "quote", int(s["paper_id"]), s["text"]))
        ex = d.get("example")
        if ex and ex.get("paper_id"):
            out.append((gap_key(g), "example", int(ex["paper_id"]), ex["text"]))
    return out


def read_run(path: Path) -> dict:
    """{"gaps": {key: {"type", "quotes", "note"}}, "quoted": [...]} from a `gaps find --json` file or a saved list."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if isinstance(data, list) or "skipped" in data:     # `gaps list --json`; `gaps find --json`
        gaps = data if isinstance(data, list) else data["gaps"]
        return {"gaps": {gap_key(g): {"type": g["type"], "note": (g.get("details") or {}).get("quote_note")}
                         for g in gaps if g["type"] != "thin_growing"},
                "quoted": quoted(gaps)}
    return {"gaps": {tuple(k): v for k, v in data["gaps"]},
            "quoted": [(tuple(k), w, p, t) for k, w, p, t in data["quoted"]]}


def save_run(run: dict, path: Path) -> None:
    path.write_text(json.dumps({"gaps": [[list(k), v] for k, v in run["gaps"].items()],
                                "quoted": [[list(k), w, p, t] for k, w, p, t in run["quoted"]]},
                               ensure_ascii=False, indent=0) + "\n", encoding="utf-8")


def read_judgments(path: Path) -> dict:
    out = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if not row or row[0] == "paper_id":
                continue
            out[(int(row[0]), row[3])] = (row[1], row[2])
    return out


def agreement(first: dict, second: dict) -> str:
    """Cohen's kappa of two readers on "states a shortcoming" (yes against no or borderline)."""
    both = [s for s in first if s in second]
    a = [first[s][0] == "yes" for s in both]
    b = [second[s][0] == "yes" for s in both]
    n = len(both)
    if not n:
        return "no sentence judged by both readers"
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    kappa = (po - pe) / (1 - pe) if pe < 1 else 1.0
    return f"{n} sentences judged by both readers: agreement {po:.1%}, Cohen's kappa {kappa:.2f}"


def _share(yes: int, n: int) -> str:
    return f"{yes}/{n} = {yes / n:.1%}" if n else "-"


def compare(before: dict, after: dict, judged: dict, show: bool) -> int:
    rows = []
    unjudged = set()

    def counts(run, kinds=KINDS):
        sel = [(p, t) for _k, w, p, t in run["quoted"] if w in kinds]
        for s in sel:
            if s not in judged:
                unjudged.add(s)
        yes = sum(1 for s in sel if judged.get(s, ("?",))[0] == "yes")
        return yes, len(sel)

    def quoting(run):
        by = {}
        for k, _w, _p, _t in run["quoted"]:
            by[k] = by.get(k, 0) + 1
        return by

    qb, qa = quoting(before), quoting(after)
    rows.append(("concept and unaddressed-shortcoming gaps", len(before["gaps"]), len(after["gaps"])))
    rows.append(("quoted sentences (each time quoted)", len(before["quoted"]), len(after["quoted"])))
    rows.append(("distinct quoted sentences", len({(p, t) for _k, _w, p, t in before["quoted"]}),
                 len({(p, t) for _k, _w, p, t in after["quoted"]})))
    rows.append(("state a shortcoming (judged)", _share(*counts(before)), _share(*counts(after))))
    for kind in KINDS:
        rows.append((f"  {KIND_NAMES[kind]}", _share(*counts(before, (kind,))), _share(*counts(after, (kind,)))))
    none_b = [k for k in before["gaps"] if k not in qb]
    none_a = [k for k in after["gaps"] if k not in qa]
    said_b = sum(1 for k in none_b if before["gaps"][k].get("note"))
    said_a = sum(1 for k in none_a if after["gaps"][k].get("note"))
    rows.append(("gaps quoting none", len(none_b), len(none_a)))
    rows.append(("  of them saying why", said_b, said_a))
    lost = [k for k in after["gaps"] if k in qb and k not in qa]
    rows.append(("gaps that lost all their quotes", "-", len(lost)))
    common = [k for k in after["gaps"] if k in before["gaps"]]
    rows.append(("gaps in both runs (type and labels)", len(common), len(common)))
    w = max(len(r[0]) for r in rows) + 2
    print(f"{'':<{w}}{'before':>22}{'after':>22}")
    for name, b, a in rows:
        print(f"{name:<{w}}{str(b):>22}{str(a):>22}")
    if lost:
        print("\ngaps that lost all their quotes, and what they say now:")
        for k in lost:
            print(f"  {k[0]} {k[1] or ''} / {k[2]}: {after['gaps'][k].get('note') or '(nothing)'}")
    if unjudged:
        print(f"\n{len(unjudged)} quoted sentences have no judgement yet:")
        for p, t in sorted(unjudged):
            print(f"  {p}\t{t}")
    if show:
        for name, run in (("before", before), ("after", after)):
            bad = sorted({(p, t) for _k, _w, p, t in run["quoted"] if judged.get((p, t), ("?",))[0] == "no"})
            print(f"\nquoted {name}, judged not to state a shortcoming ({len(bad)}):")
            for p, t in bad:
                print(f"  {p}\t{t}")
    return 1 if unjudged else 0


def dev_grid() -> None:
    """Precision of the shipped model's flags on the CS dev abstracts, by confidence, and what each rule drops."""
    sys.path.insert(0, str(ROOT / "benchmarks" / "shortcomings"))
    from common import ANNOT, encoder
    from experiment import cs_parts

    from gapscope.facets.evaluate import predict_examples
    from gapscope.facets.model import load_model
    from gapscope.gaps.quotes import QUOTE_MIN_CONFIDENCE, UNQUOTED_ROLES, only_solves

    model = load_model()
    _tr, dev, _ = cs_parts(ANNOT)
    preds = predict_examples(model, encoder(), dev, "cs")
    flags = [(e.shortcomings[j] != "none", p.shortcoming_confidence, p.role, e.sentences[j])
             for e, ps in zip(dev, preds) for j, p in enumerate(ps) if p.shortcoming != "none"]
    n_sent = sum(len(e.sentences) for e in dev)
    print(f"model {model.model_id}; CS dev: {len(dev)} abstracts, {n_sent} sentences, {len(flags)} flagged")

    def line(name, sel):
        yes = sum(1 for f in sel if f[0])
        print(f"  {name:<54} {yes:>4} of {len(sel):>4} state one: {yes / max(len(sel), 1):.3f}")

    print("flagged sentences by role:")
    for role in sorted({f[2] for f in flags}):
        line(role, [f for f in flags if f[2] == role])
    print("flagged, method and objective sentences aside, by the lowest confidence kept:")
    kept = [f for f in flags if f[2] not in UNQUOTED_ROLES]
    for thr in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98):
        line(f"confidence >= {thr}" + ("  (QUOTE_MIN_CONFIDENCE)" if thr == QUOTE_MIN_CONFIDENCE else ""),
             [f for f in kept if f[1] >= thr])
    line(f"confidence < {QUOTE_MIN_CONFIDENCE}", [f for f in kept if f[1] < QUOTE_MIN_CONFIDENCE])
    sure = [f for f in kept if f[1] >= QUOTE_MIN_CONFIDENCE]
    line("of those >= the bar, naming a problem only as solved", [f for f in sure if only_solves(f[3])])
    line("quotable (all rules)", [f for f in sure if not only_solves(f[3])])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("before", nargs="?", type=Path, default=RESULTS / "before.json")
    ap.add_argument("after", nargs="?", type=Path, default=RESULTS / "after.json")
    ap.add_argument("--judgments", type=Path, default=RESULTS / "judgments.tsv")
    ap.add_argument("--second", type=Path, help="a second reader's judgements (same columns): their agreement")
    ap.add_argument("--save", type=Path, help="write the two quote lists (before.json, after.json) to DIR")
    ap.add_argument("--show", action="store_true", help="list the quoted sentences judged not to state one")
    ap.add_argument("--dev", action="store_true", help="the confidence grid on the CS dev abstracts")
    a = ap.parse_args()
    if a.dev:
        dev_grid()
        return 0
    before, after = read_run(a.before), read_run(a.after)
    if a.save:
        a.save.mkdir(parents=True, exist_ok=True)
        save_run(before, a.save / "before.json")
        save_run(after, a.save / "after.json")
    judged = read_judgments(a.judgments)
    if a.second:
        print(agreement(judged, read_judgments(a.second)))
        print(f"figures by the second reader ({a.second.name}):")
        compare(before, after, read_judgments(a.second), False)
        print(f"\nfigures by the first reader ({a.judgments.name}):")
    return compare(before, after, judged, a.show)


if __name__ == "__main__":
    sys.exit(main())
