"""`gapscope triage next | decide | undo | seed | stats | log | scope | conflicts | resolve | export | reasons | simulate`,
`gapscope collection list | create | rename | add | remove` and
`gapscope annotate note | show | highlight | unhighlight | terms | correct-facet | uncorrect-facet | restore-facet`."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..vocabulary import CORRECTION_LABELS, DECISIONS, SENTENCE_ROLES, SHORTCOMINGS, correction_labels
from .common import (EXIT_CANCELLED, EXIT_ERROR, EXIT_NOT_FOUND, EXIT_USAGE, confirm, device_option, emit_json,
                     fail, force_option, pass_library, progress_bar, refuse_existing, resolve_paper, wrap_paragraph,
                     stdout_output_option, tag_list)
from ..textfmt import plural

_collection_opt = click.option("--collection", "-c", help="Screen this collection (default: the whole library).")
_reviewer_opt = click.option("--reviewer", "-r", default=None,
                             help="Screen as this reviewer (blind dual screening: each sees only their own decisions).")


def _scope_opts(f):
    """--collection plus the narrowing options: a search, a tag, a map cluster."""
    f = click.option("--cluster", help="Only the papers of a map cluster: FACET:N (latest map, e.g. topic:3) or MAP_ID:N.")(f)
    f = click.option("--tag", "tag", help="Only papers with this tag.")(f)
    f = click.option("--query", "-q", "query", help="Only papers matching this full-text search.")(f)
    return _collection_opt(f)


def _scope(lib, collection, query=None, tag=None, cluster=None):
    from ..store import LibraryError
    from ..triage import Scope, parse_cluster

    _check_collection(lib, collection)
    try:
        return Scope(collection=collection, query=query or None, tag=tag or None,
                     cluster=parse_cluster(lib, cluster) if cluster else None)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)


def _check_collection(lib, collection):
    from ..store import LibraryError

    if collection is not None:
        try:
            lib.collection_id(collection)
        except LibraryError as exc:
            fail(str(exc), EXIT_NOT_FOUND)


@click.group()
def triage() -> None:
    """Screen papers with active learning: the next paper is the one most likely relevant."""


@triage.command("next")
@_scope_opts
@_reviewer_opt
@click.option("-n", "--n", "n", default=1, show_default=True, type=click.IntRange(min=1), help="How many papers to show.")
@click.option("--explore", default=0.0, show_default=True, type=click.FloatRange(0, 1),
              help="Fraction of picks drawn at random instead of by the model (keeps it from locking onto one subtopic).")
@click.option("--abstract/--no-abstract", default=True, help="Print the abstracts (text output).")
@click.option("--stopping", "with_stopping", is_flag=True,
              help='With --json: one object, {"papers": [...], "stopping": {...}}, the stopping figures those of '
                   '`triage stats --json`, instead of the list of papers.')
@click.option("--json", "as_json", is_flag=True,
              help='Print the papers as JSON. Each has "probability" (of relevance, 0 to 1; null before the '
                   'classifier, which needs an include and an exclude) and "score", what orders the queue, on the '
                   'scale "score_kind" names: none (0, library order: no include yet), similarity (to the included '
                   'papers: no exclude yet) or decision_value (the classifier\'s log-odds, unbounded). Compare '
                   'or threshold scores of one kind only.')
@pass_library
def triage_next(ref, collection, query, tag, cluster, reviewer, n, explore, abstract, with_stopping, as_json) -> None:
    """The next papers to screen."""
    from ..store import LibraryError
    from ..triage import TriageSession

    if with_stopping and not as_json:
        fail("--stopping goes with --json (`gapscope triage stats` says the stopping figures in words)", EXIT_USAGE)
    lib = ref.open()
    try:
        session = TriageSession(lib, scope=_scope(lib, collection, query, tag, cluster), reviewer=reviewer)
        queue = session.queue(n, explore)
        # only when asked: a script that reads the list (what --json always printed) keeps it, and its speed
        stopping = session.stopping() if with_stopping else None
    except LibraryError as exc:
        fail(str(exc))
    papers = {p.id: p for p in lib.get_papers([q["paper_id"] for q in queue])}
    rows = [dict(q, title=papers[q["paper_id"]].title, year=papers[q["paper_id"]].year,
                 arxiv_id=papers[q["paper_id"]].arxiv_id, doi=papers[q["paper_id"]].doi,
                 abstract=papers[q["paper_id"]].abstract) for q in queue]
    if as_json:
        emit_json({"papers": rows, "stopping": stopping} if with_stopping else rows)
        return
    if not rows:
        click.echo("nothing to screen: this scope holds no papers" if not session.paper_ids
                   else "nothing left to screen", err=True)
        return
    for r in rows:
        click.secho(f"[{r['paper_id']}] {r['title']}", bold=True)
        click.echo(f"    {rank_text(r)}  ({r['why']})  {r['year'] or ''} {r['arxiv_id'] or r['doi'] or ''}")
        if r.get("conflict"):
            click.echo(f"    conflict: {_said(r['conflict'])}; a decision without --reviewer resolves it")
        if abstract and r["abstract"]:
            click.echo(wrap_paragraph(r["abstract"], indent="    "))
        click.echo()


@triage.command("decide")
@click.argument("paper")
@click.argument("decision", type=click.Choice(DECISIONS), metavar="DECISION")
@click.option("--reason", help="Exclusion reason (one of `gapscope triage reasons`).")
@_collection_opt
@_reviewer_opt
@click.option("--expect", type=click.Choice(("none",) + DECISIONS),
              help="The decision you were shown for PAPER (none: undecided, as `triage next` shows it); when "
                   "another window or process changed it since, nothing is recorded (exit 1).")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def triage_decide(ref, paper, decision, reason, collection, reviewer, expect, as_json) -> None:
    """Record a DECISION (include, exclude, maybe or postpone) on PAPER (library id, arXiv id or DOI); it is
    saved at once. Deciding a paper again re-decides it: the earlier decision stays in the log
    (`gapscope triage log PAPER`)."""
    from ..store import LibraryError
    from ..store.triage import NOT_CHECKED
    from ..triage import decide
    from ..triage.decisions import collection_id, paper_conflict

    lib = ref.open()
    _check_collection(lib, collection)
    pid = resolve_paper(lib, paper)
    seen = NOT_CHECKED
    if expect is not None:
        # what is in force now must be what the caller was shown; decide() checks it again under the write lock
        now = lib.own_decision(pid, collection_id(lib, collection), (reviewer or "").strip())
        if (now["decision"] if now else "none") != expect:
            is_now = f"was decided elsewhere ({now['decision']}, at {now['decided_at']})" if now else "has no decision now"
            fail(f"paper {pid} {is_now}, not {expect}; nothing was recorded")
        seen = now["id"] if now else None
    # without a name, in a dual-screened scope, a decision on a conflict is its resolution
    conflict = None if (reviewer or "").strip() else paper_conflict(lib, pid, collection)
    try:
        did = decide(lib, pid, decision, reason=reason, collection=collection, reviewer=reviewer or "", seen=seen)
    except LibraryError as exc:
        fail(str(exc))
    if as_json:
        emit_json({"id": did, "paper_id": pid, "decision": decision, "reason": reason, "collection": collection,
                   "reviewer": reviewer or "", "resolution": conflict is not None})
    else:
        click.echo(f"{decision} {pid}" + (f" ({reason})" if reason else "") + (f" by {reviewer}" if reviewer else "")
                   + (f": resolves the conflict ({_said(conflict)})" if conflict else ""))


@triage.command("undo")
@_collection_opt
@_reviewer_opt
@click.option("--json", "as_json", is_flag=True)
@pass_library
def triage_undo(ref, collection, reviewer, as_json) -> None:
    """Undo the latest decision (the one before it, if any, becomes current again). To fix an older
    decision, decide that paper again instead. Where named reviewers screen, each undoes their own latest
    with --reviewer NAME; without a name only a resolution made last is undone (as decide, anything else
    is refused)."""
    from ..store import LibraryError
    from ..triage import undo
    from ..triage.decisions import describe_decision

    lib = ref.open()
    _check_collection(lib, collection)
    try:
        undone = undo(lib, collection, reviewer)
    except LibraryError as exc:             # named reviewers and no name: what decide refuses too
        fail(str(exc))
    if as_json:
        emit_json(undone)
    elif undone is None:
        click.echo("nothing to undo" + (f" by {reviewer}" if reviewer else "") + _elsewhere_hint(lib, collection),
                   err=True)
    else:
        click.echo(f"undid {describe_decision(undone)} (decided {undone['decided_at']})")


@triage.command("seed")
@click.argument("papers", nargs=-1, required=True)
@_collection_opt
@_reviewer_opt
@pass_library
def triage_seed(ref, papers, collection, reviewer) -> None:
    """Mark known relevant papers (any time, also mid-way); the model learns from them at once."""
    from ..store import LibraryError
    from ..triage import seed

    lib = ref.open()
    _check_collection(lib, collection)
    ids = [resolve_paper(lib, p) for p in papers]
    try:
        seed(lib, ids, collection, reviewer=reviewer or "")
    except LibraryError as exc:
        fail(str(exc))
    click.echo(f"seeded {plural(len(ids), 'relevant paper')}")


@triage.command("stats")
@_scope_opts
@_reviewer_opt
@click.option("--json", "as_json", is_flag=True)
@pass_library
def triage_stats_cmd(ref, collection, query, tag, cluster, reviewer, as_json) -> None:
    """Progress, the stopping test and the unseen-relevant estimate (with the rule they use), and the
    reviewers' agreement."""
    from ..store import LibraryError
    from ..triage import triage_stats
    from ..triage.stopping import add_readiness

    lib = ref.open()
    try:
        s = triage_stats(lib, scope=_scope(lib, collection, query, tag, cluster), reviewer=reviewer)
    except LibraryError as exc:
        fail(str(exc))
    add_readiness(s)
    if as_json:
        emit_json(s)
        return
    for line in stats_lines(s):
        click.echo(line)


