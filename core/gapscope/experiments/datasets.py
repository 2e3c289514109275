"""Datasets that work offline: scikit-learn's bundled sets, the user's CSV, and text classification
over the user's own library (labels from tags, primary categories or triage decisions).

A :class:`Dataset` holds the whole table; :func:`fold_arrays` prepares one fold, fitting every
statistic (standardisation, vocabulary) on the training part only.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

import numpy as np

from .spec import SpecError


class DatasetError(ValueError):
    """Data that cannot be used as the spec says; the message names the file, row or column."""


@dataclass
class Dataset:
    name: str
    task: str                       # classification | regression
    kind: str                       # tabular | image | embeddings | text
    X: Any                          # np.ndarray (n, d) float32, or list[str] for text
    y: np.ndarray                   # int64 class indices or float32 targets
    class_names: list[str] = field(default_factory=list)
    feature_names: list[str] = field(default_factory=list)
    image_shape: Optional[tuple[int, int, int]] = None
    paper_ids: Optional[np.ndarray] = None  # library_text: the paper of each row
    description: str = ""

    @property
    def n(self) -> int:
        return len(self.y)

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    def summary(self) -> dict[str, Any]:
        out = {"name": self.name, "task": self.task, "kind": self.kind, "rows": self.n,
               "description": self.description}
        if self.task == "classification":
            counts = np.bincount(self.y, minlength=self.n_classes)
            out["classes"] = {c: int(k) for c, k in zip(self.class_names, counts)}
        if self.kind != "text":
            out["features"] = int(self.X.shape[1])
        return out


_BUNDLED = {
    "iris": ("load_iris", "Fisher's iris flowers: 150 rows, 4 measurements, 3 species (scikit-learn bundled)"),
    "wine": ("load_wine", "UCI wine recognition: 178 rows, 13 chemical measurements, 3 cultivars (scikit-learn bundled)"),
    "breast_cancer": ("load_breast_cancer", "Wisconsin diagnostic breast cancer: 569 rows, 30 features of cell "
                      "nuclei, malignant vs benign (scikit-learn bundled)"),
    "digits": ("load_digits", "UCI handwritten digits: 1,797 8x8 grey images, 10 classes (scikit-learn bundled)"),
    "diabetes": ("load_diabetes", "Efron et al. diabetes progression: 442 patients, 10 baseline variables, "
                 "a continuous one-year progression score (scikit-learn bundled)"),
}


def load_dataset(spec, library_path: Optional[str] = None) -> Dataset:
    d = spec["data"]
    name = d["dataset"]
    if name in _BUNDLED:
        return _bundled(name)
    if name == "csv":
        path = Path(d["path"])
        if not path.is_absolute():
            path = spec.base_dir() / path
        return load_csv(path, d["target"], d["features"], spec.task)
    if name == "library_text":
        lib_path = d["library"] or library_path
        if not lib_path:
            raise SpecError("data.library: library_text needs a library: set data.library or pass --library")
        if d["library"] and not Path(d["library"]).is_absolute():
            lib_path = str(spec.base_dir() / d["library"])
        return load_library_text(lib_path, labels=d["labels"], input_kind=d["input"],
                                 collection=d["collection"], label_values=d["label_values"],
                                 max_classes=d["max_classes"], min_per_class=d["min_per_class"])
    raise SpecError(f"data.dataset: unknown dataset {name!r}")


def _bundled(name: str) -> Dataset:
    import sklearn.datasets as skd

    loader, desc = _BUNDLED[name]
    b = getattr(skd, loader)()
    X = np.asarray(b.data, dtype=np.float32)
    if name == "diabetes":
        return Dataset(name, "regression", "tabular", X, np.asarray(b.target, dtype=np.float32),
                       feature_names=list(b.feature_names), description=desc)
    classes = [str(c) for c in b.target_names]
    kind = "image" if name == "digits" else "tabular"
    return Dataset(name, "classification", kind, X, np.asarray(b.target, dtype=np.int64), class_names=classes,
                   feature_names=[str(f) for f in getattr(b, "feature_names", [])] or [f"x{i}" for i in range(X.shape[1])],
                   image_shape=(1, 8, 8) if name == "digits" else None, description=desc)


def _to_float(s: str) -> Optional[float]:
    try:
        v = float(s)
    except ValueError:
        return None
    return v if np.isfinite(v) else None


def _csv_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, Any]]]]:
    """The header and the (line, row) pairs of a CSV file; an unreadable file or a malformed row raises
    DatasetError naming the file and line (a row's line is where it ends: a quoted value may span lines)."""
    if not path.is_file():
        raise DatasetError(f"{path}: no such CSV file (data.path)")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise DatasetError(f"{path}: cannot read the CSV file (data.path): {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise DatasetError(f"{path}:{line}: not UTF-8 text (byte {raw[exc.start]:#04x}); save it as a UTF-8 "
                           "CSV file") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    rows: list[tuple[int, dict[str, Any]]] = []
    try:
        if not reader.fieldnames:
            raise DatasetError(f"{path}: empty file, no header row")
        cols = [c.strip() for c in reader.fieldnames]
        reader.fieldnames = cols
        for r in reader:
            if None in r or any(v is None for v in r.values()):
                n = sum(v is not None for k, v in r.items() if k is not None) + len(r.get(None) or [])
                raise DatasetError(f"{path}:{reader.line_num}: {n} fields, the header has {len(cols)} "
                                   "(a comma inside an unquoted value, or a missing one?)")
            rows.append((reader.line_num, r))
    except csv.Error as exc:
        raise DatasetError(f"{path}:{reader.line_num}: not a readable CSV row: {exc}") from None
    return cols, rows


def load_csv(path: Path, target: str, features: list[str], task: str = "auto") -> Dataset:
    """A tabular CSV: numeric feature columns and one target column. Errors name the file, line and column."""
    cols, numbered = _csv_rows(path)
    if target not in cols:
        raise DatasetError(f"{path}: no column {target!r} (data.target); columns: {', '.join(cols)}")
    if not numbered:
        raise DatasetError(f"{path}: no data rows")
    lines = [line for line, _r in numbered]
    rows = [r for _line, r in numbered]
    missing = [f for f in features if f not in cols]
    if missing:
        raise DatasetError(f"{path}: data.features names columns that are not there: {', '.join(missing)}")
    if not features:
        features = [c for c in cols if c != target and all(_to_float(r[c] or "") is not None for r in rows[:200])]
        if not features:
            raise DatasetError(f"{path}: no numeric feature column besides {target!r}; list data.features")
    X = np.empty((len(rows), len(features)), dtype=np.float32)
    for i, r in enumerate(rows):
        for j, c in enumerate(features):
            v = _to_float((r[c] or "").strip())
            if v is None:
                raise DatasetError(f"{path}:{lines[i]}: column {c!r} is not a number: {r[c]!r} "
                                   "(fill or drop the row, or leave the column out of data.features)")
            X[i, j] = v
    raw_y = [(r[target] or "").strip() for r in rows]
    for i, v in enumerate(raw_y):
        if v == "":
            raise DatasetError(f"{path}:{lines[i]}: empty target {target!r}")
    numeric = all(_to_float(v) is not None for v in raw_y)
    if task == "auto":
        # a numeric target with few distinct integer values is a class label; anything else is regression
        ints = numeric and all(float(v).is_integer() for v in raw_y)
        task = "classification" if (not numeric or (ints and len(set(raw_y)) <= 20)) else "regression"
    if task == "regression":
        if not numeric:
            bad = next(i for i, v in enumerate(raw_y) if _to_float(v) is None)
            raise DatasetError(f"{path}:{lines[bad]}: regression target {target!r} is not a number: {raw_y[bad]!r}")
        y = np.asarray([float(v) for v in raw_y], dtype=np.float32)
        return Dataset(path.stem, "regression", "tabular", X, y, feature_names=features,
                       description=f"user CSV {path.name}: {len(rows)} rows, target {target!r}")
    classes = sorted(set(raw_y), key=lambda v: (float(v) if numeric else 0.0, v))
    index = {c: k for k, c in enumerate(classes)}
    y = np.asarray([index[v] for v in raw_y], dtype=np.int64)
    if len(classes) < 2:
        raise DatasetError(f"{path}: target {target!r} has a single class {classes[0]!r}")
    return Dataset(path.stem, "classification", "tabular", X, y, class_names=classes, feature_names=features,
                   description=f"user CSV {path.name}: {len(rows)} rows, target {target!r}, {len(classes)} classes")


# --- the user's library -----------------------------------------------------------------------------

def _library_labels(lib, labels: str, collection: Optional[str]) -> dict[int, str]:
    """paper id -> label (one per paper; papers with several candidate labels are resolved later)."""
    out: dict[int, list[str]] = {}
    for pid, lab in lib.paper_label_rows(labels, collection):
        out.setdefault(pid, []).append(lab)
    return out  # type: ignore[return-value]


def load_library_text(lib_path: str, *, labels: str = "tags", input_kind: str = "text",
                      collection: Optional[str] = None, label_values: list[str] | None = None,
                      max_classes: int = 5, min_per_class: int = 10) -> Dataset:
    from ..store import Library

    if not Path(lib_path).exists():
        raise DatasetError(f"{lib_path}: no library there (data.library / --library)")
    lib = Library(lib_path, create=False)
    try:
        cand = _library_labels(lib, labels, collection)
        counts = Counter(l for ls in cand.values() for l in set(ls))
        if label_values:
            keep = [v for v in label_values if counts.get(v, 0) > 0]
            unknown = [v for v in label_values if v not in counts]
            if unknown:
                raise DatasetError(f"data.label_values: no paper labelled {', '.join(map(repr, unknown))} "
                                   f"by {labels}")
        else:
            keep = [l for l, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_per_class]
            keep = keep[:max_classes]
        keep_set = set(keep)
        # a paper with two of the kept labels is ambiguous for single-label classification: left out
        rows = {pid: [l for l in set(ls) if l in keep_set] for pid, ls in cand.items()}
        rows = {pid: ls[0] for pid, ls in rows.items() if len(ls) == 1}
        per = Counter(rows.values())
        keep = [l for l in keep if per.get(l, 0) >= min(min_per_class, 2 if label_values else min_per_class)]
        if len(keep) < 2:
            raise DatasetError(
                f"library {lib_path}: fewer than 2 {labels} labels with at least {min_per_class} papers each "
                f"(found {dict(counts.most_common(6))}); tag more papers or lower data.min_per_class")
        pids = np.asarray(sorted(pid for pid, l in rows.items() if l in keep), dtype=np.int64)
        classes = sorted(keep)
        index = {c: k for k, c in enumerate(classes)}
        y = np.asarray([index[rows[int(p)]] for p in pids], dtype=np.int64)
        desc = (f"papers of library {Path(lib_path).name}"
                + (f" (collection {collection!r})" if collection else "")
                + f", labelled by {labels}: {', '.join(f'{c} ({per[c]})' for c in classes)}")
        if input_kind == "embeddings":
            try:
                from ..embed import load_vectors
            except ImportError as exc:
                raise DatasetError("data.input = \"embeddings\" needs gapscope.embed (not installed in this "
                                   f"build): {exc}") from None
            ids, vecs = load_vectors(lib, "abstract", paper_ids=[int(p) for p in pids])
            pos = {int(i): k for k, i in enumerate(ids)}
            have = np.asarray([int(p) in pos for p in pids])
            if not have.all():
                missing = int((~have).sum())
                if have.sum() < 2 * len(classes):
                    raise DatasetError(f"{missing} of {len(pids)} labelled papers have no cached abstract embedding: "
                                       "run `gapscope embed` first")
                pids, y = pids[have], y[have]
            X = np.stack([vecs[pos[int(p)]] for p in pids]).astype(np.float32)
            return Dataset("library_text", "classification", "embeddings", X, y, class_names=classes,
                           feature_names=[f"e{i}" for i in range(X.shape[1])], paper_ids=pids,
                           description=desc + "; inputs: cached abstract embeddings")
        papers = {p.id: p for p in lib.get_papers([int(p) for p in pids])}
        texts = [f"{papers[int(p)].title}. {papers[int(p)].abstract}" for p in pids]
        return Dataset("library_text", "classification", "text", texts, y, class_names=classes, paper_ids=pids,
                       description=desc + "; inputs: title and abstract text")
    finally:
        lib.close()


# --- one fold ----------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


def tokenize(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


class Vocabulary:
    PAD, UNK = 0, 1

    def __init__(self, texts: list[str], min_freq: int = 2, max_size: int = 20000) -> None:
        counts = Counter(t for s in texts for t in tokenize(s))
        words = [w for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= min_freq]
        self.itos = ["<pad>", "<unk>"] + words[: max_size - 2]
        self.stoi = {w: i for i, w in enumerate(self.itos)}

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, texts: list[str], max_len: int) -> np.ndarray:
        out = np.zeros((len(texts), max_len), dtype=np.int64)
        for i, s in enumerate(texts):
            ids = [self.stoi.get(t, self.UNK) for t in tokenize(s)[:max_len]] or [self.UNK]
            out[i, :len(ids)] = ids
        return out


@dataclass
class FoldArrays:
    X_train: np.ndarray
    y_train: np.ndarray
    X_val: np.ndarray
    y_val: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    input_dim: int                 # features, or vocabulary size for text
    target_mean: float = 0.0       # regression: targets are standardised on the training part
    target_std: float = 1.0


def fold_arrays(ds: Dataset, train_idx: np.ndarray, val_idx: np.ndarray, test_idx: np.ndarray,
                data_spec: dict[str, Any]) -> FoldArrays:
    y = ds.y
    if ds.kind == "text":
        texts = ds.X
        vocab = Vocabulary([texts[i] for i in train_idx], data_spec["min_freq"], data_spec["max_vocab"])
        enc = lambda idx: vocab.encode([texts[i] for i in idx], data_spec["max_len"])  # noqa: E731
        Xtr, Xva, Xte = enc(train_idx), enc(val_idx), enc(test_idx)
        dim = len(vocab)
    else:
        X = ds.X
        Xtr, Xva, Xte = X[train_idx], X[val_idx], X[test_idx]
        if data_spec["standardize"]:
            mu = Xtr.mean(axis=0)
            sd = Xtr.std(axis=0)
            sd[sd < 1e-8] = 1.0
            Xtr, Xva, Xte = ((a - mu) / sd for a in (Xtr, Xva, Xte))
        Xtr, Xva, Xte = (np.ascontiguousarray(a, dtype=np.float32) for a in (Xtr, Xva, Xte))
        dim = X.shape[1]
    ytr, yva, yte = y[train_idx], y[val_idx], y[test_idx]
    mean, std = 0.0, 1.0
    if ds.task == "regression":
        mean, std = float(ytr.mean()), float(ytr.std() or 1.0)
    return FoldArrays(Xtr, ytr, Xva, yva, Xte, yte, dim, mean, std)


def check_folds(ds: Dataset, eval_spec: dict[str, Any]) -> None:
    """Raise DatasetError when k-fold cannot split the data: a class with fewer rows than folds."""
    if ds.task == "classification" and eval_spec["split"] == "kfold":
        smallest = int(np.bincount(ds.y).min())
        if smallest < eval_spec["folds"]:
            raise DatasetError(f"eval.folds = {eval_spec['folds']} but the smallest class has {smallest} rows")


def check_splits(ds: Dataset, eval_spec: dict[str, Any], val_fraction: float) -> None:
    """Raise DatasetError when the runner could not split the data as the spec asks, for any of its seeds:
    k-fold (check_folds), the holdout split or a fold's validation part (too few rows, or a class too small
    for a stratified split). The splits are index arrays, cheap to make: each seed's are made here once."""
    check_folds(ds, eval_spec)
    for seed in eval_spec["seeds"]:
        try:
            fold_indices(ds, eval_spec, val_fraction, seed)
        except DatasetError:
            raise
        except ValueError as exc:       # scikit-learn's splitters on data too small for them
            split = (f"eval.folds = {eval_spec['folds']}" if eval_spec["split"] == "kfold"
                     else f"eval.test_fraction = {eval_spec['test_fraction']}")
            raise DatasetError(f"{ds.n} rows cannot be split as the spec asks ({split}, train.val_fraction = "
                               f"{val_fraction}): {exc}; give more rows, fewer folds or another val_fraction") from None


def fold_indices(ds: Dataset, eval_spec: dict[str, Any], val_fraction: float, seed: int
                 ) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(train, val, test) index arrays for each fold; fixed by the seed (stratified for classes)."""
    from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

    n = ds.n
    idx = np.arange(n)
    strat = ds.y if ds.task == "classification" else None
    check_folds(ds, eval_spec)
    if eval_spec["split"] == "kfold":
        splitter = (StratifiedKFold if strat is not None else KFold)(
            n_splits=eval_spec["folds"], shuffle=True, random_state=seed)
        pairs = list(splitter.split(idx, strat if strat is not None else None))
    else:
        tr, te = train_test_split(idx, test_size=eval_spec["test_fraction"], random_state=seed, stratify=strat)
        pairs = [(np.sort(tr), np.sort(te))]
    out = []
    for tr, te in pairs:
        if val_fraction > 0:
            s = ds.y[tr] if strat is not None else None
            tr2, va = train_test_split(tr, test_size=val_fraction, random_state=seed, stratify=s)
            out.append((np.sort(tr2), np.sort(va), te))
        else:
            out.append((tr, tr[:0], te))
    return out
