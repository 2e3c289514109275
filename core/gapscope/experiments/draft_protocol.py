"""How a gap's problem is evaluated, read from its problem-side papers, and whether the runner's protocol fits.

The runner trains a small classifier or regressor on shuffled rows of one table and scores it by k-fold or
holdout splits. Whether that measures a problem is not guessed from the problem's name: the problem-side
papers' method and result sentences say how they evaluate ("sequence of tasks", "zero-shot", "cross-domain",
"human evaluation" are evaluation settings, whatever the problem), their result sentences name the metric, and
their method and result sentences name the benchmarks, as CS abstracts write them ("mIoU on Cityscapes", "the
DTU and MobileBrick datasets", "benchmarks (e.g., ACDC, Dark Zurich)"). A metric or a benchmark counts as the
field's only when a fair share of the papers name it, and the protocol ("evaluate on Cityscapes by mIoU, as 3
of 4 problem papers do") only when a fair share name both. What cannot be told is left an
explicit placeholder in the spec's [eval], with the reason and the papers' own words, and the run refuses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Optional

from ..concepts.quality import model_name

# (setting, what it means, words that name it): evaluation settings the runner's i.i.d. split cannot
# reproduce. These are protocol words, not problems: a problem's protocol is whatever its papers write.
SETTINGS: list[tuple[str, str, tuple[str, ...]]] = [
    ("sequence of tasks", "tasks learned one after another and scored on all of them after each (continual or "
     "incremental learning: average accuracy, forgetting, backward transfer)",
     ("sequence of tasks", "task sequence", "sequential tasks", "sequentially learn", "continual",
      "incremental learning", "incremental setting", "class-incremental", "task-incremental", "domain-incremental",
      "lifelong", "previous tasks", "old tasks", "task boundaries", "rehearsal", "exemplar-free")),
    ("zero-shot", "tested on classes, tasks or data never seen in training",
     ("zero-shot", "unseen tasks", "unseen classes", "unseen categories", "open-vocabulary")),
    ("few-shot", "episodes with a handful of labelled examples per new class",
     ("few-shot", "one-shot", "k-shot", "n-way")),
    ("cross-domain", "trained on one domain or data set and tested on another",
     ("cross-domain", "cross-dataset", "domain shift", "domain adaptation", "domain generalization",
      "out-of-distribution", "unseen domains")),
    ("judged outputs", "outputs judged by people or by a model",
     ("human evaluation", "user study", "human judges", "llm-as-a-judge", "win rate", "human preference")),
    ("reinforcement learning", "a policy trained against rewards in rollouts",
     ("reinforcement learning", "reward model", "rollouts", "policy optimization", "rlhf", "rlvr", "grpo",
      "ppo")),
]
# words saying the papers evaluate as the runner does: one table, shuffled rows, folds or a held-out part
RUNNER_WORDS = ("cross-validation", "cross validation", "k-fold", "5-fold", "10-fold", "held-out test",
                "hold-out", "holdout", "train/test split", "train-test split")
FAIR_SHARE = 1 / 3      # a metric is the field's when at least this share of the papers read name it...
MIN_PAPERS = 2          # ...and at least this many: one paper is one paper's choice, not a consensus
QUOTES = 3
# a sentence that says what the papers evaluate on, quoted when no setting can be named
EVALUATES = re.compile(r"experiment|evaluat|benchmark|data ?sets?\b|tested on|test set", re.I)


# A benchmark is a name as papers write one: capitalised or an acronym ("Cityscapes", "MS COCO", "CIFAR-10",
# "HumanML3D", "OlympiadBench-TO"), words of such a name joined by single spaces ("Dark Zurich")
# ("nuScenes", "miniF2F", "iNaturalist": a lower-case start with a capital inside)
_WORD = r"(?:[A-Z]|[a-z]{1,4}[A-Z])[A-Za-z0-9]*(?:[-.+'][A-Za-z0-9]+)*"
_NAME = rf"{_WORD}(?: {_WORD})*"
_QUALIFIER = r"(?:[a-z]+(?:-[a-z]+)+\s+)"     # "in-domain RealEstate-10K and out-of-domain KITTI-v2"
_NAMES = rf"{_NAME}(?:(?:\s*,\s*|\s*/\s*|,?\s+and\s+|,?\s+or\s+){_QUALIFIER}?{_NAME})*"
_DATA = r"(?:benchmarks?|datasets?|data sets?|corpora|corpus|suites?)"
# where a sentence names what it evaluates on: "on/across (the) NAMES", "NAMES benchmarks", "datasets (e.g., NAMES"
_ON = re.compile(rf"(?<![\w-])(\w+\s+)?(?:on|across)\s+(?:the\s+)?(?:(?:[a-z][\w-]*|\d+)\s+){{0,3}}?({_NAMES})")
_BEFORE = re.compile(rf"(?<![\w-])({_NAMES})\s+{_DATA}\b")
_AFTER = re.compile(rf"\b{_DATA}\s*(?:\(|,|:)?\s*(?:e\.g\.,?|i\.e\.,?|including|such as|like|namely)\s+"
                    rf"{_QUALIFIER}?({_NAMES})")
_SPLIT = re.compile(r"\s*,\s*(?:and\s+|or\s+)?|\s*/\s*|\s+and\s+|\s+or\s+")
# "based on LLaMA", "trained on 1 million X pairs": what a method is built or trained from, not evaluated on
_NOT_EVALUATED = {"based", "built", "rely", "relies", "relying", "depend", "depends", "depending", "focus",
                  "focuses", "focusing", "conditioned", "centered", "rooted", "draws", "drawing", "building",
                  "pretrained", "pre-trained", "trained", "fine-tuned", "finetuned", "run", "runs", "running",
                  "deployed", "implemented"}
# capitalised words that are no benchmark: sentence words, model kinds, modalities, languages, hardware
_NOT_NAMES = {"We", "Our", "The", "This", "These", "It", "In", "On", "A", "An", "Code", "Experiments", "Extensive",
              "Results", "Table", "QA", "RAG", "SOTA", "LLM", "VLM", "MLLM", "LRM", "NLP", "AI", "MRI", "CT", "UAV",
              "HSI", "WSI", "GPU", "CPU", "TPU", "English", "Chinese", "Portuguese", "Korean", "Japanese", "German",
              "French", "Spanish", "Arabic", "Hindi", "Russian"}


# what a method runs on: "NVIDIA A100 GPUs", "8 H100s", "TPU v4"
_HARDWARE = re.compile(r"\b(?:GPUs?|TPUs?|CPUs?|NVIDIA|[AHV]100s?|RTX)\b")


def _is_name(name: str) -> bool:
    """A benchmark name, not a sentence word, a model kind or modality ("LLMs", "MRI"), a level ("WSI-level")
    or a lone letter left by markup ("S$^2$-Bench"), nor a model ("GPT-4", "Qwen2.5-7B": quality.model_name),
    an architecture written as a kind ("Transformer-based") or hardware ("NVIDIA A100 GPUs")."""
    first = name.split()[0]
    bare = re.sub(r"s$", "", first) if re.fullmatch(r"[A-Z]{2,}s", first) else first   # "LLMs" is "LLM"
    return (len(name) > 1 and bare not in _NOT_NAMES and not name.endswith(("-level", "-based"))
            and not _HARDWARE.search(name) and not model_name(name))


def benchmarks_named(sentence: str, metrics: tuple[str, ...] = ()) -> list[str]:
    """The benchmark names a sentence evaluates on, in the order written (``metrics``: lower-case metric names,
    which are never benchmarks: "EM/F1 on SQuAD" names SQuAD)."""
    s = re.sub(r"\s+", " ", sentence)
    found: list[str] = []
    spans = [m.group(2) for m in _ON.finditer(s) if (m.group(1) or "").strip().lower() not in _NOT_EVALUATED]
    spans += [m.group(1) for m in _BEFORE.finditer(s)] + [m.group(1) for m in _AFTER.finditer(s)]
    for span in sorted(spans, key=s.find):
        for name in _SPLIT.split(span):
            name = re.sub(rf"^{_QUALIFIER}", "", name.strip(" .,'"))
            if name and _is_name(name) and name.lower() not in metrics and name not in found:
                found.append(name)
    return found


def _names(text: str, words: tuple[str, ...]) -> Optional[str]:
    low = text.lower()
    for w in words:
        if re.search(r"(?<![a-z])" + re.escape(w) + r"(?![a-z])", low):
            return w
    return None


@dataclass
class Protocol:
    """What the problem-side papers' method and result sentences say about how they evaluate."""

    settings: dict[str, list[int]] = field(default_factory=dict)   # setting -> papers naming it
    quotes: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # setting -> (paper, words around it)
    runner_papers: list[int] = field(default_factory=list)          # papers naming a runner-like split
    evaluations: list[tuple[int, str]] = field(default_factory=list)  # (paper, a sentence on what it evaluates)
    benchmarks: dict[str, list[int]] = field(default_factory=dict)  # benchmark as first written -> papers naming it
    read: list[int] = field(default_factory=list)


