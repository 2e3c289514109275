"""Drafting an experiment spec from a gap: the hypothesis, the gap's own papers with the figures their result
sentences report, each with what it measures (problem side, then method side), the metric a fair share of the
problem-side papers name (never one borrowed from another paper, never one paper's choice), the model family
from the gap's method side, a data set that truly fits the problem (the library's own text, or a bundled set the
problem names) or else an explicit placeholder with the reason (a keyword such as "medical" never picks an
unrelated toy table), and an evaluation that fits how the problem-side papers evaluate or else a placeholder
quoting them (draft_protocol.py). The TOML carries a comment for each choice so the user can see why and
change it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ..textfmt import clip_words
from .draft_figures import figures_said
from .draft_protocol import EvalPlan, Protocol, consensus, metric_counts, plan_eval, read_protocol

# (family, words): first family whose words appear in the method cluster's label or keywords wins
FAMILY_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("transformer", ("transformer", "attention", "bert", "llm", "large language model", "language model", "gpt",
                     "vit", "self-attention", "encoder-decoder", "foundation model")),
    ("gru", ("recurrent", "lstm", "gru", "rnn", "sequence model", "sequence-to-sequence", "seq2seq", "temporal model")),
    ("cnn", ("convolution", "convolutional", "cnn", "convnet", "resnet", "unet", "u-net", "image", "vision", "pixel")),
    ("linear", ("logistic", "linear model", "linear regression", "regression model", "svm", "kernel", "lasso",
                "ridge", "generalized linear")),
    ("mlp", ("mlp", "multilayer perceptron", "perceptron", "feed-forward", "feedforward", "neural network",
             "tabular", "deep learning", "gradient boosting", "tree")),
]

# (dataset, phrases): a bundled data set fits only when the problem names what it holds; a domain word
# ("medical", "image", "text") is not enough: an EHR gap is not the breast-cancer table
DATASET_FITS: list[tuple[str, tuple[str, ...]]] = [
    ("library_text", ("scientific document", "scholarly document", "document classification", "text classification",
                      "topic classification", "paper classification", "abstract classification", "citation",
                      "literature screening", "systematic review", "literature review", "scientific literature",
                      "arxiv", "research papers", "scientific papers")),
    ("digits", ("handwritten digit", "handwriting", "digit recognition", "digit classification", "mnist")),
    ("breast_cancer", ("breast cancer",)),
    ("diabetes", ("diabetes",)),
    ("wine", ("wine",)),
    ("iris", ("iris flower", "iris dataset", "iris species")),
]
# metric names as papers write them, and the runner metric when it has one
METRICS = [("accuracy", "accuracy"), ("top-1", "accuracy"), ("f1", "macro_f1"), ("macro-f1", "macro_f1"),
           ("auc", None), ("bleu", None), ("rouge", None), ("miou", None), ("map", None), ("psnr", None),
           ("ssim", None), ("lpips", None), ("fid", None), ("dice", None), ("wer", None), ("cer", None),
           ("perplexity", None), ("exact match", None), ("pass@1", None), ("success rate", None),
           ("win rate", None), ("recall", None), ("precision", None), ("rmse", "rmse"), ("mae", "mae"),
           ("error rate", None), ("latency", None), ("speedup", None), ("forgetting", None),
           ("backward transfer", None), ("forward transfer", None), ("iou", None), ("ndcg", None), ("mrr", None)]
# how papers write a metric, for the text shown (the keys above stay lower case: they are matched and kept)
METRIC_SPELLING = {"top-1": "top-1", "f1": "F1", "macro-f1": "macro-F1", "auc": "AUC", "bleu": "BLEU",
                   "rouge": "ROUGE", "miou": "mIoU", "map": "mAP", "psnr": "PSNR", "ssim": "SSIM", "lpips": "LPIPS",
                   "fid": "FID", "dice": "Dice", "wer": "WER", "cer": "CER", "rmse": "RMSE", "mae": "MAE",
                   "iou": "IoU", "ndcg": "nDCG", "mrr": "MRR"}


def metric_display(key: str) -> str:
    """A metric key ("miou") as papers spell it ("mIoU")."""
    return METRIC_SPELLING.get(key, key)


FIGURE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?\s?(?:%|x\b|×|points?\b|pp\b|dB\b))")
# a bare number counts only right after a metric name ("mIoU of 52.3"); never inside a URL, DOI or version
METRIC_FIGURE = re.compile(r"(?:accuracy|F1|BLEU|ROUGE(?:-L)?|mIoU|mAP|PSNR|SSIM|AUC|FID|Dice|WER|EM|pass@1|score)"
                           r"[^.\d]{0,25}(\d+(?:\.\d+)?)")
URL = re.compile(r"(?:https?://|doi\.org/|www\.)\S+|\b10\.\d{4,}/\S+")

TEXT_FAMILIES = ("gru", "transformer")


def _words(part: Optional[dict[str, Any]]) -> str:
    if not part:
        return ""
    bits = [str(part.get("label") or "")] + [str(k) for k in (part.get("keywords") or [])]
    return " ".join(bits).lower()


def _match(text: str, rules) -> tuple[Optional[str], Optional[str]]:
    for name, words in rules:
        for w in words:
            if re.search(r"(?<![a-z])" + re.escape(w), text):
                return name, w
    return None, None


def _label_source(lib) -> tuple[str, str]:
    """Which library labels to learn: tags when at least two tags have 10+ papers, else triage decisions,
    else primary categories."""
    if lib is None:
        return "category", "no library given when drafting: primary arXiv categories are always there"
    tags = lib.count_tags_with(at_least=10)
    if tags >= 2:
        return "tags", f"{tags} of your tags have 10 or more papers: they are your own labels"
    dec = lib.count_distinct_screening_decisions()
    if dec >= 2:
        return "triage", "your triage decisions (include / exclude) label enough papers"
    return "category", "fewer than two tags with 10+ papers and no triage decisions yet: primary arXiv categories"


def _v(x: Any) -> str:
    """A TOML value (strings, numbers, booleans, flat lists)."""
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, (int, float)):
        return repr(x)
    if isinstance(x, str):
        return json.dumps(x, ensure_ascii=False)
    if isinstance(x, (list, tuple)):
        return "[" + ", ".join(_v(i) for i in x) + "]"
    raise TypeError(f"cannot write {x!r} as TOML")


def _slug(s: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:24] or "x"


def fitting_dataset(problem_text: str) -> tuple[Optional[str], str]:
    """(bundled data set, why) when the problem names what a bundled set holds, else (None, why not)."""
    name, word = _match(problem_text, DATASET_FITS)
    if name:
        return name, f"the problem names \"{word}\", which the bundled \"{name}\" data set holds"
    return None, ("no bundled data set holds this problem's data (bundled: iris, wine, breast_cancer, digits, diabetes, "
                  "and the library's own abstracts for document classification); a keyword match would test "
                  "the method on unrelated data")


PLACEHOLDER = "placeholder"   # drafted_dataset when no data set fits the problem


def drafted_dataset(gap: dict[str, Any]) -> tuple[str, str]:
    """(the data set a draft for ``gap`` proposes, or PLACEHOLDER; why): what the drafted spec records in
    [source], and what a run of a spec without that record (drafted before it, or written by hand) is
    compared with."""
    dataset, why = fitting_dataset(_words(gap.get("problem")))
    return dataset or PLACEHOLDER, why


def _metrics_named(text: str) -> list[str]:
    """The metric names a text uses, as METRICS spells them ("mAP" only in capitals: "map" is a word)."""
    low = text.lower()
    found = [m for m, _ in METRICS if m != "map" and re.search(r"(?<![a-z])" + re.escape(m) + r"(?![a-z])", low)]
    if re.search(r"\bmAP\b", text):
        found.append("mAP")
    if re.search(r"\bEM\b", text) and "exact match" not in found:   # "EM/F1 on SQuAD": capitals only
        found.append("exact match")
    return found


def evidence_figures(lib, papers: list[int], limit: int = 6) -> list[dict[str, Any]]:
    """For each paper (up to ``limit`` with any): its result sentences that report a figure, each figure with
    what it measures (``said``: the words of its clause, and the benchmark the sentence names for it), and
    the metric names they use."""
    out = []
    for r in result_sentences(lib, papers):
        hits = [re.sub(r"\s+", " ", t) for t in r["sentences"] if FIGURE.search(t) or METRIC_FIGURE.search(t)]
        if not hits:
            continue
        figs: dict[str, tuple[str, str]] = {}   # number -> (figure as written first, its sentence): "91.824%"
        for t in hits:                          # read again as "91.824" is one figure
            for f in (f.strip() for f in FIGURE.findall(t) + METRIC_FIGURE.findall(t)):
                figs.setdefault(re.match(r"\d+(?:\.\d+)?", f).group(), (f, t))
        kept = list(figs.values())[:6]
        said = [x for t in dict.fromkeys(t for _, t in kept) for x in figures_said(t, [f for f, s in kept if s == t])]
        out.append({"paper": r["paper"], "title": r["title"], "figures": [f for f, _ in kept],
                    "said": said, "sentence": hits[0][:300], "metrics": _metrics_named(" ".join(hits))})
        if len(out) >= limit:
            break
    return out


def result_sentences(lib, papers: list[int], roles: tuple[str, ...] = ("result",)) -> list[dict[str, Any]]:
    """{paper, title, sentences}: the result sentences (or those of ``roles``) of each paper that has facet
    labels (URLs and DOIs blanked, so that their digits never read as figures)."""
    if lib is None:
        return []
    from ..facets import paper_sentences

    out = []
    titles = {p.id: p.title for p in lib.get_papers([int(p) for p in papers])}  # a deleted paper is skipped
    for pid in papers:
        labelled = paper_sentences(lib, int(pid)) if int(pid) in titles else []
        if not labelled:   # no facet labels yet: nothing was read, so nothing is claimed
            continue
        sents = [x["text"] for x in labelled if x["role"] in roles]
        out.append({"paper": int(pid), "title": titles[int(pid)], "sentences": [URL.sub(" ", t) for t in sents]})
    return out


@dataclass
class _Baseline:
    """What the draft proposes for a gap, and why (the notes become comments in the spec)."""

    family: str
    dataset: str
    task: str
    notes_model: list[str] = field(default_factory=list)
    notes_data: list[str] = field(default_factory=list)
    placeholder: str = ""                    # why no data set fits (the data block then asks for a CSV)

    @property
    def text(self) -> bool:
        return self.dataset == "library_text"


def _choose_family(mtext: str, notes: list[str]) -> str:
    family, fword = _match(mtext, FAMILY_RULES)
    if family:
        notes.append(f"model: \"{family}\" because the method side mentions \"{fword}\"")
        return family
    notes.append("model: no method word matched a runner family (linear, mlp, cnn, gru, transformer);"
                 " an MLP is the general-purpose baseline")
    return "mlp"


def _choose_dataset(ptext: str, notes: list[str]) -> tuple[str, str]:
    """(data set, placeholder reason): a bundled set only when the problem names what it holds, else a CSV
    placeholder the user fills in."""
    dataset, why_data = fitting_dataset(ptext)
    if dataset:
        notes.append(f"data: \"{dataset}\" because {why_data}")
        return dataset, ""
    notes.append("data: PLACEHOLDER - " + why_data + ". Put the data the evidence papers use in a CSV, set "
                 "path and target, and delete the placeholder line (`gapscope run` refuses it until then)")
    return "csv", why_data


def _compatible_family(family: str, dataset: str, notes: list[str]) -> str:
    """Make model and data compatible, saying what changed."""
    if family in TEXT_FAMILIES and dataset != "library_text":
        notes.append(f"{family} reads token sequences and {dataset} is not text: the closest runner "
                     "baseline on it is an MLP")
        family = "mlp"
    if family == "cnn" and dataset != "digits":
        if dataset == "library_text":
            notes.append("the runner has no text CNN: a GRU is the closest sequence model")
            return "gru"
        notes.append(f"the small CNN reads 8x8 images only and {dataset} is tabular: using an MLP")
        return "mlp"
    return family


def _baseline(gap: dict[str, Any]) -> _Baseline:
    notes_model: list[str] = []
    notes_data: list[str] = []
    family = _choose_family(_words(gap.get("method")), notes_model)
    dataset, placeholder = _choose_dataset(_words(gap.get("problem")), notes_data)
    family = _compatible_family(family, dataset, notes_model)
    task = "regression" if dataset == "diabetes" else ("auto" if dataset == "csv" else "classification")
    if family == "linear":
        notes_model.append("linear + cross-entropy = logistic regression" if task == "classification"
                           else "linear + squared error = linear regression")
    return _Baseline(family, dataset, task, notes_model, notes_data, placeholder)


# A gap's evidence papers by side (gaps/concept_evidence.py, gaps/detect.py): the problem side is what the
# experiment is measured on, so only it gives the metric; the method side is quoted apart, as what the method
# reports on its own tasks. Predicting neighbours (a related method's or problem's papers) are on neither side.
PROBLEM_ROLES = ("both", "problem", "shortcoming", "addresses", "region")
METHOD_ROLES = ("method",)


def _side(gap: dict[str, Any], roles_wanted: tuple[str, ...]) -> list[int]:
    """The gap's evidence papers with one of ``roles_wanted``, in that order of roles (then as the gap lists them)."""
    roles = gap.get("evidence_roles") or {}
    papers = [int(p) for p in (gap.get("evidence") or [])][:100]
    mine = [p for p in papers if roles.get(str(p)) in roles_wanted]
    return sorted(mine, key=lambda p: roles_wanted.index(roles[str(p)]))


