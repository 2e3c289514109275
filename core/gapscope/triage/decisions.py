"""Screening decisions: an append-only log, one committed transaction per decision.

Every row carries its reviewer ('' for a one-person review). A reviewer's current decision on a paper
in a scope (a collection, or the whole library when collection is None) is their latest row there that
was not undone: re-deciding any paper adds a row and keeps the log. Undo stamps the latest live row
undone, so the previous decision (if any) becomes current again; nothing is ever deleted.

With two or more named reviewers (blind dual screening) a paper's resolved decision is: the latest
resolution if there is one, else the reviewers' decision when at least two of them screened it and all
who did agree. A paper only one reviewer has screened is awaiting a second reviewer (``awaiting_second``):
it has no decision yet, however sure that one reviewer was. Papers where they disagree are conflicts
until someone resolves them (``resolve``). That resolved decision is the one definition of a paper's
decision in a scope: PRISMA counts, the included list, ``export --included``, the sidebar and the stats
all read it from :func:`current_decisions` (open conflicts and papers awaiting a second reviewer are in
none of them: both count as not screened yet). With one reviewer (named or not) a paper's decision is
simply its latest one.

Once named reviewers screen a scope, a decision without a name is not a third vote: on a conflict it is
the resolution; on any other paper it is refused (:class:`ReviewerNeeded`), since it would silently
override or pre-empt the named reviewers (use ``resolve`` with ``force`` for that, on purpose).
"""

from __future__ import annotations

from typing import Any, Iterable, Optional

from ..store.library import LibraryError, now_iso
from ..store.triage import NOT_CHECKED
from ..vocabulary import DECISIONS
from ..textfmt import plural

# Decisions that count as screened (postpone is "not now").
SCREENED = tuple(d for d in DECISIONS if d != "postpone")


class ReviewerNeeded(LibraryError):
    """An unnamed decision on a paper that is not a conflict, in a scope named reviewers screen."""


class NotAConflict(LibraryError):
    """``resolve`` on a paper the reviewers did not decide differently (pass ``force`` to override)."""


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
    reviewer = (reviewer or "").strip()
    try:
        # An unnamed decision's kind depends on whether the paper is a conflict now: looked at under the
        # write lock, so another process's decision cannot change that between the look and the write.
        with lib.transaction():
            if not reviewer and origin == "user":
                origin = _unnamed_origin(lib, paper_id, cid, decision, collection)
            return lib.insert_decision(paper_id, cid, decision, reason, origin, reviewer, now_iso(), seen=seen)
    except LibraryError as exc:
        if collection is not None and "collection" in str(exc) and not isinstance(exc, ReviewerNeeded):
            raise LibraryError(f"paper {paper_id} is not in collection {collection!r}") from exc
        raise


def named_reviewers(lib, collection: Optional[str] = None) -> list[str]:
    """The scope's reviewers who screen by name (a blank name is a one-person review, not a reviewer)."""
    return [r for r in reviewers(lib, collection) if r]


def _scope_label(collection: Optional[str]) -> str:
    return f"collection {collection!r}" if collection else "the whole library"


def _unnamed_origin(lib, paper_id: int, cid: Optional[int], decision: str, collection: Optional[str]) -> str:
    """What an unnamed decision is: a plain one (no named reviewers), or, in a dual-screened scope, the
    resolution of the paper's conflict. Any other unnamed decision there is refused."""
    names = [r for r in lib.reviewers(cid) if r]
    if not names:
        return "user"
    who = ", ".join(names)
    if paper_conflict(lib, paper_id, collection) is None:
        raise ReviewerNeeded(
            f"{_scope_label(collection)} is screened by named reviewers ({who}) and paper {paper_id} is not a "
            f"conflict between them: give your reviewer name (--reviewer NAME; in the app, the reviewer field), "
            f"or settle it for all reviewers with `gapscope triage resolve {paper_id} DECISION --force`")
    if decision == "postpone":
        raise ReviewerNeeded(f"paper {paper_id} is a conflict between {who}: resolve it with include, exclude "
                             "or maybe (a postpone settles nothing)")
    return "resolution"


