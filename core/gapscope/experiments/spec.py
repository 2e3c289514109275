"""Experiment specs: a TOML file the user edits and keeps in git.

``load_spec(path, overrides)`` reads, fills defaults and validates; every error names the key
(``train.lr: must be a number > 0, got 'abc'``). ``Spec.data`` is a plain nested dict with every
section filled, so the runner never guesses a default.
"""

from __future__ import annotations

import copy
import math
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Optional

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DATASETS = ("iris", "wine", "breast_cancer", "digits", "diabetes", "csv", "library_text")
BUNDLED_TASK = {"iris": "classification", "wine": "classification", "breast_cancer": "classification",
                "digits": "classification", "diabetes": "regression"}
FAMILIES = ("linear", "mlp", "cnn", "gru", "transformer")
TEXT_FAMILIES = ("gru", "transformer")
CLASSIFICATION_METRICS = ("accuracy", "macro_f1")
REGRESSION_METRICS = ("mae", "rmse")
# the metric that picks the best epoch when `train.monitor` is "auto": validation loss
SPLITS = ("kfold", "holdout")


class SpecError(ValueError):
    """A spec that cannot run; the message names the file and the key."""


DEFAULTS: dict[str, Any] = {
    "name": None,
    "description": "",
    "task": "auto",  # classification | regression | auto (from the dataset)
    # drafted_dataset / drafted_dataset_reason: what a drafted spec proposed for the data ("placeholder" when
    # nothing fitted) and why, kept apart from [data] so that the run's link to its gap can say when the data
    # it ran on are not those (experiments/run_links.py)
    "source": {"gap_id": None, "papers": [], "note": "", "drafted_dataset": "", "drafted_dataset_reason": ""},
    "data": {
        "dataset": None,
        "standardize": True,   # z-score features, fitted on the training part of each fold only
        "path": None,          # csv
        "target": None,        # csv
        "features": [],        # csv: empty = every numeric column but the target
        "labels": "tags",      # library_text: tags | category | triage
        "label_values": [],    # library_text: keep only these labels (empty = the most frequent)
        "max_classes": 5,
        "min_per_class": 10,
        "input": "text",       # library_text: text | embeddings
        "collection": None,    # library_text: only papers in this collection
        "max_len": 200,        # text: tokens kept per paper
        "min_freq": 2,         # text: a word enters the vocabulary after this many training-fold uses
        "max_vocab": 20000,
        "library": None,       # library_text: library file (default: the CLI's --library)
        "placeholder": "",     # why the data set is still to be chosen (a drafted spec); a run refuses it
    },
    "model": {
        "family": None,
        "hidden": [128],       # mlp: widths of the hidden layers
        "dropout": 0.0,
        "channels": [16, 32],  # cnn
        "embed_dim": 64,       # gru / transformer
        "hidden_size": 64,     # gru
        "layers": 1,           # gru / transformer
        "heads": 4,            # transformer
        "ff_dim": 128,         # transformer
    },
    "train": {
        "epochs": 50,
        "batch_size": 64,
        "optimizer": "adam",   # adam | adamw | sgd
        "lr": 1e-3,
        "weight_decay": 0.0,
        "momentum": 0.9,       # sgd
        "schedule": "cosine",  # none | cosine | step
        "step_size": 10,       # step schedule: epochs between decays
        "gamma": 0.5,
        "warmup_epochs": 0,
        "grad_accum": 1,       # batches per optimiser step
        "max_grad_norm": 0.0,  # 0 = no clipping
        "early_stopping": 10,  # patience in epochs on validation loss; 0 = off
        "val_fraction": 0.1,   # of the training part, held out for early stopping
        "device": "auto",      # auto | cpu | cuda
        "mixed_precision": False,  # CUDA only: bf16/fp16 autocast
        "compile": False,      # CUDA only: torch.compile
        "deterministic": True,
        "threads": 1,          # CPU threads; fixed so that results do not depend on the machine's load
        "divergence_factor": 1e3,  # stop when the training loss exceeds this times its first value
        "checkpoint_minutes": 1.0,  # a resume checkpoint at the first epoch end after this long (0 = every epoch)
    },
    "eval": {
        "split": "kfold",
        "folds": 5,
        "test_fraction": 0.2,  # holdout
        "seeds": [0],
        "metrics": [],          # empty = the task's defaults
        "placeholder": "",      # why the protocol or metric is still to be chosen (a drafted spec); a run refuses it
    },
    "budget": {
        "max_minutes": 0.0,     # 0 = no limit; when reached, each remaining fold stops after its current epoch
    },
}