def stats_lines(s: dict) -> list[str]:
    """`triage stats` as text (also what the report and the app say, in their own layout)."""
    from ..triage.stopping import describe

    from ..triage.decisions import elsewhere_text

    lines = [f"scope: {s['scope']}" + (f"; reviewer {s['reviewer']}" if s.get("reviewer") else "")]
    if s["empty"]:
        return lines + ["nothing to screen: this scope holds no papers"]
    lines.append(f"{s['screened']} of {s['total']} screened: {s['include']} included ({s['seeds']} seeds), "
                 f"{s['exclude']} excluded, {s['maybe']} maybe; {s['postpone']} postponed; {s['unseen']} unseen"
                 + elsewhere_text(s.get("decisions_elsewhere")))
    for r, k in sorted(s["exclusion_reasons"].items(), key=lambda x: -x[1]):
        lines.append(f"  excluded: {r}: {k}")
    if s.get("conflicts"):
        lines.append(f"conflicts between reviewers, not resolved: {s['conflicts']} (`gapscope triage conflicts`)")
    if s.get("awaiting_second"):
        lines.append(f"awaiting a second reviewer: {s['awaiting_second']} (screened by one reviewer only: not screened, "
                     "included or excluded until another reviewer screens them)")
    ag = s.get("agreement")
    if ag:
        kappa = "undefined (one category only)" if ag["kappa"] is None else f"{ag['kappa']:.2f}"
        lines.append(f"agreement {ag['reviewers'][0]} vs {ag['reviewers'][1]} on {ag['papers']} papers both screened: "
                     f"Cohen's kappa {kappa}, {ag['agreed']} agreed"
                     + (f" (seeds left out: {ag['seeds_left_out']})" if ag.get("seeds_left_out") else ""))
    if s.get("model"):
        lines.append(f"queue ranked by {s['ranking']}")
        lines.append(click.wrap_text("ranking model: " + s["model"]["text"], 100, subsequent_indent="  "))
    lines += describe(s["stopping"], s["unseen"], s["screened"])
    lines.append(click.wrap_text("rule: " + s["stopping"]["rule"], 100, subsequent_indent="  "))
    return lines