@dataclass
class _Evidence:
    """What the drafted spec quotes from the gap's papers, and the metric it takes from the problem side."""

    problem: list[dict[str, Any]]          # problem-side papers' result sentences with figures
    method: list[dict[str, Any]]           # the same for the method side (quoted, never the metric)
    problem_papers: list[int]              # the gap's problem-side papers
    problem_read: list[int]                # of those, the ones whose result sentences could be read
    used: dict[str, list[int]]             # {metric: problem-side papers naming it in a result sentence}
    metric: Optional[str]                  # the metric a fair share of them name (draft_protocol.consensus)
    protocol: Protocol                     # how they evaluate, from their method and result sentences


def _evidence_metric(gap: dict[str, Any], lib) -> _Evidence:
    """The figures of the gap's problem- and method-side papers, the metric a fair share of the problem side
    names, and how the problem side evaluates (its method and result sentences)."""
    problem = _side(gap, PROBLEM_ROLES)
    read = result_sentences(lib, problem[:30])
    used: dict[str, list[int]] = {}
    for r in read:
        for m_ in _metrics_named(" ".join(r["sentences"])):
            used.setdefault(m_, []).append(r["paper"])
    return _Evidence(problem=evidence_figures(lib, problem[:30], limit=5),
                     method=evidence_figures(lib, _side(gap, METHOD_ROLES)[:30], limit=3),
                     problem_papers=problem, problem_read=[r["paper"] for r in read], used=used,
                     metric=consensus(used, len(read)),
                     protocol=read_protocol(result_sentences(lib, problem[:30], roles=("method", "result")),
                                           metrics=tuple(m for m, _ in METRICS) + ("em", "dsc")))