@dataclass
class Spec:
    data: dict[str, Any]
    path: Optional[Path] = None
    text: str = ""
    warnings: list[str] = field(default_factory=list)
    base: Optional[Path] = None   # where relative data paths are read from, when not the spec's own folder

    def __getitem__(self, key: str) -> Any:
        return self.data[key]

    @property
    def name(self) -> str:
        return self.data["name"]

    @property
    def task(self) -> str:
        return self.data["task"]

    def base_dir(self) -> Path:
        """The folder a relative ``data.path`` / ``data.library`` is read from: the spec file's (on a resume,
        the folder of the file the run started from, not the run folder holding its copy)."""
        if self.base is not None:
            return self.base
        return self.path.parent if self.path else Path.cwd()

    def to_toml(self) -> str:
        import tomli_w

        return tomli_w.dumps(_drop_none(self.data))

    def to_dict(self) -> dict[str, Any]:
        return copy.deepcopy(self.data)


def _drop_none(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _drop_none(v) for k, v in obj.items() if v is not None}
    return obj


def parse_override(item: str) -> tuple[list[str], Any]:
    """``train.epochs=2`` -> (["train", "epochs"], 2). The value is read as TOML, else as a string."""
    if "=" not in item:
        raise SpecError(f"--set {item!r}: expected KEY=VALUE, e.g. train.epochs=2")
    key, raw = item.split("=", 1)
    keys = [k for k in key.strip().split(".") if k]
    if not keys:
        raise SpecError(f"--set {item!r}: empty key")
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return keys, value


def apply_overrides(raw: dict[str, Any], overrides: Iterable[str]) -> dict[str, Any]:
    raw = copy.deepcopy(raw)
    for item in overrides:
        keys, value = parse_override(item)
        node = raw
        for k in keys[:-1]:
            node = node.setdefault(k, {})
            if not isinstance(node, dict):
                raise SpecError(f"--set {item!r}: {k} is not a table")
        node[keys[-1]] = value
    return raw


def load_spec(path: str | Path, overrides: Iterable[str] = ()) -> Spec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SpecError(f"{path}: no such spec file") from None
    except OSError as exc:
        raise SpecError(f"{path}: cannot read: {exc}") from None
    return spec_from_text(text, path=path, overrides=overrides)


def spec_from_text(text: str, path: Optional[Path] = None, overrides: Iterable[str] = ()) -> Spec:
    where = str(path) if path else "<spec>"
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SpecError(f"{where}: not valid TOML: {exc}{_other_format_hint(text, path)}") from None
    raw = apply_overrides(raw, overrides)
    data, warnings = validate(raw, where)
    if data["name"] is None:
        data["name"] = path.stem if path else "experiment"
    return Spec(data=data, path=Path(path).resolve() if path else None, text=text, warnings=warnings)


def linked_gap_id(value: Any) -> Optional[int]:
    """``value`` as the id of a gap, None where it names none: not an integer, or 0, the placeholder a spec
    drafted from a gap with no id holds (`gap_id = 0  # set the gap id`): gap ids start at 1."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def spec_gap_id(text: str) -> Optional[int]:
    """The gap a spec's text says it tests (``[source] gap_id``), None when it names none or cannot be read:
    what the run will record, so what the editor shows as the spec's gap."""
    try:
        source = tomllib.loads(text).get("source")
    except tomllib.TOMLDecodeError:
        return None
    return linked_gap_id(source.get("gap_id") if isinstance(source, dict) else None)