@triage.command("log")
@click.argument("paper")
@_collection_opt
@click.option("--json", "as_json", is_flag=True)
@pass_library
def triage_log(ref, paper, collection, as_json) -> None:
    """Every decision ever made on PAPER (undone and replaced ones too), oldest first."""
    from ..triage import decision_log

    lib = ref.open()
    _check_collection(lib, collection)
    rows = decision_log(lib, collection, paper_id=resolve_paper(lib, paper))
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no decisions on this paper", err=True)
    for r in rows:
        click.echo(f"{r['decided_at']}  {r['decision']:<8}" + (f" ({r['reason']})" if r["reason"] else "")
                   + (f" by {r['reviewer']}" if r["reviewer"] else "") + (f" [{r['origin']}]" if r["origin"] != "user" else "")
                   + (f"  undone {r['undone_at']}" if r["undone_at"] else ""))


@triage.command("scope")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def triage_scope(ref, as_json) -> None:
    """The list the desktop app screens this library over (kept with the library; it opens on it again)."""
    from ..triage.kept_scope import kept_scope, scope_record

    from ..store import LibraryError

    lib = ref.open()
    kept = kept_scope(lib)
    try:
        # the view keeps what its search box holds, a search that does not parse too: said, as `triage next` does
        papers = len(kept.scope.paper_ids(lib)) if kept is not None else 0
    except LibraryError as exc:
        fail(f"the list kept, {kept.describe()}, does not run: {exc}")
    if as_json:
        emit_json(None if kept is None else {**scope_record(kept), "gone": list(kept.gone), "papers": papers})
        return
    if kept is None:
        click.echo("no screening list kept: the app screens the whole library")
        return
    if kept.gone:
        click.echo(f"the list kept is gone ({', '.join(kept.gone)} no longer in the library): "
                   f"the app screens {kept.scope.describe()} instead")
        return
    click.echo(f"{kept.describe()}: {plural(papers, 'paper')}")


@triage.command("conflicts")
@_collection_opt
@click.option("--json", "as_json", is_flag=True)
@pass_library
def triage_conflicts(ref, collection, as_json) -> None:
    """Papers the reviewers decided differently, for resolution (`gapscope triage resolve`)."""
    from ..triage import conflicts

    lib = ref.open()
    _check_collection(lib, collection)
    rows = conflicts(lib, collection)
    papers = {p.id: p for p in lib.get_papers([r["paper_id"] for r in rows])}
    for r in rows:
        r["title"] = papers[r["paper_id"]].title
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no conflicts to resolve", err=True)
    for r in rows:
        click.echo(f"[{r['paper_id']}] {r['title']}\n    {_said(r['decisions'])}")


def rank_text(q: dict) -> str:
    """What put a queue entry where it is, in words: the classifier's probability, or what ranks the queue
    before there is a classifier (library order; similarity to the included papers)."""
    if q.get("probability") is not None:
        return f"p(relevant) {q['probability']:.2f}"
    return {"library order": "no classifier yet (library order until a paper is included)",
            "similarity": "no classifier yet (needs an exclude): ranked by similarity to the included papers",
            }.get(q.get("ranked_by"), "no classifier yet")


def _elsewhere_hint(lib, collection) -> str:
    from ..triage.decisions import elsewhere_hint

    return elsewhere_hint(lib, collection)


def _said(decisions: dict) -> str:
    """'ann: include; bob: exclude (off topic)' from {reviewer: {decision, reason}}."""
    return "; ".join(f"{rev or '(no reviewer)'}: {d['decision']}" + (f" ({d['reason']})" if d["reason"] else "")
                     for rev, d in decisions.items())


