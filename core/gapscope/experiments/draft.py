"""Drafting an experiment spec from a gap: the method family from the gap's method cluster, the task from
its problem cluster, matched against what the runner offers. The TOML carries a comment for each choice
so the user can see why and change it."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Optional

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

# (dataset, words): what the problem cluster is about, mapped to the runner's datasets; a continuous
# target (regression words) wins over the domain (a disease-progression problem is a regression)
DATASET_RULES: list[tuple[str, tuple[str, ...]]] = [
    ("library_text", ("text", "language", "nlp", "document", "sentiment", "summarization", "translation",
                      "question answering", "abstract", "citation", "literature", "review", "topic", "corpus",
                      "token", "sentence", "word")),
    ("digits", ("image", "vision", "digit", "handwrit", "visual", "object", "recognition", "ocr", "pixel",
                "segmentation", "detection")),
    ("diabetes", ("regression", "forecast", "progression", "continuous", "price", "estimation", "prediction of")),
    ("breast_cancer", ("cancer", "tumor", "tumour", "diagnosis", "diagnostic", "medical", "clinical", "patient",
                       "disease", "health")),
    ("wine", ("chemical", "chemistry", "spectro", "food", "quality", "tabular", "table")),
]

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


@dataclass
class _Baseline:
    """What the draft proposes for a gap, and why (the notes become comments in the spec)."""

    family: str
    dataset: str
    task: str
    notes_model: list[str] = field(default_factory=list)
    notes_data: list[str] = field(default_factory=list)

    @property
    def text(self) -> bool:
        return self.dataset == "library_text"


def _choose_family(mtext: str, notes: list[str]) -> str:
    family, fword = _match(mtext, FAMILY_RULES)
    if family:
        notes.append(f"model: \"{family}\" because the method cluster mentions \"{fword}\"")
        return family
    notes.append("model: no method keyword matched a runner family (linear, mlp, cnn, gru, transformer);"
                 " an MLP is the general-purpose baseline")
    return "mlp"


def _choose_dataset(ptext: str, family: str, notes: list[str]) -> str:
    dataset, dword = _match(ptext, DATASET_RULES)
    if dataset:
        notes.append(f"data: \"{dataset}\" because the problem cluster mentions \"{dword}\"")
        return dataset
    # no problem keyword: let the model family pick the data it can read
    dataset = {"cnn": "digits", "gru": "library_text", "transformer": "library_text"}.get(family, "digits")
    notes.append(f"data: no problem keyword matched a dataset; \"{dataset}\" suits a {family} baseline. "
                 "For your own data use dataset = \"csv\" with path and target")
    return dataset


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
    dataset = _choose_dataset(_words(gap.get("problem")), family, notes_data)
    family = _compatible_family(family, dataset, notes_model)
    task = "regression" if dataset == "diabetes" else "classification"
    if family == "linear":
        notes_model.append("linear + cross-entropy = logistic regression" if task == "classification"
                           else "linear + squared error = linear regression")
    return _Baseline(family, dataset, task, notes_model, notes_data)


def _header_lines(gap: dict[str, Any], b: _Baseline, statement: str) -> list[str]:
    """The comment block, name, description, task and [source]."""
    method, problem = gap.get("method"), gap.get("problem")
    gap_id = gap.get("id")
    papers = [int(p) for p in (gap.get("evidence") or [])][:100]
    name = f"gap{gap_id}-{b.family}-{_slug(b.dataset)}" if gap_id is not None else f"{b.family}-{_slug(b.dataset)}"
    L: list[str] = [
        f"# Experiment spec drafted by GapScope from gap #{gap_id} ({gap.get('type', 'gap')}).",
        "# Edit freely and keep it in git; run it with:  gapscope run THIS_FILE",
    ]
    if statement:
        L.append("# Gap: " + re.sub(r"\s+", " ", statement)[:300])
    if method:
        L.append(f"# Method cluster: {method.get('label')} ({', '.join(map(str, (method.get('keywords') or [])[:8]))})")
    if problem:
        L.append(f"# Problem cluster: {problem.get('label')} ({', '.join(map(str, (problem.get('keywords') or [])[:8]))})")
    L += ["", f"name = {_v(name)}",
          f"description = {_v(('Baseline for gap #' + str(gap_id) + ': ' + statement)[:400] if statement else 'Baseline drafted from a gap')}",
          f"task = {_v(b.task)}", "",
          "[source]",
          "# the gap and its evidence papers: the run is recorded in the library and linked to both",
          f"gap_id = {_v(gap_id) if gap_id is not None else '0  # set the gap id'}",
          f"papers = {_v(papers)}",
          f"note = {_v(statement[:300])}", ""]
    return L


def _data_lines(b: _Baseline, lib) -> list[str]:
    L = ["[data]"] + [f"# {n}" for n in b.notes_data] + [f"dataset = {_v(b.dataset)}"]
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


def _train_eval_lines(b: _Baseline) -> list[str]:
    text = b.text
    return ["", "[train]",
            "# a conservative default: Adam with a cosine schedule and early stopping on validation loss",
            f"epochs = {20 if text else 60}", f"batch_size = {32 if text else 64}",
            f"lr = {0.002 if text else 0.001}", 'schedule = "cosine"', f"early_stopping = {5 if text else 10}",
            "# CUDA only (ignored on the CPU, and the run says so)", "mixed_precision = false", "compile = false",
            "", "[eval]",
            "# k-fold CV over fixed seeds: a variant run with the same seeds and folds can be compared pairwise",
            'split = "kfold"', f"folds = {3 if text else 5}", "seeds = [0, 1, 2]",
            f"metrics = {_v(['accuracy', 'macro_f1'] if b.task == 'classification' else ['mae', 'rmse'])}",
            "", "[budget]", "max_minutes = 30.0", ""]


def draft_spec_from_gap(gap: dict[str, Any], lib=None) -> str:
    """A TOML spec (str) for a baseline experiment on ``gap`` (the ``Gap.to_dict()`` shape)."""
    b = _baseline(gap)
    statement = str(gap.get("statement") or "").strip()
    L = _header_lines(gap, b, statement) + _data_lines(b, lib) + _model_lines(b) + _train_eval_lines(b)
    return "\n".join(L)