def _figure_lines(f: dict[str, Any], role: str) -> list[str]:
    """The paper, then each figure with what it measures: never a bare number."""
    return [f"#   [{f['paper']}] ({role}) {clip_words(f['title'], 80)}:"] + [
        f"#       {', '.join(x['figures'])}: \"{x['context']}\"" + (f" ({x['on']})" if x["on"] else "")
        for x in f["said"]]


def _evidence_lines(gap: dict[str, Any], ev: _Evidence, lib) -> list[str]:
    """The hypothesis, the gap's papers with the figures they report (problem side, then method side), and
    the metric the problem side names, or why there is none."""
    method, problem = gap.get("method"), gap.get("problem")
    details = gap.get("details") or {}
    L: list[str] = []
    mname = details.get("method_concept") or (method or {}).get("label")
    pname = details.get("problem_concept") or (problem or {}).get("label")
    if mname and pname:
        L.append(f"# Hypothesis: applying {mname} to {pname} does better on {pname} than the methods its "
                 "papers use now (the baseline below is the reference to beat)")
    elif pname and gap.get("type") == "unaddressed_shortcoming":
        L.append(f"# Hypothesis: a method aimed at the shortcoming \u201c{pname}\u201d does better than the baseline "
                 "below on the data of the papers that state it (few later papers address it)")
    elif pname and gap.get("type") == "thin_growing":
        L.append(f"# Hypothesis: none stated: a thin, growing region ({pname}) is a place to look, not a claim; "
                 "the baseline below measures where its task stands now")
    roles = gap.get("evidence_roles") or {}
    no_lib = "" if lib is not None else " (no library given)"
    on = f" ({pname})" if pname else ""
    if ev.problem:
        L.append(f"# Problem-side papers{on} and the figures their result sentences report:")
        L += [line for f in ev.problem for line in _figure_lines(f, roles.get(str(f["paper"]), "problem"))]
    elif ev.problem_papers:
        L.append(f"# Problem-side papers{on}: no result sentence with a figure found{no_lib}")
    elif gap.get("evidence") and not roles:
        L.append("# Problem-side papers: the gap does not say which side its evidence papers are on, so none "
                 "is quoted")
    else:
        L.append("# Problem-side papers: the gap lists none")
    if ev.method:
        L.append(f"# Method-side papers{' (' + mname + ')' if mname else ''}: what they report on their own "
                 "tasks (not where this experiment's metric comes from):")
        L += [line for f in ev.method for line in _figure_lines(f, "method")]
    if ev.metric:
        L.append(f"# Metric the problem-side papers' result sentences share: {metric_display(ev.metric)} "
                 f"({len(ev.used[ev.metric])} of {len(ev.problem_read)} papers: "
                 + ", ".join(f"[{p}]" for p in ev.used[ev.metric][:8]) + ")"
                 + (f"; all named: {metric_counts(ev.used, metric_display)}" if len(ev.used) > 1 else ""))
    elif ev.used:
        L.append(f"# Metric: PLACEHOLDER - none is shared by a fair share of the {len(ev.problem_read)} problem-side "
                 f"papers read (papers naming each: {metric_counts(ev.used, metric_display)}): see the evaluation "
                 "placeholder below")
    elif ev.problem_read:
        ids = ", ".join(f"[{p}]" for p in ev.problem_read[:8]) + (", ..." if len(ev.problem_read) > 8 else "")
        L.append(f"# Metric: none stated in the result sentences of the {len(ev.problem_read)} problem-side "
                 f"paper{'s' if len(ev.problem_read) != 1 else ''} ({ids}), and none is borrowed from other papers: "
                 f"choose the metric that {pname + ' work' if pname else 'work on the problem'} reports")
    elif ev.problem_papers and lib is None:
        L.append("# Metric: none taken (no library given to read the problem-side papers' result sentences)")
    elif ev.problem_papers:
        L.append("# Metric: none taken: the problem-side papers have no facet labels yet (run `gapscope facets`)")
    else:
        L.append("# Metric: none taken, for the gap lists no problem-side papers to take it from")
    return L


