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
    return _runs_query(phrase_forms(forms))


def _runs_query(runs: list[tuple[str, ...]]) -> Optional[str]:
    return ("{title abstract} : (" + " OR ".join('"' + " ".join(r) + '"' for r in runs) + ")") if runs else None


def _singular(word: str) -> str:
    """"VLMs" -> "VLM", "LoRAs" -> "LoRA" (a lower-case s after a capital); "MAS", "CLIP" stay."""
    return word[:-1] if len(word) > 2 and word.endswith("s") and word[-2].isupper() else word


def written_names(runs: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """{run: the name it must be written as} for the one-word runs that are names with a capital after
    their first letter ("CLIP", "LoRA", "SAM2", "VLMs"), and the lower-case copies of such a name among
    ``runs`` (a merged variant "vlm" or "vits" of "VLMs" or "ViT"). The search index ignores case and
    reads stems: to it "CLIP" is "clip", "clips" and "clipping", and "AIME" is "aim" and "aims"; a paper
    counts as naming such a name only where it writes it so (in a word of its own, a plural s allowed)."""
    runs = list(runs)
    names = {_singular(r[0]).lower(): _singular(r[0]) for r in runs
             if len(r) == 1 and any(c.isupper() for c in r[0][1:])}
    out = {}
    for r in runs:
        if len(r) == 1:
            low = r[0].lower()
            name = names.get(low) or (names.get(low[:-1]) if low.endswith("s") else None)
            if name is not None:
                out[r] = name
    return out


def writes_name(text: str, name: str) -> bool:
    """Whether ``text`` writes ``name`` (written_names) as it is written or in capitals, as a word (or its
    plural): "CLIP", "CLIP-based", "CLIPs", "LIDAR" for "LiDAR" (a title in capitals); not "clip", "Clip",
    "video clips" or "OpenCLIP"."""
    spelt = "|".join(re.escape(n) for n in dict.fromkeys((name, name.upper())))
    return re.search(rf"(?<![A-Za-z0-9])(?:{spelt})s?(?![A-Za-z0-9])", text or "") is not None


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
                          slack: int = NEAR_SLACK, cancel=None, progress=None) -> dict[Hashable, set[int]]:
        """{key: ids of the papers whose title or abstract mentions one of its forms} (see mention_query; a
        name with capitals only where it is written so: written_names); ``cancel`` (a jobs.CancelToken) is
        read before each key's query, ``progress`` told every batch of keys (jobs.counted): a query per
        concept is minutes on a large library."""
        from ..jobs import counted

        out: dict[Hashable, set[int]] = {}
        for key, forms in counted(forms_of.items(), progress, "searching the abstracts", cancel=cancel,
                                  unit="concepts"):
            forms = list(forms)
            names = written_names([tuple(_WORD.findall(f)) for f in forms])
            found = self._hits(mention_query([f for f in forms if tuple(_WORD.findall(f)) not in names], slack))
            if names:
                _check(cancel)
                maybe = self._hits(mention_query([f for f in forms if tuple(_WORD.findall(f)) in names], slack))
                found |= self._written(maybe - found, names.values())
            out[key] = found
        return out

    def papers_naming(self, forms_of: Mapping[Hashable, Iterable[str]], cancel=None) -> dict[Hashable, set[int]]:
        """{key: ids of the papers whose title or abstract names one of its forms as a phrase} (phrase_query:
        what `gapscope search` finds for that query, except that a name with capitals counts only where it
        is written so: written_names); ``cancel`` as for papers_mentioning."""
        out: dict[Hashable, set[int]] = {}
        for key, forms in forms_of.items():
            _check(cancel)
            runs = phrase_forms(forms)
            names = written_names(runs)
            found = self._hits(_runs_query([r for r in runs if r not in names]))
            out[key] = found | self._written(self._hits(_runs_query(list(names))) - found, names.values())
        return out

    def _hits(self, q: Optional[str]) -> set[int]:
        return set() if q is None else {r[0] for r in self._conn.execute(
            "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?", (q,))}

    def _written(self, ids: set[int], names: Iterable[str]) -> set[int]:
        """Those of ``ids`` whose title or abstract writes one of ``names`` as written (writes_name)."""
        names, ids, out = set(names), sorted(ids), set()
        for start in range(0, len(ids), 900):
            chunk = ids[start:start + 900]
            out |= {pid for pid, t, a in self._conn.execute(
                f"SELECT id, title, abstract FROM papers WHERE id IN ({','.join('?' * len(chunk))})", chunk)
                if any(writes_name(f"{t or ''}\n{a or ''}", n) for n in names)}
        return out

    def papers_naming_as_data(self, forms_of: Mapping[Hashable, Iterable[str]],
                              cancel=None, progress=None) -> dict[Hashable, set[int]]:
        """{key: ids of the papers whose title or abstract names one of its forms as a data set or
        benchmark} (see data_context_query); ``cancel`` and ``progress`` as for papers_mentioning."""
        from ..jobs import counted

        out: dict[Hashable, set[int]] = {}
        for key, forms in counted(forms_of.items(), progress, "finding the names used as data sets", cancel=cancel,
                                  unit="concepts"):
            q = data_context_query(forms)
            out[key] = set() if q is None else {r[0] for r in self._conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?", (q,))}
        return out