@triage.command("resolve")
@click.argument("paper")
@click.argument("decision", type=click.Choice(["include", "exclude", "maybe"]), metavar="DECISION")
@click.option("--reason", help="Exclusion reason (one of `gapscope triage reasons`).")
@_collection_opt
@_reviewer_opt
@click.option("--force", is_flag=True, help="Also on a paper that is not a conflict (overrides the reviewers' decision).")
@pass_library
def triage_resolve(ref, paper, decision, reason, collection, reviewer, force) -> None:
    """Settle a conflict: PAPER's DECISION (include, exclude or maybe) from now on (the reviewers' decisions
    stay in the log). On a paper the reviewers agreed on (or one decided) it is refused unless --force."""
    from ..store import LibraryError
    from ..triage import resolve

    lib = ref.open()
    _check_collection(lib, collection)
    pid = resolve_paper(lib, paper)
    try:
        resolve(lib, pid, decision, reason=reason, collection=collection, reviewer=reviewer or "", force=force)
    except LibraryError as exc:
        fail(str(exc))
    click.echo(f"resolved {pid}: {decision}" + (f" ({reason})" if reason else ""))


@triage.command("export")
@_collection_opt
@click.option("--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True,
              help="csv: one row per decision (a spreadsheet); json: a list of objects.")
@click.option("--log", "full_log", is_flag=True, help="Every decision ever made (with undone ones), not just current ones.")
@stdout_output_option("Write here instead of stdout (- : stdout); an existing file is kept unless --force.")
@force_option
@pass_library
def triage_export(ref, collection, fmt, full_log, output, force) -> None:
    """Export decisions with paper ids, titles, the records they came from (FILE#ID: the id, key or line of
    the imported file's record, to join them back), reasons and times."""
    from ..outfiles import write_atomic
    from ..triage.export import decisions_text

    if output:
        refuse_existing(output, force)
    lib = ref.open()
    _check_collection(lib, collection)
    text, n = decisions_text(lib, fmt, collection, full_log)
    if output:
        write_atomic(output, text)
        click.echo(f"wrote {plural(n, 'decision')} to {output}", err=True)
    else:
        click.echo(text, nl=False)


@triage.group("reasons", invoke_without_command=True)
@pass_library
@click.pass_context
def triage_reasons(ctx, ref) -> None:
    """List the exclusion reasons (add / remove to edit the list)."""
    if ctx.invoked_subcommand is None:
        from ..triage import list_reasons

        for r in list_reasons(ref.open()):
            click.echo(r)


@triage_reasons.command("add")
@click.argument("name")
@pass_library
def reasons_add(ref, name) -> None:
    """Add NAME to the exclusion reasons (`triage decide PAPER exclude --reason NAME`)."""
    from ..store import LibraryError
    from ..triage import add_reason

    try:
        added = add_reason(ref.open(), name)
    except LibraryError as exc:
        fail(str(exc))
    click.echo(f"added {name!r}" if added else f"{name!r} is already in the list")


@triage_reasons.command("remove")
@click.argument("name")
@pass_library
def reasons_remove(ref, name) -> None:
    """Remove NAME from the exclusion reasons (decisions that gave it keep it)."""
    from ..triage import remove_reason

    if not remove_reason(ref.open(), name):
        fail(f"no exclusion reason {name!r}", EXIT_NOT_FOUND)
    click.echo(f"removed {name!r} (earlier decisions keep it)")


@triage.command("simulate")
@click.argument("dataset", type=click.Path(dir_okay=False))
@click.option("--runs", default=5, show_default=True, help="Seeded runs (seeds S, S+1, ...).")
@click.option("--seed", default=1, show_default=True, help="First seed.")
@click.option("--embeddings/--no-embeddings", default=True, show_default=True,
              help="Add MiniLM sentence embeddings to the TF-IDF features.")
