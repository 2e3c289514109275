"""Screening decisions: an append-only log, one committed transaction per decision.

Every row carries its reviewer ('' for a one-person review). A reviewer's current decision on a paper
in a scope (a collection, or the whole library when collection is None) is their latest row there that
was not undone: re-deciding any paper adds a row and keeps the log. Undo stamps the latest live row
undone, so the previous decision (if any) becomes current again; nothing is ever deleted.

With two reviewers (blind dual screening) a paper's resolved decision is: the latest resolution if
there is one, else the reviewers' decision when they agree (or when only one decided); papers where
they disagree are conflicts until someone resolves them (``resolve``).
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from ..store.library import LibraryError, now_iso
from ..store.triage import NOT_CHECKED
from ..vocabulary import DECISIONS

# Decisions that count as screened (postpone is "not now").
SCREENED = tuple(d for d in DECISIONS if d != "postpone")


def collection_id(lib, collection: Optional[str]) -> Optional[int]:
    return None if collection is None else lib.collection_id(collection)


def scope_paper_ids(lib, collection: Optional[str]) -> list[int]:
    return lib.list_paper_ids(collection=collection)


def list_reasons(lib) -> list[str]:
    return lib.exclusion_reasons()


def add_reason(lib, name: str) -> bool:
    name = name.strip()
    if not name:
        raise LibraryError("an exclusion reason needs a name")
    return lib.add_exclusion_reason(name)


def remove_reason(lib, name: str) -> bool:
    """Remove a reason from the list; decisions that used it keep their text."""
    return lib.remove_exclusion_reason(name)


def decide(lib, paper_id: int, decision: str, reason: Optional[str] = None, collection: Optional[str] = None,
           origin: str = "user", reviewer: str = "", seen: Any = NOT_CHECKED) -> int:
    """Record a decision at once (own transaction); returns its log id. Deciding a paper that already
    has a decision re-decides it (the earlier row stays in the log).

    ``reason`` is only for exclude and must be one of the exclusion reasons (add it first).
    ``seen``: what the reviewer was shown as their decision in force on the paper, as :func:`own_decision`
    gives it (its id, or None for none). When the paper was decided since (or that decision undone),
    in another window or process, :class:`DecidedElsewhere` is raised and nothing is recorded: the same
    library open twice never gets two decisions made on one view of it. Left out: no check."""
    if decision not in DECISIONS:
        raise LibraryError(f"unknown decision {decision!r}; choose one of {', '.join(DECISIONS)}")
    if reason is not None and decision != "exclude":
        raise LibraryError("a reason goes with 'exclude' only")
    if reason is not None and not lib.has_exclusion_reason(reason):
        known = ", ".join(list_reasons(lib))
        raise LibraryError(f"unknown exclusion reason {reason!r} (known: {known}; add it with `gapscope triage reasons add`)")
    cid = collection_id(lib, collection)
    try:
        return lib.insert_decision(paper_id, cid, decision, reason, origin, reviewer.strip(), now_iso(), seen=seen)
    except LibraryError as exc:
        if collection is not None and "collection" in str(exc):
            raise LibraryError(f"paper {paper_id} is not in collection {collection!r}") from exc
        raise


def own_decision(lib, paper_id: int, collection: Optional[str] = None, reviewer: str = "") -> Optional[int]:
    """The id of ``reviewer``'s decision in force on the paper (None: they have none): what to pass as
    ``seen`` to :func:`decide` for the paper being shown."""
    row = lib.own_decision(paper_id, collection_id(lib, collection), (reviewer or "").strip())
    return row["id"] if row is not None else None


def seed(lib, paper_ids: Iterable[int], collection: Optional[str] = None, reviewer: str = "") -> list[int]:
    """Mark known relevant papers (before or during screening): include decisions with origin 'seed'."""
    return [decide(lib, pid, "include", collection=collection, origin="seed", reviewer=reviewer) for pid in paper_ids]


def resolve(lib, paper_id: int, decision: str, reason: Optional[str] = None, collection: Optional[str] = None,
            reviewer: str = "") -> int:
    """Settle a conflict between reviewers: the paper's decision from now on, whatever they said."""
    return decide(lib, paper_id, decision, reason=reason, collection=collection, origin="resolution", reviewer=reviewer)


def undo(lib, collection: Optional[str] = None, reviewer: Optional[str] = None) -> Optional[dict[str, Any]]:
    """Undo the latest live decision in the scope (``reviewer``'s latest when given); returns it, or None
    when there is nothing to undo."""
    return lib.undo_latest_decision(collection_id(lib, collection), reviewer, now_iso())


def _entry(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row[k] for k in ("id", "decision", "reason", "origin", "reviewer", "decided_at")}