def _side_name(part: dict[str, Any]) -> str:
    """A gap side as known: its label, then its keywords in brackets when it has any besides the label (never
    empty brackets); the cluster number when it has no label."""
    label = str(part.get("label") or "").strip()
    kws = [str(k).strip() for k in (part.get("keywords") or [])]
    kws = [k for k in dict.fromkeys(kws) if k and k.lower() != label.lower()][:8]
    name = label or (f"#{part['cluster']}" if part.get("cluster") is not None else "(no label)")
    return name + (f" ({', '.join(kws)})" if kws else "")


def run_name(gap: dict[str, Any]) -> str:
    """"gap105-contrastive-learning": the gap and its method, which no edit of the spec changes (a name with
    the data set or model family, "gap105-mlp-csv", stayed "csv" once the user switched the data to digits)."""
    method = (gap.get("details") or {}).get("method_concept") or (gap.get("method") or {}).get("label") or ""
    what = _slug(str(method)).rstrip("-") if str(method).strip() else "baseline"
    return f"gap{gap['id']}-{what}" if gap.get("id") is not None else what


def _header_lines(gap: dict[str, Any], b: _Baseline, statement: str, ev: _Evidence, lib=None) -> list[str]:
    """The comment block, name, description, task and [source]."""
    method, problem = gap.get("method"), gap.get("problem")
    gap_id = gap.get("id")
    papers = [int(p) for p in (gap.get("evidence") or [])][:100]
    name = run_name(gap)
    drafted, why = drafted_dataset(gap)
    L: list[str] = [
        f"# Experiment spec drafted by GapScope from gap #{gap_id} ({gap.get('type', 'gap')}).",
        "# Edit freely and keep it in git; run it with:  gapscope run THIS_FILE",
    ]
    if statement:
        L.append("# Gap: " + clip_words(re.sub(r"\s+", " ", statement), 300))
    level = "concept" if (gap.get("details") or {}).get("level") == "concept" else "cluster"
    for side, part in (("Method", method), ("Problem", problem)):
        if part:
            L.append(f"# {side} {level}: {_side_name(part)}")
    L += _evidence_lines(gap, ev, lib)
    L += ["", f"name = {_v(name)}",
          f"description = {_v(clip_words('Baseline for gap #' + str(gap_id) + ': ' + statement, 400) if statement else 'Baseline drafted from a gap')}",
          f"task = {_v(b.task)}", "",
          "[source]",
          "# the gap and its evidence papers: the run is recorded in the library and linked to both",
          f"gap_id = {_v(gap_id) if gap_id is not None else '0  # set the gap id'}",
          f"papers = {_v(papers)}",
          f"note = {_v(clip_words(statement, 300))}",
          "# what this draft proposed for the data, and why: the run's link to the gap says so when it ran on other data",
          f"drafted_dataset = {_v(drafted)}", f"drafted_dataset_reason = {_v(why)}", ""]
    return L