def _other_format_hint(text: str, path: Optional[Path]) -> str:
    """What to say when a spec that is not TOML looks like JSON or YAML (by its name or its first line)."""
    first = next((line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")), "")
    suffix = Path(path).suffix.lower() if path else ""
    if suffix == ".json" or first.startswith("{"):
        other = "JSON"
    elif suffix in (".yaml", ".yml") or re.match(r"[A-Za-z_][\w-]*:(\s|$)", first):
        other = "YAML"
    else:
        return ""
    return (f"; a spec is TOML, not {other}: `key = value` lines under `[section]` headers, as "
            "`gapscope runs draft` writes them")


def spec_from_dict(raw: dict[str, Any], path: Optional[Path] = None) -> Spec:
    data, warnings = validate(raw, str(path) if path else "<spec>")
    if data["name"] is None:
        data["name"] = path.stem if path else "experiment"
    return Spec(data=data, path=path, warnings=warnings)


# --- validation ----------------------------------------------------------------------------------

def _err(where: str, key: str, msg: str) -> SpecError:
    return SpecError(f"{where}: {key}: {msg}")


def _merge(defaults: dict, raw: dict, where: str, prefix: str = "") -> dict:
    out = copy.deepcopy(defaults)
    for k, v in raw.items():
        key = f"{prefix}{k}"
        if k not in defaults:
            import difflib

            close = difflib.get_close_matches(k.replace("-", "_"), list(defaults), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known keys: {', '.join(sorted(defaults))}"
            raise _err(where, key, f"unknown key{hint}")
        if isinstance(defaults[k], dict):
            if not isinstance(v, dict):
                raise _err(where, key, f"must be a table ([{key}]), got {v!r}")
            out[k] = _merge(defaults[k], v, where, prefix=f"{key}.")
        else:
            out[k] = v
    return out


def _number(where, key, v, *, lo=None, hi=None, integer=False, lo_open=False):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or (integer and not isinstance(v, int)):
        kind = "an integer" if integer else "a number"
        raise _err(where, key, f"must be {kind}, got {v!r}")
    if not math.isfinite(v):
        raise _err(where, key, f"must be a finite number, got {v!r}")
    if lo is not None and (v <= lo if lo_open else v < lo):
        raise _err(where, key, f"must be {'>' if lo_open else '>='} {lo}, got {v!r}")
    if hi is not None and v > hi:
        raise _err(where, key, f"must be <= {hi}, got {v!r}")
    return v


def _choice(where, key, v, choices):
    if v not in choices:
        raise _err(where, key, f"must be one of {', '.join(map(str, choices))}, got {v!r}")
    return v


def _bool(where, key, v):
    if not isinstance(v, bool):
        raise _err(where, key, f"must be true or false, got {v!r}")
    return v


def _int_list(where, key, v, lo=None, nonempty=True):
    if not isinstance(v, list) or (nonempty and not v):
        raise _err(where, key, f"must be a {'non-empty ' if nonempty else ''}list of integers, got {v!r}")
    for i, x in enumerate(v):
        _number(where, f"{key}[{i}]", x, integer=True, lo=lo)
    return v


def _check_header(d: dict[str, Any], where: str) -> None:
    """Check name and description."""
    if d["name"] is not None:
        if not isinstance(d["name"], str) or not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}", d["name"]):
            raise _err(where, "name", f"letters, digits, '-', '_' or '.', at most 64, got {d['name']!r}")
    if not isinstance(d["description"], str):
        raise _err(where, "description", "must be a string")


def _check_source(d: dict[str, Any], where: str) -> None:
    """Check the gap and papers the run came from."""
    src = d["source"]
    if src["gap_id"] is not None:
        _number(where, "source.gap_id", src["gap_id"], integer=True, lo=0)
    _int_list(where, "source.papers", src["papers"], lo=0, nonempty=False)
    for key in ("drafted_dataset", "drafted_dataset_reason"):
        if not isinstance(src[key], str):
            raise _err(where, f"source.{key}", f"must be a string, got {src[key]!r}")


def _check_data(d: dict[str, Any], where: str) -> None:
    """Check the dataset and how it is read."""
    data = d["data"]
    if data["dataset"] is None:
        raise _err(where, "data.dataset", f"missing: say which data to use ({', '.join(DATASETS)})")
    ds = _choice(where, "data.dataset", data["dataset"], DATASETS)
    _bool(where, "data.standardize", data["standardize"])
    if ds == "csv":
        if not data["path"] or not isinstance(data["path"], str):
            raise _err(where, "data.path", "a CSV dataset needs the file path (relative to the spec)")
        if not data["target"] or not isinstance(data["target"], str):
            raise _err(where, "data.target", "a CSV dataset needs the name of the target column")
    if not isinstance(data["placeholder"], str):
        raise _err(where, "data.placeholder", "must be a string (the reason the data set is still to be chosen)")
    if not isinstance(data["features"], list) or not all(isinstance(x, str) for x in data["features"]):
        raise _err(where, "data.features", "must be a list of column names")
    if ds == "library_text":
        _choice(where, "data.labels", data["labels"], ("tags", "category", "triage"))
        _choice(where, "data.input", data["input"], ("text", "embeddings"))
        if not isinstance(data["label_values"], list) or not all(isinstance(x, str) for x in data["label_values"]):
            raise _err(where, "data.label_values", "must be a list of label names")
    for k, lo in (("max_classes", 2), ("min_per_class", 2), ("max_len", 4), ("min_freq", 1), ("max_vocab", 10)):
        _number(where, f"data.{k}", data[k], integer=True, lo=lo)


def _check_task(d: dict[str, Any], where: str) -> None:
    """Check classification or regression, settled from the dataset where it can be."""
    ds = d["data"]["dataset"]
    task = d["task"]
    _choice(where, "task", task, ("auto", "classification", "regression"))
    if ds in BUNDLED_TASK:
        if task != "auto" and task != BUNDLED_TASK[ds]:
            raise _err(where, "task", f"{ds} is a {BUNDLED_TASK[ds]} dataset, got {task!r}")
        d["task"] = BUNDLED_TASK[ds]
    elif ds == "library_text":
        if task == "regression":
            raise _err(where, "task", "library_text is a classification dataset")
        d["task"] = "classification"
    elif task == "auto":
        d["task"] = "auto"  # csv: decided from the target column when the data is read


def _check_model(d: dict[str, Any], where: str) -> None:
    """Check the model family and its sizes, which must suit the data."""
    ds = d["data"]["dataset"]
    data = d["data"]
    m = d["model"]
    if m["family"] is None:
        raise _err(where, "model.family", f"missing: one of {', '.join(FAMILIES)}")
    fam = _choice(where, "model.family", m["family"], FAMILIES)
    if fam == "cnn" and ds != "digits":
        raise _err(where, "model.family", "the small CNN reads 8x8 images: use it with data.dataset = \"digits\"")
    if fam in TEXT_FAMILIES and not (ds == "library_text" and data["input"] == "text"):
        raise _err(where, "model.family", f"{fam} reads token sequences: use data.dataset = \"library_text\" "
                                          "with data.input = \"text\"")
    if ds == "library_text" and data["input"] == "text" and fam not in TEXT_FAMILIES:
        raise _err(where, "model.family", "raw text needs a sequence model (gru or transformer); "
                                          "for linear/mlp set data.input = \"embeddings\"")
    _int_list(where, "model.hidden", m["hidden"], lo=1, nonempty=False)
    _int_list(where, "model.channels", m["channels"], lo=1)
    _number(where, "model.dropout", m["dropout"], lo=0.0, hi=0.95)
    for k in ("embed_dim", "hidden_size", "layers", "heads", "ff_dim"):
        _number(where, f"model.{k}", m[k], integer=True, lo=1)
    if fam == "transformer" and m["embed_dim"] % m["heads"]:
        raise _err(where, "model.heads", f"embed_dim ({m['embed_dim']}) must be divisible by heads ({m['heads']})")


def _check_train(d: dict[str, Any], where: str) -> None:
    """Check the optimiser, schedule and safeguards."""
    t = d["train"]
    _number(where, "train.epochs", t["epochs"], integer=True, lo=1)
    _number(where, "train.batch_size", t["batch_size"], integer=True, lo=1)
    _choice(where, "train.optimizer", t["optimizer"], ("adam", "adamw", "sgd"))
    # A huge rate diverges and is caught (Diverged); one past float32's range (1e300) made the optimiser
    # step itself overflow, with a raw traceback. 1e9 is far past any useful rate and far inside the range.
    _number(where, "train.lr", t["lr"], lo=0.0, lo_open=True, hi=1e9)
    _number(where, "train.weight_decay", t["weight_decay"], lo=0.0)
    _number(where, "train.momentum", t["momentum"], lo=0.0, hi=1.0)
    _choice(where, "train.schedule", t["schedule"], ("none", "cosine", "step"))
    _number(where, "train.step_size", t["step_size"], integer=True, lo=1)
    _number(where, "train.gamma", t["gamma"], lo=0.0, hi=1.0, lo_open=True)
    _number(where, "train.warmup_epochs", t["warmup_epochs"], integer=True, lo=0)
    _number(where, "train.grad_accum", t["grad_accum"], integer=True, lo=1)
    _number(where, "train.max_grad_norm", t["max_grad_norm"], lo=0.0)
    _number(where, "train.early_stopping", t["early_stopping"], integer=True, lo=0)
    _number(where, "train.val_fraction", t["val_fraction"], lo=0.0, hi=0.5)
    _choice(where, "train.device", t["device"], ("auto", "cpu", "cuda"))
    for k in ("mixed_precision", "compile", "deterministic"):
        _bool(where, f"train.{k}", t[k])
    _number(where, "train.threads", t["threads"], integer=True, lo=0)
    _number(where, "train.divergence_factor", t["divergence_factor"], lo=1.0, lo_open=True)
    _number(where, "train.checkpoint_minutes", t["checkpoint_minutes"], lo=0.0)
    if t["early_stopping"] and t["val_fraction"] == 0:
        raise _err(where, "train.early_stopping", "needs a validation part: set train.val_fraction > 0 "
                                                  "or train.early_stopping = 0")


def _check_eval(d: dict[str, Any], where: str) -> None:
    """Check the split, seeds and metrics."""
    e = d["eval"]
    _choice(where, "eval.split", e["split"], SPLITS)
    _number(where, "eval.folds", e["folds"], integer=True, lo=2, hi=50)
    _number(where, "eval.test_fraction", e["test_fraction"], lo=0.05, hi=0.9)
    _int_list(where, "eval.seeds", e["seeds"], lo=0)
    if len(set(e["seeds"])) != len(e["seeds"]):
        raise _err(where, "eval.seeds", f"repeated seed in {e['seeds']}")
    if not isinstance(e["placeholder"], str):
        raise _err(where, "eval.placeholder", "must be a string (the reason the protocol is still to be chosen)")
    if not isinstance(e["metrics"], list):
        raise _err(where, "eval.metrics", "must be a list of metric names")
    allowed = {"classification": CLASSIFICATION_METRICS, "regression": REGRESSION_METRICS,
               "auto": CLASSIFICATION_METRICS + REGRESSION_METRICS}[d["task"]]
    for i, name in enumerate(e["metrics"]):
        _choice(where, f"eval.metrics[{i}]", name, allowed)


def _check_budget(d: dict[str, Any], where: str) -> None:
    """Check the time budget."""
    _number(where, "budget.max_minutes", d["budget"]["max_minutes"], lo=0.0)


def validate(raw: dict[str, Any], where: str = "<spec>") -> tuple[dict[str, Any], list[str]]:
    """Fill defaults and check every key; returns (spec data, warnings)."""
    d = _merge(DEFAULTS, raw, where)
    warnings: list[str] = []
    for check in (_check_header, _check_source, _check_data, _check_task,
                  _check_model, _check_train, _check_eval, _check_budget):
        check(d, where)
    return d, warnings


FILL_IN = "FILL-IN"   # how a drafted spec marks a value the user must write (data.path, data.target)


def unfilled_data(spec: Spec) -> Optional[str]:
    """Why ``spec`` cannot run yet, in plain words, when its data set or evaluation is still the drafted
    placeholder (``data.placeholder`` or ``eval.placeholder`` set, or a CSV's ``data.path`` / ``data.target``
    still FILL-IN); else None. The desktop's Launch and `gapscope run` both ask this before they start anything."""
    why = _unfilled_data_set(spec)
    evaluation = spec["eval"].get("placeholder")
    if evaluation:
        tail = (f"he evaluation is still a placeholder (\u201c{evaluation}\u201d). In [eval], set the split and "
                "metrics that measure the problem; then delete its placeholder line.")
        return f"{why} T{tail}" if why else f"Not started: t{tail}"
    return why


def _unfilled_data_set(spec: Spec) -> Optional[str]:
    data = spec["data"]
    # FILL-IN path and target left from the draft mean nothing once dataset names a bundled set
    todo = [k for k in ("path", "target")
            if data["dataset"] == "csv" and isinstance(data.get(k), str) and data[k].startswith(FILL_IN)]
    what = ("In [data], set path to your CSV file (absolute, or relative to the spec file) and target to the "
            "column to predict, or set dataset to a bundled one")
    if data.get("placeholder"):
        return (f"Not started: the data set is still a placeholder (\u201c{data['placeholder']}\u201d). "
                f"{what}; then delete the placeholder line.")
    if todo:
        return f"Not started: [data] {' and '.join(todo)} still say {FILL_IN}. {what}."
    return None


def check_runnable(spec: Spec) -> None:
    """Raise SpecError (naming the spec file) when the spec's data set is still to be filled in."""
    why = unfilled_data(spec)
    if why:
        raise SpecError(f"{spec.path or '<spec>'}: {why}")


def cuda_only_notes(spec_data: dict[str, Any], device: str) -> list[str]:
    """Why CUDA-only options are ignored on this device (said in the start event and env.json)."""
    notes = []
    t = spec_data["train"]
    if device != "cuda":
        if t["mixed_precision"]:
            notes.append("train.mixed_precision ignored: mixed precision applies on CUDA only; "
                         "this run uses float32 on the CPU")
        if t["compile"]:
            notes.append("train.compile ignored: torch.compile is used on CUDA only (on the CPU its "
                         "compile time exceeds the gain for these small models)")
    return notes


def spec_json(spec: Spec) -> str:
    return json.dumps(spec.data, sort_keys=True)