@click.option("--retrain-every", default=1, show_default=True, help="Retrain after this many decisions (1 = every decision).")
@click.option("--plot", "plot", type=click.Path(dir_okay=False), help="Recall curve PNG (default: <dataset>-recall.png here).")
@click.option("--no-plot", is_flag=True, help="Do not write the PNG.")
@click.option("--json", "as_json", is_flag=True,
              help='Print {"wss95": MEAN, "recall_at_10": MEAN, "runs": [...], "stopping": {...}, "calibration": {...}}.')
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@device_option()
def triage_simulate(dataset, runs, seed, embeddings, retrain_every, plot, no_plot, as_json, quiet) -> None:
    """Replay a labelled review (CSV: title, abstract, label_included) and measure the work saved:
    WSS@95, recall at 10 % screened, and the recall curve."""
    from ..jobs import Cancelled
    from ..triage.dataset import DatasetError, read_labelled_csv
    from ..triage.features import build_features
    from ..triage.simulate import plot_curves, simulate, summary

    try:
        ds = read_labelled_csv(dataset)
    except DatasetError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no such file" in str(exc) else EXIT_ERROR)
    if runs < 1:
        fail("--runs must be at least 1")
    seeds = list(range(seed, seed + runs))
    with progress_bar(f"simulate {Path(dataset).name}", enabled=not quiet and not as_json) as (progress, cancel):
        emb = None
        if embeddings:
            from ..triage.vectors import embed_texts

            emb = embed_texts(ds.texts)
        feats = build_features(ds.texts, emb)
        try:
            results = simulate(feats.matrix, ds.labels, seeds, retrain_every=retrain_every, no_text=ds.no_text,
                               progress=progress, cancel=cancel)
        except Cancelled:
            fail("cancelled", 130)
    out = summary(results)
    out.update({"dataset": str(dataset), "records": len(ds), "included": int(ds.labels.sum()),
                "features": "tfidf+minilm" if emb is not None else "tfidf", "seeds": seeds})
    png = None if no_plot else (plot or f"{Path(dataset).stem}-recall.png")
    if png:
        plot_curves(results, png, title=f"{Path(dataset).name}: {len(ds)} records, {int(ds.labels.sum())} relevant")
        out["plot"] = png
    if as_json:
        emit_json(out)
        return
    click.echo(f"{dataset}: {len(ds)} records, {int(ds.labels.sum())} relevant; features {out['features']}; "
               "priors: 1 included + 1 excluded per seed (ASReview's protocol)")
    click.echo(f"{'seed':>5} {'WSS@95':>8} {'recall@10%':>11} {'screened to 95%':>16}")
    for r in out["runs"]:
        click.echo(f"{r['seed']:>5} {r['wss95']:>8.3f} {r['recall_at_10']:>11.3f} {r['screened_to_95']:>10} of {r['n']}")
    click.echo(f"{'mean':>5} {out['wss95']:>8.3f} {out['recall_at_10']:>11.3f}")
    import numpy as np

    marks = [0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0]
    curve = np.mean([r.curve for r in results], axis=0)
    n = len(curve) - 1
    click.echo("recall curve (mean): " + "  ".join(f"{int(m * 100)}%: {curve[int(m * n)]:.2f}" for m in marks))
    st, cal = out["stopping"], out["calibration"]
    click.echo(f"stopping rule (recall target {st['target_recall']:.0%}, {st['confidence']:.0%} confidence): "
               f"target met in {st['met_share']:.0%} of runs; fired in {st['fired_share']:.0%}; "
               f"at the stop {st['mean_screened_share']:.0%} screened, recall {st['mean_recall_at_stop']:.3f} (means)")
    for r in st["runs"]:
        click.echo(f"  seed {r['seed']}: " + ("never fired" if r["stopped_at"] is None else
                   f"stopped after {r['stopped_at']} ({r['screened_share']:.0%}), recall {r['recall_at_stop']:.3f}"))
    h = st["heuristic"]
    click.echo(f"heuristic, {h['rule']}: target met in {h['met_share']:.0%} of runs, "
               f"{h['mean_screened_share']:.0%} screened, recall {h['mean_recall_at_stop']:.3f} (means)")
    if cal["coverage"] is not None:
        click.echo(f"unseen-relevant bound ({cal['confidence']:.0%}, one-sided): held the true number at "
                   f"{cal['coverage']:.0%} of {cal['checkpoints']} checkpoints; estimate off by {cal['estimate_mean_abs_error']:.1f} on average")
    click.echo(click.wrap_text("rule: " + st["rule"], 100, subsequent_indent="  "))
    if png:
        click.echo(f"plot: {png}")


# --- annotations ---------------------------------------------------------------------------------
@click.group()
def annotate() -> None:
    """Notes, highlights and facet-label corrections on papers (saved at once)."""


@annotate.command("note")
@click.argument("paper")
@click.argument("text", nargs=-1, required=True)
@pass_library
def annotate_note(ref, paper, text) -> None:
    """Add a note to PAPER."""
    from ..store import LibraryError
    from ..triage import add_note

    lib = ref.open()
    pid = resolve_paper(lib, paper)
    try:
        nid = add_note(lib, pid, " ".join(text))
    except LibraryError as exc:
        fail(str(exc))
    click.echo(f"note {nid} on paper {pid}")


@annotate.command("edit-note")
@click.argument("note_id", type=int)
@click.argument("text", nargs=-1, required=True)
@pass_library
def annotate_edit_note(ref, note_id, text) -> None:
    """Replace the text of note NOTE_ID (`annotate show PAPER` lists the notes with their ids)."""
    from ..store import LibraryError
    from ..triage import update_note

    body = " ".join(text)
    if not body.strip():
        fail("an empty note: `gapscope annotate delete-note ID` deletes one")
    try:
        update_note(ref.open(), note_id, body)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"note {note_id} changed")


@annotate.command("delete-note")
@click.argument("note_id", type=int)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_library
def annotate_delete_note(ref, note_id, yes) -> None:
    """Delete note NOTE_ID, after showing it and asking (there is no undo)."""
    from ..store import LibraryError, NoteChanged
    from ..triage import delete_note

    lib = ref.open()
    try:
        note = lib.get_note(note_id)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    if not yes:
        click.echo(f"note {note_id} on paper {note['paper_id']} ({note['updated_at']}):\n{note['body']}", err=True)
        if not confirm("Delete it? There is no undo", err=True):
            click.echo("not deleted", err=True)
            sys.exit(EXIT_CANCELLED)
    try:
        # the note as shown: one changed meanwhile (another window) is not deleted unseen
        delete_note(lib, note_id, expected=None if yes else note["body"])
    except NoteChanged as exc:
        fail(str(exc))
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"deleted note {note_id}")