def read_protocol(read: list[dict[str, Any]], metrics: tuple[str, ...] = ()) -> Protocol:
    """``read``: {paper, sentences} of the problem-side papers (their method and result sentences);
    ``metrics``: the lower-case metric names, never read as benchmarks."""
    p = Protocol(read=[r["paper"] for r in read])
    for r in read:
        for s in r["sentences"]:
            for name, _, words in SETTINGS:
                word = _names(s, words)
                papers = p.settings.setdefault(name, []) if word else []
                if word and r["paper"] not in papers:
                    papers.append(r["paper"])
                    p.quotes.setdefault(name, []).append((r["paper"], _around(re.sub(r"\s+", " ", s).strip(), word)))
            if EVALUATES.search(s) and all(q != r["paper"] for q, _ in p.evaluations):
                p.evaluations.append((r["paper"], _around(re.sub(r"\s+", " ", s).strip(), EVALUATES)))
            if _names(s, RUNNER_WORDS) and r["paper"] not in p.runner_papers:
                p.runner_papers.append(r["paper"])
            for name in benchmarks_named(s, metrics):
                key = next((k for k in p.benchmarks if _same(k, name)), name)   # "MS-COCO" is "MS COCO"
                papers = p.benchmarks.setdefault(key, [])
                if r["paper"] not in papers:
                    papers.append(r["paper"])
    return p


