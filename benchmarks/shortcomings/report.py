"""The targets of issue 18 side by side, on held-out data only:

- own-work limitations: F1 on the sentences of whole held-out articles of the shared limitation file
  (sha256(article) % 5 == 0, never trained or tuned on), each sentence alone (read with its neighbours in the
  file, the label leaks: see shortcoming_data), and with each sentence's section heading as GapScope reads a
  full text (fulltext/section_prior.py; the published rule-based system reads the section titles too), with
  a 95% interval from 2,000 bootstrap resamples of the articles;
- shortcomings on the held-out CS test abstracts (adjudicated labels): any type vs none, and per type;
- roles: CSAbstruct dev macro-F1 (and on the CS test abstracts).

    python benchmarks/shortcomings/report.py [MODEL_DIR] [--a1-labels]   (default: the adjudicated test labels)
"""
import sys

from common import ANNOT, CSAB, LIMS, encoder

from gapscope.facets.evaluate import eval_csabstruct, eval_limitation_runs, eval_shortcomings
from gapscope.facets.model import load_model
from gapscope.facets.shortcoming_data import labelled_abstracts, read_abstracts_jsonl, read_label_tsv
from gapscope.fulltext.limitation_eval import eval_limitations_in_sections

args = [a for a in sys.argv[1:] if not a.startswith("--")]
which = "a1" if "--a1-labels" in sys.argv else "adjudicated"
model = load_model(args[0] if args else None)
enc = encoder()

roles = eval_csabstruct(model, enc, CSAB / "dev.jsonl")
lim = eval_limitation_runs(model, enc, LIMS, split="heldout")
lim_sec = eval_limitations_in_sections(model, enc, LIMS, split="heldout", intervals=2000)
label_file = ANNOT / "labels" / ("adjudicated/test.tsv" if which == "adjudicated" else "a1/test.tsv")
test = labelled_abstracts(read_abstracts_jsonl(ANNOT / "test.jsonl.gz"), read_label_tsv([label_file]))
cs = eval_shortcomings(model, enc, test, "cs")

print(f"model {model.model_id} (threshold {model.threshold})")
print(f"{'measure':<64}{'value':>8}{'target':>8}  met")
line = lambda name, v, target: print(f"{name:<64}{v:>8.3f}{target:>8}  " + ("" if target == "" else "yes" if v >= float(target) else "NO"))  # noqa: E731
line(f"own-work limitation F1, {lim['articles']} held-out articles, each sentence alone", lim["f1"], "0.80")
print(f"{'    precision / recall':<64}{lim['precision']:>8.3f} / {lim['recall']:.3f}  ({lim['sentences']} sentences, {lim['support']} POS)")
line("  (the v1 head, same sentences: 0.742, docs/facets.md)", 0.742, "")
line("own-work limitation F1, the same sentences, each with its section", lim_sec["f1"], "0.80")
print(f"{'    precision / recall':<64}{lim_sec['precision']:>8.3f} / {lim_sec['recall']:.3f}  "
      f"(F1 95% interval {lim_sec['f1_interval'][0]:.3f} .. {lim_sec['f1_interval'][1]:.3f} over articles)")
for kind, v in lim_sec["by_section"].items():
    print(f"{'      ' + kind:<40}{v['sentences']:>5} sentences, {v['pos']:>4} POS: {v['true_pos']:>4} found, {v['false_pos']:>3} false")
line(f"CS shortcoming any-vs-none F1, {cs['abstracts']} test abstracts ({which} labels)", cs["any"]["f1"], "0.80")
print(f"{'    precision / recall':<64}{cs['any']['precision']:>8.3f} / {cs['any']['recall']:.3f}  "
      f"({cs['sentences']} sentences, {cs['any']['support']} with a shortcoming)")
for t, v in cs["types"].items():
    print(f"{'    ' + t + ' F1 (precision / recall, support)':<64}{v['f1']:>8.3f}  ({v['precision']:.3f} / {v['recall']:.3f}, {v['support']})")
print(f"{'    flagged share / gold share':<64}{cs['flagged_share']:>8.3f} / {cs['gold_share']:.3f}")
line("roles: CSAbstruct dev macro-F1", roles["macro_f1"], "0.660")
print("    " + ", ".join(f"{k} {v['f1']:.3f}" for k, v in roles["labels"].items()))
line("roles: CS test macro-F1 (annotated roles)", cs["roles_macro_f1"], "")
