"""Which papers' titles and abstracts mention a phrase, through the FTS index (porter stems: "vision
transformers" finds "vision transformer"). Gaps use it to tell a pair of concepts that the library's text
already joins from one that no paper combines, whatever the concept extractor named."""

from __future__ import annotations

import re
from typing import Hashable, Iterable, Mapping, Optional

_WORD = re.compile(r"\w+", flags=re.UNICODE)
NEAR_SLACK = 3     # extra words allowed between a phrase's words ("latency of LLM inference" for "inference latency")


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


class MentionsMixin:
    """Phrase mentions in titles and abstracts (a Library mixin; reads only)."""

    def papers_mentioning(self, forms_of: Mapping[Hashable, Iterable[str]],
                          slack: int = NEAR_SLACK) -> dict[Hashable, set[int]]:
        """{key: ids of the papers whose title or abstract mentions one of its forms} (see mention_query)."""
        out: dict[Hashable, set[int]] = {}
        for key, forms in forms_of.items():
            q = mention_query(forms, slack)
            out[key] = set() if q is None else {r[0] for r in self._conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ?", (q,))}
        return out