def paper_conflict(lib, paper_id: int, collection: Optional[str] = None) -> Optional[dict[str, dict]]:
    """{reviewer: {decision, reason}} when the paper is an open conflict in the scope, else None."""
    rows = lib.decision_rows(collection_id(lib, collection), paper_id=paper_id)
    by_rev, resolution, _ = _per_reviewer(rows)
    if paper_id in resolution or paper_id not in by_rev or _resolved(by_rev[paper_id]) is not None:
        return None
    return {rev: {"decision": r["decision"], "reason": r["reason"]} for rev, r in sorted(by_rev[paper_id].items())}


def own_decision(lib, paper_id: int, collection: Optional[str] = None, reviewer: str = "") -> Optional[int]:
    """The id of ``reviewer``'s decision in force on the paper (None: they have none): what to pass as
    ``seen`` to :func:`decide` for the paper being shown."""
    row = lib.own_decision(paper_id, collection_id(lib, collection), (reviewer or "").strip())
    return row["id"] if row is not None else None


def seed(lib, paper_ids: Iterable[int], collection: Optional[str] = None, reviewer: str = "") -> list[int]:
    """Mark known relevant papers (before or during screening): include decisions with origin 'seed'.

    In a scope named reviewers screen, a seed needs a reviewer's name: an unnamed one would be a third
    reviewer's include (and a conflict with a reviewer who excluded the paper), so it is refused, for all
    the papers, before anything is written (as an unnamed decision on a paper that is not a conflict is)."""
    reviewer = (reviewer or "").strip()
    paper_ids = list(paper_ids)
    with lib.transaction():
        if not reviewer:
            names = named_reviewers(lib, collection)
            if names:
                raise ReviewerNeeded(
                    f"{_scope_label(collection)} is screened by named reviewers ({', '.join(names)}): a seed says "
                    "whose known relevant paper it is; seed it under your reviewer name "
                    "(`gapscope triage seed PAPER --reviewer NAME`), or settle a paper for all reviewers with "
                    "`gapscope triage resolve PAPER include --force`")
        return [decide(lib, pid, "include", collection=collection, origin="seed", reviewer=reviewer)
                for pid in paper_ids]


def resolve(lib, paper_id: int, decision: str, reason: Optional[str] = None, collection: Optional[str] = None,
            reviewer: str = "", force: bool = False) -> int:
    """Settle a conflict between reviewers: the paper's decision from now on, whatever they said.
    On a paper that is not a conflict (the reviewers agreed, or one decided) it would override their
    decision: :class:`NotAConflict` unless ``force``."""
    with lib.transaction():                    # the check and the write under one write lock
        if not force and paper_conflict(lib, paper_id, collection) is None:
            now = current_decisions(lib, collection).get(paper_id)
            one = next((a for a in awaiting_second(lib, collection) if a["paper_id"] == paper_id), None)
            what = (f"its decision is {now['decision']}" + (" (agreed by the reviewers)" if now["origin"] != "resolution"
                                                             else " (resolved)") if now
                    else f"only {one['reviewer'] or 'an unnamed reviewer'} has screened it ({one['decision']}); it awaits "
                         "a second reviewer" if one else "nobody has decided it")
            raise NotAConflict(f"paper {paper_id} is not a conflict: {what}; resolving it would override that "
                               "(--force to do so)")
        return decide(lib, paper_id, decision, reason=reason, collection=collection, origin="resolution",
                      reviewer=reviewer)


def undo(lib, collection: Optional[str] = None, reviewer: Optional[str] = None,
         decision_id: Optional[int] = None) -> Optional[dict[str, Any]]:
    """Undo the latest live decision in the scope (``reviewer``'s latest when given); returns it as it is
    after the undo (``undone_at`` set), or None when there is nothing to undo.

    In a scope named reviewers screen, undo follows decide's rule: a reviewer undoes their own latest
    decision (``reviewer``); without a name the only decision that is anyone's to undo is a resolution
    made without a name, and only while it is the scope's latest decision. Anything else is refused
    (:class:`ReviewerNeeded`, naming the latest decision): an unnamed undo never reaches back past the
    reviewers' work to an older, unrelated decision.

    ``decision_id``: undo that decision only (a window undoes the decision it made, not whatever was
    decided last by anyone); :class:`~gapscope.store.triage.NotLiveDecision` when it is no longer the
    paper's decision in force (undone, or the paper decided again since)."""
    if decision_id is not None:
        return lib.undo_decision(decision_id, now_iso())
    cid = collection_id(lib, collection)
    reviewer = reviewer.strip() if reviewer else None
    if reviewer:
        return lib.undo_latest_decision(cid, reviewer, now_iso())
    with lib.transaction():                 # the look and the undo under one write lock
        names = [r for r in lib.reviewers(cid) if r]
        if not names:
            return lib.undo_latest_decision(cid, None, now_iso())
        latest = lib.latest_live_decision(cid)
        if latest is None:
            return None
        if latest["origin"] == "resolution" and not latest["reviewer"]:
            return lib.undo_decision(latest["id"], now_iso())
        raise ReviewerNeeded(
            f"{_scope_label(collection)} is screened by named reviewers ({', '.join(names)}): undo your own latest "
            f"decision with --reviewer NAME (in the app, the reviewer field); without a name only a resolution made "
            f"last is undone, and the latest decision here is {describe_decision(latest)}"
            + ("" if latest["reviewer"] else " (made without a name)") + f"; to change an older "
            f"decision, decide that paper again")