def _data_lines(b: _Baseline, lib) -> list[str]:
    L = ["[data]"] + [f"# {n}" for n in b.notes_data] + [f"dataset = {_v(b.dataset)}"]
    if b.placeholder:
        L += ['path = "FILL-IN-your-data.csv"', 'target = "FILL-IN-target-column"',
              f"placeholder = {_v('no fitting data set: ' + b.placeholder)}"]
    if b.text:
        labels, why = _label_source(lib)
        L.append(f"# labels: {why}")
        L.append(f"labels = {_v(labels)}")
        if b.family in TEXT_FAMILIES:
            L.append("# input: raw title + abstract, vocabulary built on each training fold only")
            L.append('input = "text"')
        else:
            L.append("# input: the cached MiniLM abstract embeddings (run `gapscope embed` first); a linear/MLP "
                     "model cannot read raw tokens")
            L.append('input = "embeddings"')
        L += ["max_classes = 5", "min_per_class = 10"]
    return L


MODEL_DEFAULTS = {
    "mlp": ["hidden = [128]", "dropout = 0.1"],
    "cnn": ["channels = [16, 32]", "dropout = 0.2"],
    "gru": ["embed_dim = 64", "hidden_size = 64", "dropout = 0.2"],
    "transformer": ["embed_dim = 64", "heads = 4", "layers = 2", "ff_dim = 128", "dropout = 0.1"],
}


