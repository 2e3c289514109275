"""Which papers' titles and abstracts mention a phrase, through the FTS index (porter stems: "vision
transformers" finds "vision transformer"). Gaps use it to tell a pair of concepts that the library's text
already joins from one that no paper combines, whatever the concept extractor named."""

from __future__ import annotations

import re
from typing import Hashable, Iterable, Mapping, Optional

_WORD = re.compile(r"\w+", flags=re.UNICODE)
NEAR_SLACK = 3     # extra words allowed between a phrase's words ("latency of LLM inference" for "inference latency")
# the words around a name that say it is a data set or benchmark: "<X> dataset", "<X> test set", "on <X>"
# ("evaluated on <X>", "accuracy on <X>"), "datasets such as <X>" (porter stems: "datasets" matches too)
DATA_AFTER = ("dataset", "data set", "benchmark", "test set", "testset", "validation set", "val set", "split",
              "corpus", "leaderboard")
DATA_LIST_HEADS = ("dataset", "benchmark")
DATA_LIST_GAP = 2       # words allowed between "<X> and" and the head: the other name(s) of the list
DATA_BEFORE = ("on", "datasets such as", "benchmarks such as", "datasets including", "benchmarks including",
               "datasets like", "benchmarks like")


def mention_query(forms: Iterable[str], slack: int = NEAR_SLACK) -> Optional[str]:
    """An FTS5 expression over title and abstract matching any of ``forms``: a one-word form as a word,
    a longer one as its words within ``len(words) + slack`` tokens of each other in any order. None when
    no form has a word."""
    parts = []
    for f in forms:
        words = _WORD.findall(f.lower())
        if not words:
            continue
        quoted = " ".join('"' + w + '"' for w in words)
        parts.append(quoted if len(words) == 1 else f"NEAR({quoted}, {len(words) - 1 + slack})")
    if not parts:
        return None
    return "{title abstract} : (" + " OR ".join(dict.fromkeys(parts)) + ")"


def phrase_forms(forms: Iterable[str]) -> list[tuple[str, ...]]:
    """``forms`` as the word runs a phrase search matches, each once, a run that holds a shorter one left
    out ("kv cache usage" adds nothing to "KV cache"), the first form first."""
    written: dict[tuple[str, ...], tuple[str, ...]] = {}     # lower-case words -> as first written
    for f in forms:
        words = tuple(_WORD.findall(f))
        if words:
            written.setdefault(tuple(w.lower() for w in words), words)

    def holds(long: tuple, short: tuple) -> bool:
        return len(long) > len(short) and any(long[i:i + len(short)] == short for i in range(len(long) - len(short) + 1))

    return [w for r, w in written.items() if not any(holds(r, o) for o in written if o != r)]


def phrase_query(forms: Iterable[str]) -> Optional[str]:
    """The FTS5 expression a user types into `gapscope search` to find the papers whose title or abstract
    names one of ``forms`` (not the authors: "SAM" is also a first name): each form as a quoted phrase (its
    words in order, as the index stems them: "KV caches" finds "KV cache", "KV-cache" and "KV caching"),
    joined by OR. None when no form has a word."""
    runs = phrase_forms(forms)
    return ("{title abstract} : (" + " OR ".join('"' + " ".join(r) + '"' for r in runs) + ")") if runs else None


def data_context_query(forms: Iterable[str]) -> Optional[str]:
    """An FTS5 expression over title and abstract matching any of ``forms`` read as a data set: followed
    by one of DATA_AFTER or preceded by one of DATA_BEFORE, as consecutive words, or first in a list of
    data sets ("<X> and <Y> datasets"). None when no form has a word."""
    parts = []
    for f in forms:
        words = _WORD.findall(f.lower())
        if not words:
            continue
        name = " ".join(words)
        parts += ['"' + name + " " + a + '"' for a in DATA_AFTER]
        parts += ['"' + b + " " + name + '"' for b in DATA_BEFORE]
        # the first of a list of data sets: "<X> and <Y> datasets" ("KITTI and nuScenes datasets")
        parts += ['NEAR("' + name + ' and" "' + h + '", ' + str(DATA_LIST_GAP) + ')' for h in DATA_LIST_HEADS]
    if not parts:
        return None
    return "{title abstract} : (" + " OR ".join(dict.fromkeys(parts)) + ")"


def _check(cancel) -> None:
    if cancel is not None:
        cancel.raise_if_cancelled()


class MentionsMixin:
    """Phrase mentions in titles and abstracts (a Library mixin; reads only)."""

    def papers_mentioning(self, forms_of: Mapping[Hashable, Iterable[str]],
                          slack: int = NEAR_SLACK, cancel=None) -> dict[Hashable, set[int]]:
        """{key: ids of the papers whose title or abstract mentions one of its forms} (see mention_query);
        ``cancel`` (a jobs.CancelToken) is read before each key's query."""
        out: dict[Hashable, set[int]] = {}
        for key, forms in forms_of.items():
            _check(cancel)
            q = mention_query(forms, slack)
            out[key] = set() if q is None else {r[0] for r in self._conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?", (q,))}
        return out

    def papers_naming(self, forms_of: Mapping[Hashable, Iterable[str]], cancel=None) -> dict[Hashable, set[int]]:
        """{key: ids of the papers whose title or abstract names one of its forms as a phrase} (phrase_query:
        what `gapscope search` finds for that query); ``cancel`` as for papers_mentioning."""
        out: dict[Hashable, set[int]] = {}
        for key, forms in forms_of.items():
            _check(cancel)
            q = phrase_query(forms)
            out[key] = set() if q is None else {r[0] for r in self._conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?", (q,))}
        return out

    def papers_naming_as_data(self, forms_of: Mapping[Hashable, Iterable[str]],
                              cancel=None) -> dict[Hashable, set[int]]:
        """{key: ids of the papers whose title or abstract names one of its forms as a data set or
        benchmark} (see data_context_query); ``cancel`` as for papers_mentioning."""
        out: dict[Hashable, set[int]] = {}
        for key, forms in forms_of.items():
            _check(cancel)
            q = data_context_query(forms)
            out[key] = set() if q is None else {r[0] for r in self._conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?", (q,))}
        return out
