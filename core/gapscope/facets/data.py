"""Readers for the two training/eval formats: CSAbstruct JSON lines and the limitation-sentence TSV."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from ..textfmt import plural
from ..vocabulary import SENTENCE_ROLES as CSABSTRUCT_LABELS  # CSAbstruct labels its sentences with the roles


class DataError(ValueError):
    """A file that is not in the expected format; the message names the file and line."""


@dataclass
class LabelledAbstract:
    key: str                           # file:line (CSAbstruct's abstract_id is 0 on every line)
    text: str                          # the sentences joined by one space
    spans: list[tuple[int, int]]
    labels: list[str]


def join_sentences(sentences: list[str]) -> tuple[str, list[tuple[int, int]]]:
    parts, spans, pos = [], [], 0
    for s in sentences:
        s = " ".join(s.split())
        spans.append((pos, pos + len(s)))
        parts.append(s)
        pos += len(s) + 1
    return " ".join(parts), spans


def read_csabstruct(path: str | Path) -> list[LabelledAbstract]:
    path = Path(path)
    out = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                sents, labels = rec["sentences"], rec["labels"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise DataError(f"{path}:{n}: not a CSAbstruct record ({exc})") from exc
            if len(sents) != len(labels):
                raise DataError(f"{path}:{n}: {len(sents)} sentences but {len(labels)} labels")
            bad = [lab for lab in labels if lab not in CSABSTRUCT_LABELS]
            if bad:
                raise DataError(f"{path}:{n}: unknown label {bad[0]!r} (expected {', '.join(CSABSTRUCT_LABELS)})")
            text, spans = join_sentences(sents)
            out.append(LabelledAbstract(f"{path.name}:{n}", text, spans, list(labels)))
    if not out:
        raise DataError(f"{path}: no records")
    return out


@dataclass
class LimitationSentence:
    key: str                           # file:line
    article: str
    text: str
    positive: bool


def heldout_article(article: str) -> bool:
    """The fixed held-out part of the limitation file: articles whose sha256 is 0 mod 5 (about 20%),
    so no article has sentences on both sides."""
    return int(hashlib.sha256(article.encode("utf-8")).hexdigest(), 16) % 5 == 0


def read_limitations(path: str | Path, split: str = "all") -> list[LimitationSentence]:
    """Rows of a limitation TSV (columns ``label`` POS/NEG and ``sentence``; ``article`` optional).
    ``split``: all | heldout | train (see :func:`heldout_article`)."""
    if split not in ("all", "heldout", "train"):
        raise ValueError(f"unknown split {split!r}")
    path = Path(path)
    out = []
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"label", "sentence"} - set(reader.fieldnames or [])
        if missing:
            raise DataError(f"{path}:1: missing {plural(len(missing), 'column', number=False)} "
                            f"{', '.join(sorted(missing))}")
        for n, row in enumerate(reader, 2):
            lab = (row.get("label") or "").strip()
            if lab not in ("POS", "NEG"):
                raise DataError(f"{path}:{n}: label must be POS or NEG, not {lab!r}")
            text = " ".join((row.get("sentence") or "").split())
            if not text:
                raise DataError(f"{path}:{n}: empty sentence")
            article = (row.get("article") or "").strip() or f"line{n}"
            if split != "all" and heldout_article(article) != (split == "heldout"):
                continue
            out.append(LimitationSentence(f"{path.name}:{n}", article, text, lab == "POS"))
    if not out:
        raise DataError(f"{path}: no rows in split {split!r}")
    return out