@annotate.command("highlight")
@click.argument("paper")
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.option("--color", default="yellow", show_default=True, help="The highlight's colour.")
@click.option("--comment", default="", help="A note kept with the highlight.")
@pass_library
def annotate_highlight(ref, paper, start, end, color, comment) -> None:
    """Highlight abstract characters START..END of PAPER."""
    from ..store import LibraryError
    from ..triage import add_highlight

    lib = ref.open()
    pid = resolve_paper(lib, paper)
    try:
        hid = add_highlight(lib, pid, start, end, color=color, comment=comment)
    except LibraryError as exc:
        fail(str(exc))
    text = lib.get_paper(pid).abstract[start:end]
    click.echo(f"highlight {hid}: {text!r}")


@annotate.command("unhighlight")
@click.argument("highlight_id", type=int)
@click.option("--pdf", "pdf", is_flag=True,
              help="HIGHLIGHT_ID is a highlight made in an attached PDF (`annotate show` lists them as "
                   "\"PDF highlight\").")
@click.option("--yes", "-y", is_flag=True, help="Do not ask before removing a highlight that carries a comment.")
@pass_library
def annotate_unhighlight(ref, highlight_id, pdf, yes) -> None:
    """Remove a highlight by its id (see `gapscope annotate show PAPER`). One that carries a comment is
    shown and asked about first (there is no undo); a bare one goes at once."""
    from ..store import LibraryError
    from ..triage import remove_highlight

    lib = ref.open()
    what = f"{'PDF ' if pdf else ''}highlight {highlight_id}"
    try:
        comment = lib.get_highlight(highlight_id, pdf=pdf)["comment"].strip()
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    if comment and not yes:
        click.echo(f"{what} carries a comment:\n{comment}", err=True)
        if not confirm("Remove it with its comment? There is no undo", err=True):
            click.echo("not removed", err=True)
            sys.exit(EXIT_CANCELLED)
    try:
        remove_highlight(lib, highlight_id, pdf=pdf)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"removed {what}")


_sentence_opt = click.option(
    "--sentence", type=click.IntRange(min=1), default=None, metavar="N",
    help="The sentence's number as `gapscope facets show PAPER` prints it, instead of START END.")


@annotate.command("correct-facet")
@click.argument("paper")
@click.argument("place_and_label", nargs=-1, metavar="[START END] LABEL")
@_sentence_opt
@pass_library
def annotate_correct(ref, paper, place_and_label, sentence) -> None:
    """Set the role or the shortcoming type of one abstract sentence of PAPER: the one at characters
    START..END, or --sentence N as `gapscope facets show PAPER` numbers them. LABEL is a role (background,
    objective, method, result, other) or a shortcoming type (none, prior, open, own; limitation = own). It
    wins over the classifier in the maps and gaps. Run twice to correct both."""
    from ..store import LibraryError
    from ..triage import correct_facet

    *place, label = place_and_label or ("",)
    if label not in CORRECTION_LABELS:
        fail(f"LABEL {label!r} is none of {', '.join(CORRECTION_LABELS)}" if label else
             f"give a LABEL: one of {', '.join(CORRECTION_LABELS)}", EXIT_USAGE)
    lib = ref.open()
    pid = resolve_paper(lib, paper)
    start, end = _sentence_place(lib, pid, place, sentence)
    try:
        replaced = correct_facet(lib, pid, start, end, label)
    except LibraryError as exc:
        fail(str(exc))
    click.echo(f"paper {pid} {start}..{end}: {label}")
    if replaced is not None:
        words = " ".join(replaced.split())
        on = repr(words[:200]) if words else "words no longer known"
        click.echo(f"it replaces the correction made there on {on} (words no longer there): that one is"
                   " gone, nothing is left to remove")


@annotate.command("uncorrect-facet")
@click.argument("paper")
@click.argument("place", nargs=-1, metavar="[START END]")
@_sentence_opt
@click.option("--json", "as_json", is_flag=True, help="Print the removed correction as JSON.")
@pass_library
def annotate_uncorrect(ref, paper, place, sentence, as_json) -> None:
    """Remove PAPER's facet correction at START..END, or on --sentence N as `gapscope facets show PAPER`
    numbers them (`gapscope annotate show PAPER` lists the corrections; `gapscope check` names those that
    label no sentence): the classifier's labels stand there again. It prints the `gapscope annotate
    restore-facet` command that puts the correction back as it was (the undo)."""
    from ..store import LibraryError
    from ..triage import take_facet_correction

    lib = ref.open()
    pid = resolve_paper(lib, paper)
    start, end = _sentence_place(lib, pid, place, sentence)
    # said after: which labels, on which words (a span alone does not tell the user what went)
    c = next((c for c in lib.facet_corrections(pid) if (c["start"], c["end"]) == (start, end)), None)
    try:
        removed = take_facet_correction(lib, pid, start, end, c["text"]) if c is not None else None
    except LibraryError as exc:
        fail(str(exc))
    if removed is None:
        fail(f"paper {pid} has no facet correction at {start}..{end} (`gapscope annotate show {pid}` lists them)",
             EXIT_NOT_FOUND)
    if as_json:
        emit_json({**removed, "restore": restore_command(removed, lib.path)})
        return
    labels = correction_labels(removed)
    words = " ".join((removed["text"] if removed["text"] is not None else lib.paper_abstract(pid)[start:end]).split())
    on = repr(words[:200]) if words else "words no longer known"
    click.echo(f"paper {pid} {start}..{end}: removed the correction ({labels}) of {on}")
    click.echo(f"to put it back as it was: {restore_command(removed, lib.path)}")