def _model_lines(b: _Baseline) -> list[str]:
    return (["", "[model]"] + [f"# {n}" for n in b.notes_model] + [f"family = {_v(b.family)}"]
            + MODEL_DEFAULTS.get(b.family, []))


def _metric_note(metric: str, task: str, reported: list[str]) -> list[str]:
    """What the spec says of the problem side's metric: the runner metric it is, or, plainly, that the runner
    does not measure it, what it reports instead and why (never a "nearest" metric it is not)."""
    shown = metric_display(metric)
    runner = dict(METRICS).get(metric)
    instead = " and ".join(reported)
    if runner in reported:
        return [f"# the problem-side papers report {shown}; the runner measures it"
                + ("" if runner == metric else f" (as {runner})")]
    if runner:
        return [f"# the problem-side papers report {shown}; this baseline is a {task} task, for which the runner "
                f"reports {instead} instead"]
    return [f"# the problem-side papers report {shown}, which the runner does not measure: it trains small "
            "classification and regression baselines and scores them only by accuracy and macro_f1 or mae and rmse.",
            f"# This run reports {instead} instead, on its own data: not comparable with the papers' {shown} figures"]


def _eval_lines(b: _Baseline, metric: Optional[str], plan: EvalPlan, reported: list[str]) -> list[str]:
    """[eval]: the runner's k-fold split, said to fit, or a placeholder with why (the run refuses it)."""
    L = ["", "[eval]"] + plan.comments     # how the papers evaluate, said whether or not the split fits
    if plan.reasons:
        L.append("# EVALUATION PLACEHOLDER (the placeholder line below says why): the split below is only the "
                 "runner's default, k-fold CV over fixed seeds; fix the protocol and metric, then delete the "
                 "placeholder line (`gapscope run` refuses it until then)")
    else:
        L.append("# k-fold CV over fixed seeds: a variant run with the same seeds and folds can be compared pairwise")
    L += ['split = "kfold"', f"folds = {3 if b.text else 5}", "seeds = [0, 1, 2]",
          *(_metric_note(metric, b.task, reported) if metric else []),
          f"metrics = {_v(reported)}"]
    if plan.reasons:
        L.append(f"placeholder = {_v(plan.placeholder)}")
    return L


