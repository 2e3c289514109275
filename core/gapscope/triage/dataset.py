"""Read a labelled screening CSV (title, abstract, label_included) for simulation."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..sources.markup import markup_to_text


class DatasetError(Exception):
    """A screening file that cannot be used: missing columns or bad labels (names file and line)."""


@dataclass
class LabelledSet:
    path: Path
    titles: list[str]
    abstracts: list[str]
    labels: np.ndarray  # int8, 1 = included

    @property
    def texts(self) -> list[str]:
        # The same text the library embeds for a paper: title + ". " + abstract.
        return [f"{t}. {a}" if a else t for t, a in zip(self.titles, self.abstracts)]

    @property
    def no_text(self) -> np.ndarray:
        """Records with neither title nor abstract (nothing for a model to judge)."""
        return np.array([not (t.strip() or a.strip()) for t, a in zip(self.titles, self.abstracts)])

    def __len__(self) -> int:
        return len(self.titles)


_LABEL_COLUMNS = ("label_included", "included", "label_abstract_screening", "label")


def read_labelled_csv(path: str | Path) -> LabelledSet:
    path = Path(path)
    if not path.is_file():
        raise DatasetError(f"{path}: no such file")
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        fields = [f.strip().lower() for f in (reader.fieldnames or [])]
        if "title" not in fields:
            raise DatasetError(f"{path}: no 'title' column (columns: {', '.join(fields) or 'none'})")
        label_col = next((c for c in _LABEL_COLUMNS if c in fields), None)
        if label_col is None:
            raise DatasetError(f"{path}: no label column (one of {', '.join(_LABEL_COLUMNS)})")
        titles, abstracts, labels = [], [], []
        for row in reader:
            row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
            raw = row.get(label_col, "").strip()
            if raw not in ("0", "1", "0.0", "1.0", "true", "false", "True", "False"):
                raise DatasetError(f"{path}:{reader.line_num}: label {raw!r} in {label_col!r} is not 0 or 1")
            # the text an import of the file gives the library (without its database's HTML)
            titles.append(markup_to_text(row.get("title", "").strip()))
            abstracts.append(markup_to_text(row.get("abstract", "").strip()))
            labels.append(1 if raw in ("1", "1.0", "true", "True") else 0)
    y = np.asarray(labels, dtype=np.int8)
    if y.sum() == 0 or y.sum() == len(y):
        raise DatasetError(f"{path}: needs both included and excluded records ({int(y.sum())} of {len(y)} included)")
    return LabelledSet(path, titles, abstracts, y)
