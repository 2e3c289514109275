"""Facet sentences: each abstract split into sentences, each with a role and a shortcoming type, and the
user's corrections (a Library mixin).

A sentence's effective role / shortcoming is the user's correction where there is one, else the
classifier's; each is corrected on its own (a NULL in facet_corrections leaves the classifier's). The
facet texts embedding reads live here rather than in gapscope.facets: embed sits below facets in the
core's layers (facets encode with the embedder).

A correction labels the sentences it overlaps for the most part (``_LABELS``, as
gapscope.sentences.labels_sentence): most of the correction lies in the sentence, or most of the sentence in the
correction. Its span moves with its words when the abstract changes (markup taken out, a snippet replaced by
the full abstract), and the splitter may then cut the new text otherwise: two sentences made one, or one
made two. The correction still labels the sentence holding its words. It labels nothing while the words it
was made on (its ``text``) are no longer at its place; `gapscope check` names those."""

from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence

from ..vocabulary import FACET_TEXT_LABELS, FULLTEXT_SHORTCOMING_SECTIONS
from .interrupt import ROWS_BETWEEN_CHECKS

# correction c labels sentence s (keep in step with gapscope.sentences.labels_sentence)
_OVERLAP = 'min(c."end", s."end") - max(c.start, s.start)'
_LABELS = (
    f'c.paper_id = s.paper_id AND c.start < s."end" AND s.start < c."end"'
    f' AND 2 * ({_OVERLAP}) > min(c."end" - c.start, s."end" - s.start)'
    ' AND (c.text IS NULL OR c.text = (SELECT substr(p.abstract, c.start + 1, c."end" - c.start)'
    ' FROM papers p WHERE p.id = c.paper_id))'
)


def _first(column: str, name: str) -> str:
    """``name``: the ``column`` (label, shortcoming) of the correction that sets it, per sentence of ``m`` (the
    pairs of a correction and a sentence it labels). Where two label one sentence (two sentences made one):
    the one made on that very sentence, else the one overlapping it most, else the newest: SQLite takes a
    bare column from the row of the max()."""
    return (f"{name} AS (SELECT pid, idx, {column} AS v, max(rank) FROM m WHERE {column} IS NOT NULL"
            " GROUP BY pid, idx)")


def _with_corrected(columns: str, where: str = "1") -> str:
    """A query of ``columns`` over the sentences ``s`` that ``where`` keeps, each with the user's role ``rl.v``
    and shortcoming ``rs.v`` (NULL: not corrected). The pairs are found from the corrections' side: there
    are few, and a sentence without one costs a join to a small table."""
    return ("WITH m AS (SELECT s.paper_id AS pid, s.idx AS idx, c.label AS label, c.shortcoming AS shortcoming,"
            f""" printf('%d %012d %s', c.start = s.start AND c."end" = s."end", {_OVERLAP}, c.corrected_at) AS rank"""
            f" FROM facet_corrections c CROSS JOIN sentences s ON {_LABELS} WHERE {where}),"
            f" {_first('label', 'rl')}, {_first('shortcoming', 'rs')}"
            f" SELECT {columns} FROM sentences s LEFT JOIN rl ON rl.pid = s.paper_id AND rl.idx = s.idx"
            f" LEFT JOIN rs ON rs.pid = s.paper_id AND rs.idx = s.idx WHERE {where}")


_EFFECTIVE = ('s.paper_id, s.idx, s.start, s."end", s.text, coalesce(rl.v, s.label), s.confidence,'
              " coalesce(rs.v, s.shortcoming), s.shortcoming_confidence, rl.v IS NOT NULL, rs.v IS NOT NULL")
_SORT = {"role": "s.confidence", "shortcoming": "s.shortcoming_confidence",
         "either": "min(s.confidence, s.shortcoming_confidence)"}


def _row(r) -> dict[str, Any]:
    pid, i, a, b, t, role, rc, short, sc, rk, sk = r
    return dict(paper_id=pid, idx=i, start=a, end=b, text=t, role=role, role_confidence=rc, shortcoming=short,
                shortcoming_confidence=sc, role_corrected=bool(rk), shortcoming_corrected=bool(sk))