def _per_reviewer(rows) -> tuple[dict[int, dict[str, dict]], dict[int, dict], dict[int, int]]:
    """({paper: {reviewer: latest live row}}, {paper: latest resolution}, {paper: first live row id})."""
    by_rev: dict[int, dict[str, dict]] = {}
    resolution: dict[int, dict] = {}
    first: dict[int, int] = {}
    for r in rows:
        first.setdefault(r["paper_id"], r["id"])
        if r["origin"] == "resolution":
            resolution[r["paper_id"]] = r
        else:
            by_rev.setdefault(r["paper_id"], {})[r["reviewer"]] = r
    return by_rev, resolution, first


def _resolved(latest: dict[str, dict]) -> Optional[dict]:
    """The reviewers' shared decision, or None when they disagree (postpone does not count when
    another reviewer decided)."""
    real = [r for r in latest.values() if r["decision"] in SCREENED]
    rows = real or list(latest.values())
    if len({r["decision"] for r in rows}) > 1:
        return None
    return max(rows, key=lambda r: r["id"])


def current_decisions(lib, collection: Optional[str] = None, reviewer: Optional[str] = None) -> dict[int, dict[str, Any]]:
    """paper id -> its current decision {id, decision, reason, origin, reviewer, decided_at}, ordered by
    the latest decision. With ``reviewer``: that reviewer's own decisions (what blind screening sees);
    without: the resolved decisions (conflicts left out: see ``conflicts``)."""
    rows = lib.decision_rows(collection_id(lib, collection), reviewer=reviewer)
    if reviewer is not None:
        out: dict[int, dict[str, Any]] = {}
        for r in rows:
            out.pop(r["paper_id"], None)  # re-insert so the dict keeps the order of the latest decisions
            out[r["paper_id"]] = _entry(r)
        return out
    by_rev, resolution, _ = _per_reviewer(rows)
    chosen = {}
    for pid in set(by_rev) | set(resolution):
        row = resolution.get(pid) or _resolved(by_rev[pid])
        if row is not None:
            chosen[pid] = row
    return {pid: _entry(r) for pid, r in sorted(chosen.items(), key=lambda kv: kv[1]["id"])}


def screening_sequence(lib, collection: Optional[str] = None, reviewer: Optional[str] = None) -> list[tuple[int, str]]:
    """(paper id, current decision) in the order the papers were first screened (re-deciding a paper
    changes its label, not its place): the record the stopping test reads."""
    rows = lib.decision_rows(collection_id(lib, collection), reviewer=reviewer)
    first: dict[int, int] = {}
    for r in rows:
        first.setdefault(r["paper_id"], r["id"])
    current = current_decisions(lib, collection, reviewer)
    return [(pid, current[pid]["decision"]) for pid in sorted(current, key=lambda p: first[p])]


def conflicts(lib, collection: Optional[str] = None) -> list[dict[str, Any]]:
    """Papers the reviewers decided differently and nobody has resolved yet:
    [{paper_id, decisions: {reviewer: {decision, reason}}}], in the order they were first screened."""
    by_rev, resolution, first = _per_reviewer(lib.decision_rows(collection_id(lib, collection)))
    out = []
    for pid in sorted(by_rev, key=lambda p: first[p]):
        if pid not in resolution and _resolved(by_rev[pid]) is None:
            out.append({"paper_id": pid, "decisions": {rev: {"decision": r["decision"], "reason": r["reason"]}
                                                       for rev, r in sorted(by_rev[pid].items())}})
    return out


def reviewers(lib, collection: Optional[str] = None) -> list[str]:
    return lib.reviewers(collection_id(lib, collection))


def agreement(lib, collection: Optional[str] = None) -> Optional[dict[str, Any]]:
    """Cohen's kappa between the first two reviewers of the scope, over the papers both screened
    (include / exclude / maybe; postpone left out). None with fewer than two reviewers."""
    revs = [r for r in reviewers(lib, collection)]
    if len(revs) < 2:
        return None
    a, b = revs[0], revs[1]
    da = current_decisions(lib, collection, a)
    db = current_decisions(lib, collection, b)
    both = [p for p in da if p in db and da[p]["decision"] in SCREENED and db[p]["decision"] in SCREENED]
    ya = [da[p]["decision"] for p in both]
    yb = [db[p]["decision"] for p in both]
    out = {"reviewers": [a, b], "papers": len(both), "agreed": sum(x == y for x, y in zip(ya, yb)), "kappa": None,
           "unresolved_conflicts": len(conflicts(lib, collection))}
    if both:
        out["observed_agreement"] = round(out["agreed"] / len(both), 4)
    if len(set(ya) | set(yb)) > 1:
        from sklearn.metrics import cohen_kappa_score

        out["kappa"] = round(float(cohen_kappa_score(ya, yb)), 4)
    return out


def decision_log(lib, collection: Optional[str] = None, include_undone: bool = True,
                 paper_id: Optional[int] = None) -> list[dict[str, Any]]:
    return lib.decision_rows(collection_id(lib, collection), include_undone=include_undone, paper_id=paper_id)
