"""Training and evaluation data for the two-head classifier (role + shortcoming).

- CS abstracts labelled by the annotation procedure (docs/annotation/shortcomings.md): a JSON-lines file of
  abstracts (``abstract_id``, ``title``, ``sentences`` ...) and TSV label files
  ``SENTENCE_ID<TAB>role<TAB>shortcoming`` (sentence id = ABSTRACT_ID-NN, NN its position).
- The clinical limitation file, each sentence alone. Not as runs of consecutive sentences: the file holds
  whole limitation passages but single negative sentences, so whether a neighbour is present nearly gives
  the label away (1,933 of 1,944 POS rows have an adjacent row, 570 of 4,982 NEG rows;
  measured in `git show b166232:benchmarks/results/session5/limitation_file_leak.txt`). A model must not learn or be scored on that.
"""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Optional, Sequence

from ..textfmt import plural
from .data import DataError, heldout_article, join_sentences
from .model import ROLES, SHORTCOMINGS


@dataclass
class SequenceExample:
    """One sequence of sentences (an abstract, or a run of a clinical article) with optional labels:
    None where a sentence has no label of that kind (it is then left out of that head's loss)."""
    key: str
    group: str                         # what a split must keep together: the abstract or the article
    text: str
    spans: list[tuple[int, int]]
    roles: list[Optional[str]]
    shortcomings: list[Optional[str]]

    @property
    def sentences(self) -> list[str]:
        return [self.text[a:b] for a, b in self.spans]


def encoded_text(title: str, sentences: Sequence[str]) -> tuple[str, list[tuple[int, int]]]:
    """What the product encodes for a paper, "title. abstract", with each sentence's span in it."""
    body, spans = join_sentences(list(sentences))
    head = (title or "").strip()
    if not head:
        return body, spans
    shift = len(head) + 2
    return f"{head}. {body}", [(a + shift, b + shift) for a, b in spans]


def read_abstracts_jsonl(path: str | Path) -> list[dict]:
    path = Path(path)
    out = []
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                rec["abstract_id"], rec["sentences"]
            except (json.JSONDecodeError, KeyError, TypeError) as exc:
                raise DataError(f"{path}:{n}: not an abstract record ({exc})") from exc
            out.append(rec)
    return out


def read_label_tsv(paths: Sequence[str | Path]) -> dict[str, tuple[str, str]]:
    """{sentence id: (role, shortcoming)} from label files; a bad line is an error naming file and line."""
    labels: dict[str, tuple[str, str]] = {}
    for path in paths:
        path = Path(path)
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                line = line.rstrip("\n").rstrip("\r")
                if not line.strip():
                    continue
                parts = [p.strip() for p in line.split("\t")]
                if len(parts) < 3:
                    raise DataError(f"{path}:{n}: expected SENTENCE_ID<TAB>role<TAB>shortcoming")
                sid, role, short = parts[0], parts[1].lower(), parts[2].lower()
                if role not in ROLES:
                    raise DataError(f"{path}:{n}: unknown role {role!r} (expected {', '.join(ROLES)})")
                if short not in SHORTCOMINGS:
                    raise DataError(f"{path}:{n}: unknown shortcoming {short!r} (expected {', '.join(SHORTCOMINGS)})")
                labels[sid] = (role, short)
    return labels


def labelled_abstracts(records: Sequence[dict], labels: dict[str, tuple[str, str]],
                       require_all: bool = True) -> list[SequenceExample]:
    """Abstracts whose every sentence has a label (``require_all``), or every abstract with any."""
    out = []
    for rec in records:
        aid = rec["abstract_id"]
        got = [labels.get(f"{aid}-{i:02d}") for i in range(len(rec["sentences"]))]
        if not any(got) or (require_all and not all(got)):
            continue
        text, spans = encoded_text(rec.get("title", ""), rec["sentences"])
        out.append(SequenceExample(aid, aid, text, spans, [g[0] if g else None for g in got],
                                   [g[1] if g else None for g in got]))
    return out


_SID = re.compile(r"(\d+)$")


def read_limitation_sections(path: str | Path) -> dict[tuple[str, int], str]:
    """{(article, sentence number): the heading of the section it stands in} of the limitation file ("" where the
    file gives none); {} for a file without a ``section`` column."""
    path = Path(path)
    out: dict[tuple[str, int], str] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        if "section" not in (reader.fieldnames or []):
            return {}
        for n, row in enumerate(reader, 2):
            m = _SID.search((row.get("sentence_id") or "").strip())
            if not m:
                raise DataError(f"{path}:{n}: empty sentence id")
            out[(row["article"].strip() or f"line{n}", int(m.group(1)))] = " ".join((row["section"] or "").split())
    return out


def read_limitation_runs(path: str | Path, split: str = "all", alone: bool = True) -> list[SequenceExample]:
    """The limitation TSV as sequences: each sentence alone (``alone``, what training and evaluation use), or
    runs of consecutive sentences per article (only to show the sampling leak). POS -> ``own``, NEG ->
    ``none`` (no role). ``split`` as in :func:`data.read_limitations` (held-out = sha256(article) % 5 == 0)."""
    if split not in ("all", "heldout", "train"):
        raise ValueError(f"unknown split {split!r}")
    path = Path(path)
    by_article: dict[str, list[tuple[int, str, bool]]] = defaultdict(list)
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = {"label", "sentence", "article", "sentence_id"} - set(reader.fieldnames or [])
        if missing:
            raise DataError(f"{path}:1: missing {plural(len(missing), 'column', number=False)} "
                            f"{', '.join(sorted(missing))}")
        for n, row in enumerate(reader, 2):
            lab = (row["label"] or "").strip()
            if lab not in ("POS", "NEG"):
                raise DataError(f"{path}:{n}: label must be POS or NEG, not {lab!r}")
            text = " ".join((row["sentence"] or "").split())
            m = _SID.search((row["sentence_id"] or "").strip())
            if not text or not m:
                raise DataError(f"{path}:{n}: empty sentence or sentence id")
            article = row["article"].strip() or f"line{n}"
            if split != "all" and heldout_article(article) != (split == "heldout"):
                continue
            by_article[article].append((int(m.group(1)), text, lab == "POS"))
    out = []
    for article in sorted(by_article):
        rows = sorted(set(by_article[article]))
        run: list[tuple[int, str, bool]] = []
        for r in rows + [None]:
            if run and (r is None or alone or r[0] != run[-1][0] + 1):
                text, spans = join_sentences([x[1] for x in run])
                out.append(SequenceExample(f"{article}#S{run[0][0]}", article, text, spans, [None] * len(run),
                                           ["own" if x[2] else "none" for x in run]))
                run = []
            if r is not None:
                run.append(r)
    if not out:
        raise DataError(f"{path}: no rows in split {split!r}")
    return out


def csabstruct_examples(path: str | Path) -> list[SequenceExample]:
    from .data import read_csabstruct

    return [SequenceExample(a.key, a.key, a.text, a.spans, list(a.labels), [None] * len(a.labels))
            for a in read_csabstruct(path)]