def _sentence_place(lib, pid: int, place, sentence) -> tuple[int, int]:
    """START END from the command line, or the span of sentence number ``sentence`` (1 = the first, as
    `gapscope facets show` numbers them): exactly one of the two."""
    if sentence is None:
        if len(place) != 2 or not all(p.isdigit() for p in place):
            fail("give the sentence as START END (character offsets, whole numbers) or as --sentence N", EXIT_USAGE)
        return int(place[0]), int(place[1])
    if place:
        fail(f"give --sentence {sentence} or START END, not both", EXIT_USAGE)
    from ..facets import paper_sentences

    rows = paper_sentences(lib, pid)
    if not rows:
        fail(f"paper {pid} has no numbered sentences yet (`gapscope facets show {pid}` says why); give START END")
    if sentence > len(rows):
        fail(f"paper {pid} has {plural(len(rows), 'sentence')}: there is no sentence {sentence} "
             f"(`gapscope facets show {pid}` numbers them)", EXIT_NOT_FOUND)
    row = rows[sentence - 1]
    return row["start"], row["end"]


def restore_command(c: dict, library) -> str:
    """The `gapscope annotate restore-facet` command line that puts back the removed correction ``c`` in
    ``library`` (named: whatever library the shell would open by default)."""
    import shlex

    parts = ["gapscope", "-L", str(Path(library).resolve()), "annotate", "restore-facet", str(c["paper_id"]),
             str(c["start"]), str(c["end"])]
    parts += [x for k in ("role", "shortcoming") if c[k] for x in (f"--{k}", c[k])]
    if c["text"] is not None:
        parts += ["--words", c["text"]]
    parts += ["--corrected-at", c["corrected_at"]]
    return " ".join(shlex.quote(str(x)) for x in parts)


@annotate.command("restore-facet")
@click.argument("paper")
@click.argument("start", type=int)
@click.argument("end", type=int)
@click.option("--role", type=click.Choice(SENTENCE_ROLES), help="The role the correction set.")
@click.option("--shortcoming", type=click.Choice(SHORTCOMINGS), help="The shortcoming type the correction set.")
@click.option("--words", default=None, help="The words it was made on (they may no longer be in the abstract).")
@click.option("--corrected-at", "corrected_at", default=None,
              help="When it was made, as `uncorrect-facet` printed it (YYYY-MM-DDTHH:MM:SS+00:00; default: now).")
@pass_library
def annotate_restore(ref, paper, start, end, role, shortcoming, words, corrected_at) -> None:
    """Put back a facet correction `gapscope annotate uncorrect-facet` removed, as it was: that command
    prints this one with its labels, words and date. Nothing changes where a correction was set at
    START..END since (that one stays)."""
    from ..store import LibraryError
    from ..store.library import now_iso
    from ..triage import restore_facet_correction

    if role is None and shortcoming is None:
        fail("give the correction's --role, its --shortcoming or both", EXIT_USAGE)
    if not 0 <= start < end:
        fail(f"{start}..{end} is no place in an abstract: START must be at least 0 and below END", EXIT_USAGE)
    if corrected_at is not None:
        from ..dates import past_stamp

        try:
            corrected_at = past_stamp(corrected_at)
        except ValueError as exc:
            fail(f"--corrected-at: {exc}; nothing was restored", EXIT_USAGE)
    lib = ref.open()
    pid = resolve_paper(lib, paper)
    c = {"paper_id": pid, "start": start, "end": end, "role": role, "shortcoming": shortcoming,
         "corrected_at": corrected_at or now_iso(), "text": words}
    try:
        restored = restore_facet_correction(lib, c)
    except LibraryError as exc:
        fail(str(exc))
    if not restored:
        fail(f"paper {pid} has a facet correction at {start}..{end} already (set since it was removed): it stays "
             f"(`gapscope annotate show {pid}` lists it)")
    labels = correction_labels(c)
    click.echo(f"paper {pid} {start}..{end}: restored the correction ({labels})")


@annotate.command("terms")
@click.argument("paper")
@click.argument("query", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True)
@pass_library
def annotate_terms(ref, paper, query, as_json) -> None:
    """Show where the words of QUERY occur in PAPER's abstract (marked [[like this]])."""
    from ..triage import query_spans

    lib = ref.open()
    p = lib.get_paper(resolve_paper(lib, paper))
    spans = query_spans(p.abstract, " ".join(query))
    if as_json:
        emit_json([{"start": s, "end": e, "text": p.abstract[s:e]} for s, e in spans])
        return
    out, last = [], 0
    for s, e in spans:
        out += [p.abstract[last:s], "[[", p.abstract[s:e], "]]"]
        last = e
    out.append(p.abstract[last:])
    click.echo(wrap_paragraph("".join(out)))