def describe_decision(row: dict[str, Any]) -> str:
    """"alice's include of paper 3", "the resolution (exclude) of paper 2", "include of paper 1"."""
    if row["origin"] == "resolution":
        return f"the resolution ({row['decision']}) of paper {row['paper_id']}" + (
            f" by {row['reviewer']}" if row["reviewer"] else "")
    who = f"{row['reviewer']}'s " if row["reviewer"] else ""
    what = "seed (include)" if row["origin"] == "seed" else row["decision"]
    return f"{who}{what} of paper {row['paper_id']}"


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


def dual_screened(names: Iterable[str]) -> bool:
    """Whether a scope with these reviewers is dual screened: two or more of them screen by name."""
    return len({n for n in names if n}) >= 2


def _screened_by_one(latest: dict[str, dict]) -> Optional[dict]:
    """The one reviewer's row when exactly one reviewer has screened the paper (include, exclude or
    maybe; a postpone is not screening it), else None."""
    real = [r for r in latest.values() if r["decision"] in SCREENED]
    return real[0] if len(real) == 1 else None


def _scope_names(rows) -> set[str]:
    """The named reviewers among a scope's live rows (a resolution does not make a reviewer)."""
    return {r["reviewer"] for r in rows if r["reviewer"] and r["origin"] != "resolution"}


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
    dual = dual_screened(_scope_names(rows))
    chosen = {}
    for pid in set(by_rev) | set(resolution):
        if pid not in resolution and dual and _screened_by_one(by_rev[pid]) is not None:
            continue            # awaiting a second reviewer: no decision yet
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


def unresolved_count(lib, collection: Optional[str] = None) -> int:
    """How many of the scope's papers are open reviewer conflicts (so not among the included ones)."""
    scope = None if collection is None else set(lib.list_paper_ids(collection=collection))
    return sum(1 for c in conflicts(lib, collection) if scope is None or c["paper_id"] in scope)


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


def awaiting_second(lib, collection: Optional[str] = None) -> list[dict[str, Any]]:
    """In a dual-screened scope, the papers only one reviewer has screened (and nobody resolved):
    [{paper_id, reviewer, decision}], in the order they were first screened. They are neither included
    nor excluded until a second reviewer screens them (or ``resolve --force`` settles them). Empty
    when fewer than two named reviewers screen the scope."""
    rows = lib.decision_rows(collection_id(lib, collection))
    if not dual_screened(_scope_names(rows)):
        return []
    by_rev, resolution, first = _per_reviewer(rows)
    out = []
    for pid in sorted(by_rev, key=lambda p: first[p]):
        one = None if pid in resolution else _screened_by_one(by_rev[pid])
        if one is not None:
            out.append({"paper_id": pid, "reviewer": one["reviewer"], "decision": one["decision"]})
    return out


def awaiting_count(lib, collection: Optional[str] = None) -> int:
    """How many of the scope's papers await a second reviewer (so not among the included ones)."""
    scope = None if collection is None else set(lib.list_paper_ids(collection=collection))
    return sum(1 for a in awaiting_second(lib, collection) if scope is None or a["paper_id"] in scope)


def reviewers(lib, collection: Optional[str] = None) -> list[str]:
    return lib.reviewers(collection_id(lib, collection))