def _same(a: str, b: str) -> bool:
    return re.sub(r"[\W_]+", "", a.lower()) == re.sub(r"[\W_]+", "", b.lower())


def consensus(used: dict[str, list[int]], n_read: int) -> Optional[str]:
    """The metric a fair share of the ``n_read`` papers name (the most named), or None when none is shared."""
    if not used:
        return None
    top = max(used, key=lambda k: len(used[k]))
    return top if _shared(used[top], n_read) else None


def metric_counts(used: dict[str, list[int]], display) -> str:
    """"forgetting 2 ([8972], [4066]), accuracy 1 ([8065])": each metric, how many papers name it and which."""
    ranked = sorted(used.items(), key=lambda kv: -len(kv[1]))
    return ", ".join(f"{display(m)} {len(ps)} ({_ids(ps)})" for m, ps in ranked)


@dataclass
class EvalPlan:
    """The [eval] decision: the reasons it is a placeholder (empty: the runner's split fits) and the comments."""

    reasons: list[str]
    comments: list[str]

    @property
    def placeholder(self) -> str:
        return "; ".join(self.reasons)


def _around(sentence: str, word, n: int = 110) -> str:
    """The sentence, or the words within ``n`` characters of ``word`` (a string, or a pattern) when it is long
    (the word is kept)."""
    if len(sentence) <= 2 * n:
        return sentence
    pattern = word if isinstance(word, re.Pattern) else re.compile(re.escape(word), re.I)
    m = pattern.search(sentence)
    at, size = (m.start(), len(m.group())) if m else (0, 0)
    start, end = max(0, at - n), min(len(sentence), at + size + n)
    if start:
        start = sentence.find(" ", start) + 1
    if end < len(sentence):
        end = sentence.rfind(" ", 0, end)
    return ("\u2026" if start else "") + sentence[start:end] + ("\u2026" if end < len(sentence) else "")


def _ids(papers: list[int], n: int = 4) -> str:
    return ", ".join(f"[{p}]" for p in papers[:n]) + (", ..." if len(papers) > n else "")


def _shared(papers: list[int], n_read: int) -> bool:
    """Named by a fair share of the papers read (see FAIR_SHARE, MIN_PAPERS)."""
    return len(papers) >= MIN_PAPERS and len(papers) >= FAIR_SHARE * n_read


def shared_protocol(proto: Protocol, used: dict[str, list[int]], metric: Optional[str], display) -> Optional[str]:
    """"evaluate on Cityscapes (3 papers), ACDC (2 papers) by mIoU, as 3 of 4 problem papers do": the benchmarks
    and the metric a fair share of the papers name, when a fair share name the metric with one of those
    benchmarks; None when they do not agree (nothing is filled in from elsewhere)."""
    n = len(proto.read)
    benches = shared_benchmarks(proto)
    if not metric or not benches:
        return None
    both = [p for p in used.get(metric, []) if any(p in proto.benchmarks[b] for b in benches)]
    if not _shared(both, n):
        return None
    on = ", ".join(f"{b} ({len(proto.benchmarks[b])} papers)" for b in benches)
    return f"evaluate on {on} by {display(metric)}, as {len(both)} of {n} problem papers do"


def shared_benchmarks(proto: Protocol) -> list[str]:
    """The benchmarks a fair share of the papers read name, the most named first."""
    ranked = sorted(proto.benchmarks, key=lambda b: -len(proto.benchmarks[b]))
    return [b for b in ranked if _shared(proto.benchmarks[b], len(proto.read))]