def _train_eval_lines(b: _Baseline, metric: Optional[str], plan: EvalPlan) -> list[str]:
    text = b.text
    reported = ["mae", "rmse"] if b.task == "regression" else ["accuracy", "macro_f1"]
    return ["", "[train]",
            "# a conservative default: Adam with a cosine schedule and early stopping on validation loss",
            f"epochs = {20 if text else 60}", f"batch_size = {32 if text else 64}",
            f"lr = {0.002 if text else 0.001}", 'schedule = "cosine"', f"early_stopping = {5 if text else 10}",
            "# CUDA only (ignored on the CPU, and the run says so)", "mixed_precision = false", "compile = false",
            *_eval_lines(b, metric, plan, reported),
            "", "[budget]", "max_minutes = 30.0", ""]


def draft_spec_from_gap(gap: dict[str, Any], lib=None) -> str:
    """A TOML spec (str) for a baseline experiment on ``gap`` (the ``Gap.to_dict()`` shape)."""
    b = _baseline(gap)
    statement = str(gap.get("statement") or "").strip()
    ev = _evidence_metric(gap, lib)
    plan = plan_eval(ev.protocol, ev.used, ev.metric, data_fits=not b.placeholder,
                     runner_metric=dict(METRICS).get, display=metric_display)
    L = (_header_lines(gap, b, statement, ev, lib) + _data_lines(b, lib) + _model_lines(b)
         + _train_eval_lines(b, ev.metric, plan))
    return "\n".join(L)
