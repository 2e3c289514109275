"""Drafting an experiment spec from a gap: the method family from the gap's method cluster, the task from
its problem cluster, matched against what the runner offers. The TOML carries a comment for each choice
so the user can see why and change it."""

from __future__ import annotations

import json
import re
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


def draft_spec_from_gap(gap: dict[str, Any], lib=None) -> str:
    """A TOML spec (str) for a baseline experiment on ``gap`` (the ``Gap.to_dict()`` shape)."""
    method, problem = gap.get("method"), gap.get("problem")
    mtext, ptext = _words(method), _words(problem)
    statement = str(gap.get("statement") or "").strip()
    family, fword = _match(mtext, FAMILY_RULES)
    dataset, dword = _match(ptext, DATASET_RULES)
    notes_model, notes_data = [], []
    if family:
        notes_model.append(f"model: \"{family}\" because the method cluster mentions \"{fword}\"")
    else:
        family = "mlp"
        notes_model.append("model: no method keyword matched a runner family (linear, mlp, cnn, gru, transformer);"
                           " an MLP is the general-purpose baseline")
    if dataset:
        notes_data.append(f"data: \"{dataset}\" because the problem cluster mentions \"{dword}\"")
    else:
        # no problem keyword: let the model family pick the data it can read
        dataset = {"cnn": "digits", "gru": "library_text", "transformer": "library_text"}.get(family, "digits")
        notes_data.append(f"data: no problem keyword matched a dataset; \"{dataset}\" suits a {family} baseline. "
                          "For your own data use dataset = \"csv\" with path and target")
    # make model and data compatible, saying what changed
    if family in TEXT_FAMILIES and dataset != "library_text":
        notes_model.append(f"{family} reads token sequences and {dataset} is not text: the closest runner "
                           "baseline on it is an MLP")
        family = "mlp"
    if family == "cnn" and dataset != "digits":
        if dataset == "library_text":
            notes_model.append("the runner has no text CNN: a GRU is the closest sequence model")
            family = "gru"
        else:
            notes_model.append(f"the small CNN reads 8x8 images only and {dataset} is tabular: using an MLP")
            family = "mlp"
    task = "regression" if dataset == "diabetes" else "classification"
    if family == "linear":
        notes_model.append("linear + cross-entropy = logistic regression" if task == "classification"
                           else "linear + squared error = linear regression")

    gap_id = gap.get("id")
    papers = [int(p) for p in (gap.get("evidence") or [])][:100]
    name = f"gap{gap_id}-{family}-{_slug(dataset)}" if gap_id is not None else f"{family}-{_slug(dataset)}"
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
          f"task = {_v(task)}", "",
          "[source]",
          "# the gap and its evidence papers: the run is recorded in the library and linked to both",
          f"gap_id = {_v(gap_id) if gap_id is not None else '0  # set the gap id'}",
          f"papers = {_v(papers)}",
          f"note = {_v(statement[:300])}", "",
          "[data]"]
    L += [f"# {n}" for n in notes_data]
    L.append(f"dataset = {_v(dataset)}")
    if dataset == "library_text":
        labels, why = _label_source(lib)
        L.append(f"# labels: {why}")
        L.append(f"labels = {_v(labels)}")
        if family in TEXT_FAMILIES:
            L.append("# input: raw title + abstract, vocabulary built on each training fold only")
            L.append('input = "text"')
        else:
            L.append("# input: the cached MiniLM abstract embeddings (run `gapscope embed` first); a linear/MLP "
                     "model cannot read raw tokens")
            L.append('input = "embeddings"')
        L += ["max_classes = 5", "min_per_class = 10"]
    L += ["", "[model]"]
    L += [f"# {n}" for n in notes_model]
    L.append(f"family = {_v(family)}")
    if family == "mlp":
        L += ["hidden = [128]", "dropout = 0.1"]
    elif family == "cnn":
        L += ["channels = [16, 32]", "dropout = 0.2"]
    elif family == "gru":
        L += ["embed_dim = 64", "hidden_size = 64", "dropout = 0.2"]
    elif family == "transformer":
        L += ["embed_dim = 64", "heads = 4", "layers = 2", "ff_dim = 128", "dropout = 0.1"]
    text = dataset == "library_text"
    L += ["", "[train]",
          "# a conservative default: Adam with a cosine schedule and early stopping on validation loss",
          f"epochs = {20 if text else 60}", f"batch_size = {32 if text else 64}",
          f"lr = {0.002 if text else 0.001}", 'schedule = "cosine"', f"early_stopping = {5 if text else 10}",
          "# CUDA only (ignored on the CPU, and the run says so)", "mixed_precision = false", "compile = false",
          "", "[eval]",
          "# k-fold CV over fixed seeds: a variant run with the same seeds and folds can be compared pairwise",
          'split = "kfold"', f"folds = {3 if text else 5}", "seeds = [0, 1, 2]",
          f"metrics = {_v(['accuracy', 'macro_f1'] if task == 'classification' else ['mae', 'rmse'])}",
          "", "[budget]", "max_minutes = 30.0", ""]
    return "\n".join(L)