def _disagreement(proto: Protocol, used: dict[str, list[int]], metric: Optional[str], display) -> str:
    """Why the benchmarks and metric the papers name make no protocol, with what each paper names."""
    n = len(proto.read)
    named = metric_counts(proto.benchmarks, str)
    benches = shared_benchmarks(proto)
    if not benches:
        return (f"the problem-side papers do not share a benchmark (none is named by at least {MIN_PAPERS} papers "
                f"and a third of the {n} read): {named}")
    if not metric:
        return (f"the problem-side papers share the benchmark {', '.join(benches)} but no metric (named: "
                f"{metric_counts(used, display) or 'none'})")
    return (f"the problem-side papers name {', '.join(benches)} and {display(metric)}, but too few of the {n} "
            f"read name both: {named}")


def plan_eval(proto: Protocol, used: dict[str, list[int]], metric: Optional[str], data_fits: bool,
              runner_metric, display) -> EvalPlan:
    """Whether the runner's k-fold split on one table measures this problem, and whether a metric is shared.

    ``data_fits``: the data set is one the problem names (the problem then is that table's prediction);
    ``runner_metric(m)``: the runner metric a paper metric is, or None."""
    reasons: list[str] = []
    comments: list[str] = []
    n = len(proto.read)
    named = [s for s, _, _ in SETTINGS if proto.settings.get(s)]
    shared = [s for s in named if _shared(proto.settings[s], n)]
    protocol = shared_protocol(proto, used, metric, display)
    if protocol:
        comments.append(f"# Protocol the problem-side papers share: {protocol}")
    if proto.benchmarks:
        comments.append("# Benchmarks their method and result sentences name (papers naming each): "
                        + metric_counts(proto.benchmarks, str))
    if named:
        comments.append("# How the problem-side papers evaluate (their method and result sentences), against the "
                        "runner's k-fold / holdout split of one table:")
        for s, meaning, _ in SETTINGS:
            if s in shared:
                comments.append(f"#   {s} ({len(proto.settings[s])} of {n} papers): {meaning}")
                comments += [f"#     [{p}] \"{q}\"" for p, q in proto.quotes[s][:QUOTES]]
        singles = [s for s in named if s not in shared]
        if singles:
            comments.append("#   named by too few papers to be the field's protocol: "
                            + "; ".join(f"{s} ({_ids(proto.settings[s])})" for s in singles))
    if shared:
        said = "; ".join(f"{s} ({len(proto.settings[s])} of {n} papers: {_ids(proto.settings[s])})" for s in shared)
        reasons.append(f"protocol: the problem-side papers evaluate with {said}; the runner's split trains once "
                       "on shuffled rows of one table and cannot measure that")
    elif protocol and not runner_metric(metric):
        reasons.append(f"protocol: {protocol}; {display(metric)} is an output the runner's classifiers and "
                       "regressors do not produce, and the runner has none of these benchmarks")
    elif protocol:
        comments.append("# the runner measures that metric: put the benchmark's data in [data]; its k-fold split "
                        "stands in for the benchmark's own test split, so the figures are not the papers'")
    elif metric and not runner_metric(metric):
        reasons.append(f"protocol: the problem-side papers measure {display(metric)}, an output the runner's "
                       "classifiers and regressors do not produce")
    elif not data_fits and not proto.runner_papers and proto.benchmarks:
        reasons.append(f"protocol: {_disagreement(proto, used, metric, display)}; choose the benchmark, split and "
                       "metric work on this problem reports")
    elif not data_fits and not proto.runner_papers:
        how = ("no evaluation setting is named by a fair share of their method and result sentences, nor a "
               "benchmark, nor a cross-validation or held-out split" if n
               else "no problem-side paper's sentences were read")
        reasons.append(f"protocol: GapScope cannot tell how this problem is evaluated ({how}); check that "
                       "k-fold splits of one table measure it")
    if reasons and reasons[-1].startswith("protocol: ") and not protocol and not shared:
        if proto.evaluations:
            comments.append("# What the problem-side papers say they evaluate on:")
            comments += [f"#     [{p}] \"{q}\"" for p, q in proto.evaluations[:QUOTES]]
    if used and not metric:
        reasons.append(f"metric: no metric is named by a fair share (at least {MIN_PAPERS} papers and a third) of "
                       f"the {n} problem-side papers read: {metric_counts(used, display)}; choose the metric "
                       "work on this problem reports")
    elif n and not used and not data_fits:
        reasons.append(f"metric: none of the {n} problem-side papers' result sentences names a metric")
    return EvalPlan(reasons, comments)