def agreement(lib, collection: Optional[str] = None) -> Optional[dict[str, Any]]:
    """Cohen's kappa between the first two named reviewers of the scope (by name), over the papers both
    screened (include / exclude / maybe; postpone left out). Seeds are left out: a paper a reviewer
    marked as known relevant was not screened blind. None with fewer than two named reviewers."""
    revs = named_reviewers(lib, collection)
    if len(revs) < 2:
        return None
    a, b = revs[0], revs[1]
    da = current_decisions(lib, collection, a)
    db = current_decisions(lib, collection, b)
    both = [p for p in da if p in db and da[p]["decision"] in SCREENED and db[p]["decision"] in SCREENED
            and da[p]["origin"] != "seed" and db[p]["origin"] != "seed"]
    ya = [da[p]["decision"] for p in both]
    yb = [db[p]["decision"] for p in both]
    seeds = sum(1 for p in da if p in db and "seed" in (da[p]["origin"], db[p]["origin"]))
    out = {"reviewers": [a, b], "papers": len(both), "seeds_left_out": seeds,
           "agreed": sum(x == y for x, y in zip(ya, yb)), "kappa": None,
           "unresolved_conflicts": len(conflicts(lib, collection))}
    if both:
        out["observed_agreement"] = round(out["agreed"] / len(both), 4)
    if len(set(ya) | set(yb)) > 1:
        from sklearn.metrics import cohen_kappa_score

        out["kappa"] = round(float(cohen_kappa_score(ya, yb)), 4)
    return out


def included_ids(lib, collection: Optional[str] = None) -> list[int]:
    """Papers whose resolved decision in the scope is include (open conflicts are not), by id."""
    return sorted(pid for pid, d in current_decisions(lib, collection).items() if d["decision"] == "include")


def decisions_elsewhere(lib, collection: Optional[str] = None) -> dict[str, int]:
    """For the whole library with no screening decisions of its own: {collection: live decisions} of the
    collections that hold some (each collection keeps its own decisions, so a command without
    ``--collection`` does not see them); empty otherwise."""
    if collection is not None:
        return {}
    counts = lib.live_decisions_by_collection()
    if counts.get(None):
        return {}
    return {name: n for name, n in counts.items() if name is not None}


def whole_library_screening(lib) -> Optional[str]:
    """The collection whose decisions are the whole library's screening, or None: the whole library has no
    decisions of its own, one collection holds all of them, and that collection holds every paper of the
    library, so that its screening is a screening of the whole library (the bundled sample puts every paper
    in collection "sample"; its screening vanished from a whole-library report). A collection holding
    part of the library is not: its decisions say nothing about the other papers."""
    where = decisions_elsewhere(lib)
    if len(where) != 1:
        return None
    (name,) = where
    return name if dict(lib.list_collections()).get(name) == lib.count_papers() else None


def elsewhere_hint(lib, collection: Optional[str] = None) -> str:
    """'; your 826 decisions are in collection 'adhd': add -c adhd' when the whole library has none of
    its own (see :func:`decisions_elsewhere`), else ''."""
    return elsewhere_text(decisions_elsewhere(lib, collection))


def elsewhere_text(where: Optional[dict[str, int]], command: str = "") -> str:
    """The hint of :func:`elsewhere_hint` from :func:`decisions_elsewhere`'s answer: "add -c NAME" to the
    command it follows, or with ``command`` (a command without -c, "gapscope report") that command in full."""
    if not where:
        return ""
    if len(where) == 1:
        (name, n), = where.items()
        to_do = f"use `{command} --collection {_shell_word(name)}`" if command else f"add -c {_shell_word(name)}"
        return f"; your {plural(n, 'screening decision')} {plural(n, 'is', number=False)} in collection {name!r}: {to_do}"
    listed = ", ".join(f"{name!r} ({n:,})" for name, n in where.items())
    to_do = f"use `{command} --collection NAME`" if command else "add -c NAME"
    return f"; your screening decisions are in collections {listed}: {to_do}"


def _shell_word(name: str) -> str:
    import shlex

    return shlex.quote(name)


def decision_log(lib, collection: Optional[str] = None, include_undone: bool = True,
                 paper_id: Optional[int] = None) -> list[dict[str, Any]]:
    return lib.decision_rows(collection_id(lib, collection), include_undone=include_undone, paper_id=paper_id)