class FacetsMixin:
    def write_facet_sentences(self, paper_id: int, rows: Iterable[tuple], facet_model: str,
                              abstract_hash: str, classified_at: str) -> None:
        """Replace a paper's sentences with ``rows`` of (idx, start, end, text, role, role confidence,
        shortcoming, shortcoming confidence); joins the caller's transaction."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM sentences WHERE paper_id = ?", (paper_id,))
            conn.executemany(
                "INSERT INTO sentences (paper_id, idx, start, end, text, label, confidence, shortcoming,"
                " shortcoming_confidence) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", [(paper_id, *r) for r in rows])
            conn.execute(
                "INSERT INTO paper_facets (paper_id, facet_model, abstract_hash, classified_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(paper_id) DO UPDATE SET facet_model = excluded.facet_model,"
                " abstract_hash = excluded.abstract_hash, classified_at = excluded.classified_at",
                (paper_id, facet_model, abstract_hash, classified_at))

    def facet_state(self) -> list[tuple]:
        """(paper id, title, abstract, facet model, abstract hash) of every paper."""
        return self._conn.execute(
            "SELECT p.id, p.title, p.abstract, f.facet_model, f.abstract_hash FROM papers p"
            " LEFT JOIN paper_facets f ON f.paper_id = p.id ORDER BY p.id").fetchall()

    def classified_paper_ids(self) -> list[int]:
        return [r[0] for r in self._conn.execute("SELECT paper_id FROM paper_facets ORDER BY paper_id")]

    def effective_sentences(self, paper_id: Optional[int] = None) -> list[dict[str, Any]]:
        """Sentences with their effective role and shortcoming (a correction wins), in paper order."""
        if paper_id is None:
            sql = _with_corrected(_EFFECTIVE) + " ORDER BY s.paper_id, s.idx"
            cur = self._conn.execute(sql)
        else:
            sql = _with_corrected(_EFFECTIVE, "s.paper_id = :paper_id") + " ORDER BY s.idx"
            cur = self._conn.execute(sql, {"paper_id": int(paper_id)})
        return [_row(r) for r in cur]

    def uncertain_facet_sentences(self, *, role: Optional[str] = None, shortcoming: Optional[str] = None,
                                  below: Optional[float] = None, by: str = "either", limit: int = 50,
                                  paper_id: Optional[int] = None) -> list[dict[str, Any]]:
        """The least certain labels first (``by``: role, shortcoming or either: the lower of the two);
        ``role`` / ``shortcoming`` keep the sentences the classifier gave that label. Sentences the user
        corrected are settled and left out."""
        key = _SORT[by]
        where: list[str] = ["1"]
        args: list[Any] = []
        if below is not None:
            where.append(f"{key} < ?")
            args.append(float(below))
        if role is not None:
            where.append("s.label = ?")
            args.append(role)
        if shortcoming is not None:
            where.append("s.shortcoming = ?")
            args.append(shortcoming)
        if paper_id is not None:
            where.append("s.paper_id = ?")
            args.append(int(paper_id))
        # the top of the list first, then the titles: joining papers before the LIMIT reads every title
        sql = ("SELECT s.paper_id, p.title, s.idx, s.start, s.end, s.text, s.label, s.confidence, s.shortcoming,"
               " s.shortcoming_confidence FROM (SELECT * FROM sentences s WHERE " + " AND ".join(where) +
               f" AND NOT EXISTS (SELECT 1 FROM facet_corrections c WHERE {_LABELS})"
               f" ORDER BY {key}, s.paper_id, s.idx LIMIT ?) s"
               f" JOIN papers p ON p.id = s.paper_id ORDER BY {key}, s.paper_id, s.idx")
        args.append(int(limit))
        return [dict(paper_id=pid, title=title, idx=i, start=a, end=b, text=t, role=r, role_confidence=rc,
                     shortcoming=sh, shortcoming_confidence=sc)
                for pid, title, i, a, b, t, r, rc, sh, sc in self._conn.execute(sql, args)]

    def facet_sentence_spans(self, paper_id: int) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self._conn.execute(
            'SELECT start, "end" FROM sentences WHERE paper_id = ? ORDER BY start', (paper_id,))]

    def facet_sentences_read(self, paper_id: int) -> list[tuple[int, int, str]]:
        """The paper's stored sentences as (start, end, text), in order (the text with its spacing collapsed)."""
        return [tuple(r) for r in self._conn.execute(
            'SELECT start, "end", text FROM sentences WHERE paper_id = ? ORDER BY start', (paper_id,))]

    def set_facet_correction(self, paper_id: int, start: int, end: int, role: Optional[str], shortcoming: Optional[str],
                             corrected_at: str) -> None:
        """Upsert a correction; a None keeps what an earlier correction of that sentence set. It keeps the
        words at ``start:end`` as its ``text``. One made there on words that are gone (the abstract changed
        under it) is replaced whole: its labels were for other words."""
        # (SQLite reads the old row in every SET expression, so ``text`` in the CASE is the old one's)
        same = "(text IS NULL OR text IS excluded.text)"
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO facet_corrections (paper_id, start, end, label, shortcoming, corrected_at, text)"
                " VALUES (?, ?, ?, ?, ?, ?, (SELECT substr(abstract, ? + 1, ? - ?) FROM papers WHERE id = ?))"
                " ON CONFLICT(paper_id, start, end) DO UPDATE SET"
                f" label = CASE WHEN {same} THEN coalesce(excluded.label, label) ELSE excluded.label END,"
                f" shortcoming = CASE WHEN {same} THEN coalesce(excluded.shortcoming, shortcoming)"
                " ELSE excluded.shortcoming END,"
                " corrected_at = excluded.corrected_at, text = excluded.text",
                (paper_id, start, end, role, shortcoming, corrected_at, start, end, start, paper_id))

    def facet_corrections(self, paper_id: int) -> list[dict[str, Any]]:
        """A paper's corrections by position: start, end, role, shortcoming, corrected_at and ``text``, the
        words it was made on (None: made before they were kept)."""
        cols = ("start", "end", "role", "shortcoming", "corrected_at", "text")
        return [dict(zip(cols, r)) for r in self._conn.execute(
            'SELECT start, "end", label, shortcoming, corrected_at, text FROM facet_corrections WHERE paper_id = ?'
            " ORDER BY start", (paper_id,))]

    def facet_correction_stamps(self) -> dict[int, str]:
        """{paper id: a stamp of its facet corrections (places, labels, dates)}: the papers whose labels a
        correction, its removal or its undo changed between two reads are those whose stamp differs."""
        import hashlib

        rows: dict[int, list[str]] = {}
        for pid, a, b, role, sc, at in self._conn.execute(
                'SELECT paper_id, start, "end", label, shortcoming, corrected_at FROM facet_corrections'
                ' ORDER BY paper_id, start, "end"'):
            rows.setdefault(int(pid), []).append(f"{a}:{b}:{role}:{sc}:{at}")
        return {pid: hashlib.sha1("|".join(r).encode()).hexdigest()[:12] for pid, r in rows.items()}

    def facet_corrections_since(self, since: str) -> tuple[set[int], int]:
        """(the papers with a correction made after ``since`` (an ISO time; '' for every one), how many
        corrections were made at or before it)."""
        after = {int(r[0]) for r in self._conn.execute(
            "SELECT DISTINCT paper_id FROM facet_corrections WHERE corrected_at > ?", (since,))}
        before = self._conn.execute("SELECT count(*) FROM facet_corrections WHERE corrected_at <= ?",
                                    (since,)).fetchone()[0]
        return after, int(before)

    def facet_correction_sites(self) -> list[dict[str, Any]]:
        """Each paper holding facet corrections: paper_id, title, abstract, its ``corrections``
        (:meth:`facet_corrections`) and its stored ``sentences`` ((start, end, text), in order; empty when
        not classified), to tell which corrections label no sentence."""
        out: dict[int, dict[str, Any]] = {}
        for pid, title, abstract in self._conn.execute(
                "SELECT p.id, p.title, coalesce(p.abstract, '') FROM papers p"
                " WHERE p.id IN (SELECT paper_id FROM facet_corrections) ORDER BY p.id"):
            out[pid] = {"paper_id": pid, "title": title, "abstract": abstract,
                        "corrections": self.facet_corrections(pid), "sentences": []}
        for pid, a, b, text in self._conn.execute(
                'SELECT paper_id, start, "end", text FROM sentences'
                " WHERE paper_id IN (SELECT paper_id FROM facet_corrections) ORDER BY paper_id, idx"):
            if pid in out:
                out[pid]["sentences"].append((a, b, text))
        return list(out.values())

    def delete_facet_correction(self, paper_id: int, start: int, end: int, made_on: Optional[str] = None) -> bool:
        """Remove the correction at ``start:end``; with ``made_on``, only while it is the one made on those
        words (a list shown earlier may name a place where a correction was set again since)."""
        return self.take_facet_correction(paper_id, start, end, made_on) is not None

    def take_facet_correction(self, paper_id: int, start: int, end: int,
                              made_on: Optional[str] = None) -> Optional[dict[str, Any]]:
        """Remove the correction at ``start:end`` as :meth:`delete_facet_correction` does and return it whole
        (``paper_id`` and :meth:`facet_corrections`' keys), for :meth:`restore_facet_correction` to put back
        (an undo); None when none was removed."""
        where = 'WHERE paper_id = ? AND start = ? AND "end" = ?'
        args: list[Any] = [paper_id, start, end]
        if made_on is not None:
            where += " AND (text IS NULL OR text = ?)"
            args.append(made_on)
        cols = ("start", "end", "role", "shortcoming", "corrected_at", "text")
        with self.transaction() as conn:      # read and removed in one transaction: what is returned is what went
            row = conn.execute(f'SELECT start, "end", label, shortcoming, corrected_at, text FROM facet_corrections'
                               f" {where}", args).fetchone()
            if row is None:
                return None
            conn.execute(f"DELETE FROM facet_corrections {where}", args)
        return {"paper_id": paper_id, **dict(zip(cols, row))}

    def restore_facet_correction(self, correction: dict[str, Any]) -> bool:
        """Put back a correction :meth:`take_facet_correction` returned, as it was: its place, labels, date and
        the words it was made on (which may no longer be in the abstract). False, changing nothing, when a
        correction stands at its place now (set again since: that newer one stays); a LibraryError when its
        paper is gone."""
        from .base import LibraryError

        c = correction
        with self.transaction() as conn:
            if conn.execute("SELECT 1 FROM papers WHERE id = ?", (c["paper_id"],)).fetchone() is None:
                raise LibraryError(f"paper {c['paper_id']} is no longer in the library: its facet correction at "
                                   f"{c['start']}..{c['end']} cannot be put back")
            return conn.execute(
                'INSERT INTO facet_corrections (paper_id, start, "end", label, shortcoming, corrected_at, text)'
                ' VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(paper_id, start, "end") DO NOTHING',
                (c["paper_id"], c["start"], c["end"], c["role"], c["shortcoming"], c["corrected_at"],
                 c["text"])).rowcount == 1

    def facet_label_counts(self) -> dict[str, dict[str, int]]:
        """{"roles": {role: n}, "shortcomings": {type: n}} over the effective labels."""
        # one pass over the sentences, grouped by both labels; the few groups summed up here
        roles: dict[str, int] = {}
        shortcomings: dict[str, int] = {}
        for role, short, n in self._conn.execute(_with_corrected(
                "coalesce(rl.v, s.label), coalesce(rs.v, s.shortcoming), count(*)") + " GROUP BY 1, 2"):
            roles[role] = roles.get(role, 0) + n
            shortcomings[short] = shortcomings.get(short, 0) + n
        return {"roles": dict(sorted(roles.items())), "shortcomings": dict(sorted(shortcomings.items()))}

    def facet_models_used(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT DISTINCT facet_model FROM paper_facets") if r[0]]

    def fulltext_shortcoming_parts(self, paper_ids: Optional[Sequence[int]] = None) -> dict[int, list[tuple[int, list[dict]]]]:
        """{paper_id: [(attachment id, its shortcoming sentences)]}: the labelled full-text sentences that join
        the paper's shortcoming facet, those flagged (any type) in its Limitations, Discussion, Future-work
        and Conclusion sections (FULLTEXT_SHORTCOMING_SECTIONS), per attached file, section by section in
        that order (Limitations first: a text encoded on its own is cut at the model's window), each in
        reading order.
        Every flagged sentence is read and the papers filtered here: there are few, and a map's paper ids
        may be more than SQLite takes as parameters."""
        wanted = None if paper_ids is None else set(int(i) for i in paper_ids)
        out: dict[int, dict[int, list[dict]]] = {}
        for r in self.fulltext_shortcomings(None, exclude=("none",), kinds=FULLTEXT_SHORTCOMING_SECTIONS):
            if wanted is None or r["paper_id"] in wanted:
                out.setdefault(r["paper_id"], {}).setdefault(r["attachment_id"], []).append(r)
        rank = {k: i for i, k in enumerate(FULLTEXT_SHORTCOMING_SECTIONS)}
        return {pid: [(att, sorted(rows, key=lambda r: (rank[r["section_kind"]], r["id"])))
                      for att, rows in sorted(by_att.items())] for pid, by_att in out.items()}

    def shortcoming_text_parts(self, paper_ids: Optional[Sequence[int]] = None) -> dict[int, list[tuple[str, int]]]:
        """{paper_id: [(text, sentences)]} for the papers whose shortcoming facet text (``facet_texts``) has
        full-text sentences: the parts it is joined from, the abstract's first (when it has any), then
        each attached file's. A pooled vector of the whole is made from the parts' pooled vectors."""
        full = self.fulltext_shortcoming_parts(paper_ids)
        if not full:
            return {}
        abstract: dict[int, list[str]] = {}
        for pid in full:
            abstract[pid] = [r["text"] for r in self.effective_sentences(pid) if r["shortcoming"] != "none"]
        return {pid: ([(" ".join(abstract[pid]), len(abstract[pid]))] if abstract[pid] else [])
                + [(" ".join(r["text"] for r in rows), len(rows)) for _att, rows in parts]
                for pid, parts in full.items()}

    def facet_texts(self, paper_ids: Optional[Sequence[int]] = None) -> dict[int, dict[str, str]]:
        """{paper_id: {"method": ..., "result": ..., "shortcoming": ...}}: the paper's method sentences, result
        sentences and shortcoming sentences (any type) joined in order ('' when it has none), for every
        classified paper (or those in ``paper_ids``). Roles and shortcomings are the effective ones.
        A paper with a labelled PDF has its full text's shortcoming sentences of the Limitations,
        Discussion, Future-work and Conclusion sections after its abstract's
        (:meth:`fulltext_shortcoming_parts`)."""
        wanted = None if paper_ids is None else set(int(i) for i in paper_ids)
        out: dict[int, dict[str, list[str]]] = {}
        if wanted is None:
            for pid in self.classified_paper_ids():
                out[pid] = {k: [] for k in FACET_TEXT_LABELS}
        # inside Library.cancellable the rows' assembly stops too (a quarter of the time of a big read)
        for n, r in enumerate(self.effective_sentences()):
            if n % ROWS_BETWEEN_CHECKS == 0:
                self._stop_if_cancelled()
            pid = r["paper_id"]
            if wanted is not None and pid not in wanted:
                continue
            d = out.setdefault(pid, {k: [] for k in FACET_TEXT_LABELS})
            if r["role"] in d:
                d[r["role"]].append(r["text"])
            if r["shortcoming"] != "none":
                d["shortcoming"].append(r["text"])
        self._stop_if_cancelled()
        for pid, parts in self.fulltext_shortcoming_parts(paper_ids).items():
            d = out.setdefault(pid, {k: [] for k in FACET_TEXT_LABELS})
            d["shortcoming"] += [r["text"] for _att, rows in parts for r in rows]
        joined = {}
        for n, (pid, d) in enumerate(out.items()):
            if n % ROWS_BETWEEN_CHECKS == 0:
                self._stop_if_cancelled()
            joined[pid] = {k: " ".join(v) for k, v in d.items()}
        return joined