@annotate.command("show")
@click.argument("paper")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def annotate_show(ref, paper, as_json) -> None:
    """Notes, tags, highlights and facet corrections of PAPER."""
    from ..triage import annotations_of

    lib = ref.open()
    a = annotations_of(lib, resolve_paper(lib, paper))
    if as_json:
        emit_json(a)
        return
    if not any(a[k] for k in ("notes", "tags", "highlights", "pdf_highlights", "facet_corrections")):
        click.echo(f"paper {a['paper_id']}: no notes, tags, highlights or facet corrections", err=True)
    for n in a["notes"]:
        click.echo(f"note {n['id']} ({n['updated_at']}): {n['body']}")
    if a["tags"]:
        click.echo("tags: " + tag_list(a["tags"]))
    for h in a["highlights"]:
        click.echo(f"highlight {h['id']} {h['start']}..{h['end']} {h['color']}: {h['text']!r}" + (f" - {h['comment']}" if h["comment"] else ""))
    several = len(lib.attachments_of(a["paper_id"])) > 1      # then say which PDF each highlight is in
    for h in a["pdf_highlights"]:
        click.echo(f"PDF highlight {h['id']}" + (f" in {h['pdf']}" if several else "")
                   + f" page {h['page']} {h['color']}: {h['text']!r}" + (f" - {h['comment']}" if h["comment"] else ""))
    for c in a["facet_corrections"]:
        what = correction_labels(c)
        words = f" {' '.join(c['text'].split())!r}" if c.get("text") else ""
        click.echo(f"facet {c['start']}..{c['end']}{words}: {what} ({c['corrected_at']})")


# --- collections ---------------------------------------------------------------------------------
@click.group()
def collection() -> None:
    """Collections: named sets of papers, each screened on its own (`triage next --collection NAME`)."""


@collection.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def collection_list(ref, as_json) -> None:
    """The collections, each with its number of papers."""
    rows = [{"name": n, "papers": k} for n, k in ref.open().list_collections()]
    if as_json:
        emit_json(rows)
        return
    for r in rows:
        click.echo(f"{r['name']}  ({plural(r['papers'], 'paper')})")


@collection.command("create")
@click.argument("name")
@pass_library
def collection_create(ref, name) -> None:
    """Create an empty collection NAME (`collection add` fills it)."""
    name = name.strip()
    if not name:
        fail("a collection needs a name")
    ref.open().create_collection(name)
    click.echo(f"collection {name!r}")


@collection.command("rename")
@click.argument("old")
@click.argument("new")
@pass_library
def collection_rename(ref, old, new) -> None:
    """Rename a collection (its papers and decisions stay with it)."""
    from ..store import LibraryError

    try:
        ref.open().rename_collection(old, new)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no collection" in str(exc) else EXIT_ERROR)
    click.echo(f"renamed {old!r} to {new!r}")


@collection.command("delete")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@pass_library
def collection_delete(ref, name, yes) -> None:
    """Delete collection NAME and the screening decisions made in it; its papers stay in the library."""
    from ..store import LibraryError

    lib = ref.open()
    try:
        papers, decisions = lib.collection_contents(name)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    what = f"collection {name!r} ({plural(papers, 'paper')} stay{'s' if papers == 1 else ''} in the library; {plural(decisions, 'screening decision')} made in it {plural(decisions, 'is', number=False)} deleted)"
    if not yes and not confirm(f"Delete {what}?", err=True):
        click.echo("not deleted", err=True)
        sys.exit(EXIT_CANCELLED)               # a "no" is the user's cancel, as in `papers delete`
    try:
        lib.delete_collection(name)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"deleted {what}")


@collection.command("add")
@click.argument("name")
@click.argument("papers", nargs=-1)
@click.option("--query", "-q", help="Add every paper matching this full-text search.")
@click.option("--tag", help="Add every paper with this tag.")
@pass_library
def collection_add(ref, name, papers, query, tag) -> None:
    """Add PAPERS (and/or the papers of a search or a tag) to collection NAME (created if new: a
    misspelt NAME makes a new collection, which `collection delete` removes)."""
    from ..store import LibraryError

    lib = ref.open()
    ids = [resolve_paper(lib, p) for p in papers]
    try:
        if query or tag:
            ids += lib.list_paper_ids(query=query or None, tag=tag or None)
    except LibraryError as exc:
        fail(str(exc))
    if not ids:
        fail("nothing to add: give papers, --query or --tag")
    n = lib.add_to_collection(name, ids)
    click.echo(f"added {plural(n, 'paper')} to {name!r}")


@collection.command("remove")
@click.argument("name")
@click.argument("papers", nargs=-1, required=True)
@pass_library
def collection_remove(ref, name, papers) -> None:
    """Take PAPERS (library ids, arXiv ids or DOIs) out of collection NAME; they stay in the library."""
    from ..store import LibraryError

    lib = ref.open()
    try:
        n = lib.remove_from_collection(name, [resolve_paper(lib, p) for p in papers])
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    click.echo(f"removed {plural(n, 'paper')} from {name!r}")


def register(main: click.Group) -> None:
    main.add_command(triage)
    main.add_command(collection)
    main.add_command(annotate)
