"""`gapscope map [build] | map list | map export | map show` and `gapscope gaps find | list | show | backtest`."""

from __future__ import annotations

from typing import Sequence

import click

from ..vocabulary import GAP_ROLE_NAMES, MAP_FACETS
from .map_months import cluster_json, map_months, months_json, months_note, months_text
from .common import (EXIT_CANCELLED, EXIT_ERROR, EXIT_NEEDS_STEP, EXIT_NOT_FOUND, ISO_DATE, emit_json, fail,
                     pass_library, progress_bar)
from ..textfmt import plural


def stability_text(value) -> str:
    # imported when used: gapscope.maps loads its builders, a tenth of a second at every command's start
    from ..maps.model import stability_text as text

    return text(value)


FACET_CHOICE = click.Choice(MAP_FACETS)


def cancelled_maps_message(kept: dict, facets, options: dict | None = None) -> str:
    """What a cancelled `gapscope map` kept (each map is stored as it is made) and how to build the rest;
    ``options``: the command's other options as given ({"collection": "review"}), repeated in that
    command (without them it would map the whole library with the defaults)."""
    import shlex

    left = [f for f in facets if f not in kept]
    rest = "gapscope map " + " ".join(f"--facet {f}" for f in left) + "".join(
        f" --{name.replace('_', '-')} {shlex.quote(str(value))}" for name, value in (options or {}).items())
    if not kept:
        return f"cancelled: no map was stored; `{rest}` builds them"
    done = ", ".join(f"{f} (map {m.id})" for f, m in kept.items())
    return f"cancelled: kept the maps finished before the stop: {done}; `{rest}` builds the rest"


@click.group("map", invoke_without_command=True)
@click.option("--facet", "facets", multiple=True, type=FACET_CHOICE,
              help="Facet to map (repeatable; default: all four).")
@click.option("--k", type=click.IntRange(1, 1000), default=None, help="Number of clusters (default: chosen from the data).")
@click.option("--seed", type=int, default=0, show_default=True, help="k-means seed: the same seed, the same clusters.")
@click.option("--collection", help="Map only the papers of this collection.")
@click.option("--query", help="Map only the papers matching this full-text search.")
@click.option("--before", type=ISO_DATE, metavar="DATE", help="Map only papers listed before DATE (YYYY-MM-DD).")
@click.option("--stability-seeds", type=click.IntRange(0, 20), default=3, show_default=True,
              help="Re-clusterings with other seeds used to score each cluster's stability.")
@click.option("--json", "as_json", is_flag=True, help="Print the maps built (clusters, parameters) as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_library
@click.pass_context
def map_(ctx, ref, facets, k, seed, collection, query, before, stability_seeds, as_json, quiet) -> None:
    """Build maps: FAISS spherical k-means over the method / result / shortcoming sentences and whole
    abstracts (topic) of the library or a subset, with labels, sizes over time, a 2-D layout and
    per-cluster stability. Stored in the library with the parameters, seed and model that made them.
    A cluster is labelled by its most distinctive concepts (`gapscope concepts`) where the library has
    them, else by its keywords."""
    if ctx.invoked_subcommand is not None:
        return
    from ..analyze import map_concepts, record_maps_built
    from ..jobs import Cancelled
    from ..maps import build_maps
    from ..store import LibraryError

    lib = ref.open()
    try:
        with progress_bar("map", enabled=not quiet and not as_json) as (progress, cancel):
            ms = build_maps(lib, facets=facets or MAP_FACETS, k=k, seed=seed, collection=collection, query=query,
                            before=before, stability_seeds=stability_seeds, progress=progress, cancel=cancel,
                            concepts=map_concepts(lib, cancel))
    except Cancelled as exc:
        kept = (exc.state or {}).get("maps", {})
        defaults = (k, seed, collection, query, before, stability_seeds) == (None, 0, None, None, None, 3)
        if kept and defaults:
            record_maps_built(lib, kept)
        given = {name: value for name, value, default in (
            ("k", k, None), ("seed", seed, 0), ("collection", collection, None), ("query", query, None),
            ("before", before, None), ("stability_seeds", stability_seeds, 3)) if value != default}
        fail(cancelled_maps_message(kept, facets or MAP_FACETS, given), EXIT_CANCELLED)
    except (LibraryError, ValueError) as exc:
        fail(str(exc), EXIT_NOT_FOUND if "no " in str(exc) else EXIT_ERROR)
    if (k, seed, collection, query, before, stability_seeds) == (None, 0, None, None, None, 3):
        record_maps_built(lib, ms.maps)       # what `analyze` builds: it need not cluster these again
    if as_json:
        emit_json({f: {**m.summary(), "clusters": [c.to_dict() for c in m.clusters]} for f, m in ms.maps.items()})
        return
    for f, m in ms.maps.items():
        click.echo(f"{f}: map {m.id}, {len(m.assignments)} papers, k={m.k}"
                   f"{' (chosen from the data)' if m.params.get('k_auto') else ''}, {ms.timings[f]:.1f} s, "
                   f"{LABEL_KIND_WORDS[m.label_kind]}")
        if m.params.get("k_asked"):
            click.secho(f"  note: --k {m.params['k_asked']} asks for more clusters than the {len(m.assignments)} "
                        f"papers with {f} vectors: k={m.k} (a map has no more clusters than papers)", fg="yellow")
        for c in sorted(m.clusters, key=lambda c: -c.size)[:8]:
            click.echo(f"  {c.id:>3}  {c.size:>6}  stab {stability_text(c.stability)}  {c.label}")
        if m.k > 8:
            click.echo(f"  ... {m.k - 8} more (`gapscope map show --facet {f}`)")
    for f, why in ms.skipped.items():
        click.secho(f"{f}: not mapped ({why})", fg="yellow", err=True)


LABEL_KIND_WORDS = {"concepts": "labels from concepts", "keywords": "labels from keywords",
                    "mixed": "labels from concepts (keywords where a cluster has none)"}


@map_.command("relabel")
@click.option("--facet", "facets", multiple=True, type=FACET_CHOICE, help="Facets to relabel (default: all).")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def map_relabel(ref, facets, as_json) -> None:
    """Label the latest maps again from the current concepts (after `gapscope concepts`), without
    clustering again: clusters, assignments and map ids stay, only the labels change (keywords where
    there are no concepts)."""
    from ..analyze import relabel_maps
    from ..maps import latest_map

    lib = ref.open()
    done = relabel_maps(lib, facets or MAP_FACETS)
    if not done:
        fail("no maps yet: run `gapscope map` first", EXIT_NEEDS_STEP)
    maps = {f: latest_map(lib, f) for f in done}
    if as_json:
        emit_json({f: {**m.summary(), "clusters": [c.to_dict() for c in m.clusters]} for f, m in maps.items()})
        return
    for f, m in maps.items():
        click.echo(f"{f}: map {m.id}, k={m.k}, {LABEL_KIND_WORDS[m.label_kind]}")
        for c in sorted(m.clusters, key=lambda c: -c.size)[:8]:
            click.echo(f"  {c.id:>3}  {c.size:>6}  {c.label}")


@map_.command("export")
@click.option("--facet", "facets", multiple=True, type=FACET_CHOICE, help="Facets to export (default: all).")
@click.option("--json", "as_json", is_flag=True, help="JSON output (the only format; accepted for scripts).")
@pass_library
def map_export(ref, facets, as_json) -> None:
    """The latest map of each facet as JSON: {"maps": {FACET: {"assignments": {PAPER_ID: CLUSTER}, "clusters": [...]}}}.
    PAPER_ID is the arXiv id where the paper has one, else the library id."""
    from ..maps import export_maps

    out = export_maps(ref.open(), facets or MAP_FACETS)
    if not out["maps"]:
        fail("no maps yet: run `gapscope map` first", EXIT_NEEDS_STEP)
    emit_json(out)


@map_.command("show")
@click.option("--facet", type=FACET_CHOICE, default="topic", show_default=True, help="Which map to show.")
@click.option("--cluster", type=int, default=None, help="Show one cluster with its papers.")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def map_show(ref, facet, cluster, as_json) -> None:
    """The clusters of the latest map of a facet (or one cluster and its papers), and why the map may be
    out of date (STALE: papers, facet labels, vectors or labelled PDFs changed since it was built)."""
    from ..maps import latest_map
    from ..maps.stale import stale_reasons
    from ..store import LibraryError

    lib = ref.open()
    try:
        m = latest_map(lib, facet)
        if cluster is not None:
            c = m.cluster(cluster)
    except (LibraryError, KeyError) as exc:
        fail(f"{exc}" if not isinstance(exc, KeyError) else f"no cluster {cluster} in the {facet} map", EXIT_NOT_FOUND)
    stale = stale_reasons(lib, m)
    months = map_months(lib, m)         # the partial months at either end, read as the report reads them
    if cluster is not None:
        members = sorted(m.members(cluster), key=lambda p: -m.sims.get(p, 0.0))
        if as_json:
            emit_json({**cluster_json(c, months), "papers": members, "stale": stale, **months_json(months)})
            return
        _echo_stale(facet, stale)
        click.echo(f"{facet} cluster {c.id}: {c.label}  ({c.size} papers, stability {stability_text(c.stability)})")
        if c.concepts:
            click.echo(f"concepts: {', '.join(c.concepts)}")
        click.echo(f"keywords: {', '.join(c.keywords)}")
        click.echo(f"representative: {c.representative}"
                   + (f"  ({c.representative_where})" if c.representative_where else ""))
        click.echo(f"by month: {months_text(c.sizes_by_month, months)}")
        if any(p.step in c.sizes_by_month for p in months.partial):     # only where it has papers in one
            click.echo(f"  {months_note(months)}")
        for p in lib.get_papers(members[:20]):
            click.echo(f"  {p.id:>7}  {p.arxiv_id or '':<12} {p.title[:90]}")
        return
    if as_json:
        emit_json({**m.summary(), "stale": stale, "clusters": [cluster_json(c, months) for c in m.clusters],
                   **months_json(months)})
        return
    click.echo(f"{facet} map {m.id} ({m.created_at}): {len(m.assignments)} papers, k={m.k}, seed {m.params.get('seed')},"
               f" model {m.params.get('model')}, {LABEL_KIND_WORDS[m.label_kind]}")
    _echo_stale(facet, stale)
    if months.partial:
        click.echo(f"partial months: {months_note(months)}")
    for c in sorted(m.clusters, key=lambda c: -c.size):
        click.echo(f"  {c.id:>3}  {c.size:>6}  stab {stability_text(c.stability)}  {c.label:<45} {c.representative[:70]}")


def _echo_stale(facet: str, stale: list[str]) -> None:
    for why in stale:
        click.secho(f"STALE: {why}", fg="yellow")
    if stale:
        click.secho(f"  (`gapscope analyze --no-gaps` or `gapscope map --facet {facet}` builds it again)", fg="yellow")


@map_.command("list")
@click.option("--json", "as_json", is_flag=True, help="One object per facet: map_id, n_papers, k, created_at, stale.")
@pass_library
def map_list(ref, as_json) -> None:
    """The latest map of each facet, STALE where it may be out of date (`map show` says why)."""
    from ..maps import list_maps
    from ..maps.stale import stale_reasons_for

    lib = ref.open()
    latest: dict = {}
    for row in list_maps(lib):                        # newest first
        latest.setdefault(row["facet"], row)
    rows = [{"facet": f, "map_id": r["id"], "n_papers": r["n_papers"], "k": r["params"].get("k"),
             "created_at": r["created_at"], "stale": stale_reasons_for(lib, f, r["params"])}
            for f in MAP_FACETS if (r := latest.get(f))]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        fail("no maps yet: run `gapscope map` first", EXIT_NEEDS_STEP)
    for r in rows:
        click.echo(f"{r['facet']:<12} map {r['map_id']:>4}  {r['n_papers']:>7} papers  k={r['k']:<3} {r['created_at']}"
                   + ("  STALE" if r["stale"] else ""))


@click.group()
def gaps() -> None:
    """Research gaps found in the maps: method x problem, unaddressed shortcomings, thin and growing regions."""


# the Gaps view's and the report's names of the evidence roles, in lower case
ROLE_NAMES = {role: name.lower() for role, name in GAP_ROLE_NAMES.items()}


def _topic(g) -> str:
    from ..gaps.topics import gap_topic

    return gap_topic(g)


def _topic_words(g, lib=None) -> str:
    """The gap's topic; a region's with the topic map's name of its cluster when that is another."""
    from ..gaps.topics import region_map_labels, topic_names, topic_words

    on_map = region_map_labels(lib, [g]) if lib is not None else {}
    return topic_words(topic_names(g, on_map.get(g.id, "")))


def _print_gap(g, lib=None, full=False, also: Sequence[str] = ()) -> None:
    """``also``: the notes of gaps.aliases.other_names (an end another gap lists under its other name)."""
    from ..gaps.stale import stale_reasons

    stale = stale_reasons(lib, g) if lib is not None else []
    from ..gaps.standing import standing_text

    within = standing_text(g.type, g.details or {})      # a score ranks a gap within its type, said with it
    click.echo(f"[{g.id}] {g.type}  score {g.score:.3f}" + (f" ({within})" if within else "")
               + (f"  topic: {topic}" if (topic := _topic_words(g, lib)) else "")
               + ("  STALE" if stale else ""))
    click.echo(f"    {g.statement}")
    from ..reports.explain import ranked_by_text

    ranked = ranked_by_text(g.type, g.details or {})      # what orders the pair, as the report says it
    if full and ranked:
        click.echo(f"    ranked: {ranked}")
    if g.method is not None and g.details.get("level") == "concept":
        click.echo(f"    concepts: method \u201c{g.method.label}\u201d, problem \u201c{g.problem.label}\u201d")
        for end, key in (("method", "method_search"), ("problem", "problem_search")):
            if g.details.get(key):     # the search that lists the papers the statement counts (with the extractor's)
                from ..concepts.members import search_command, written_in_capitals

                names = " or ".join("\u201c" + n + "\u201d" for n in written_in_capitals(g.details[key]))
                only = f", {names} counted only where written with its capitals," if names else ","
                n = g.details[end + "_papers"]
                click.echo(f"    {end} papers: {n} ({search_command(g.details[key], n)}{only} and those the "
                           f"extractor named it in)")
        from ..concepts.acronyms import reading_line

        for d in (g.details.get("acronyms") or {}).values():
            click.echo("    acronym " + reading_line(d))
    for line in also:
        click.echo(f"    also listed: {line}")
    counts = {}
    for r in g.roles.values():
        counts[r] = counts.get(r, 0) + 1
    click.echo("    evidence: " + ", ".join(f"{ROLE_NAMES.get(r, r)} {n}" for r, n in counts.items()))
    pl = g.details.get("plausibility") if g.details else None
    if pl and g.method is not None:
        from ..gaps.candidates import plausibility_line

        click.echo("    " + plausibility_line(pl, g.method.label, g.problem.label))
    from ..gaps.thresholds import done_from

    refd = g.details.get("reference") if g.details else None
    if refd:
        n = refd["co_mentions"]
        click.echo(f"    reference corpus: {n} of its {plural(refd['size'], 'abstract')} mention{'s' if n == 1 else ''} both "
                   f"({done_from('gaps_established_min', refd['min_co_mentions'])})")
        if full:
            for p in refd.get("papers") or []:
                mine = p.get("library_id") is not None         # a reference paper the library holds too
                click.echo(f"      {'already tried (library)' if mine else 'already tried (reference)':<22} "
                           f"{p['library_id'] if mine else p['id']:>7}  {p.get('arxiv_id') or '':<12} "
                           f"{p.get('year') or '':<5} {p['title'][:85]}")
    world = g.details.get("openalex") if g.details else None
    if world:
        click.echo("    OpenAlex: " + (f"{plural(world['works'], 'work')} mention{'s' if world['works'] == 1 else ''} both "
                                       f"({done_from('gaps_openalex_min', world['min_works'])})"
                                       if world.get("works") is not None else f"not checked ({world.get('error')})"))
        if full:
            for p in world.get("papers") or []:
                click.echo(f"      {'already tried (OpenAlex)':<22} {p.get('openalex_id') or '':<12} "
                           f"{p.get('year') or '':<5} {str(p.get('title') or '')[:85]}")
    cwc = g.details.get("closest_check") if g.details else None
    if cwc:
        from ..gaps.closest import closest_line

        click.echo("    " + closest_line(g.details))
        if full:
            from ..gaps.closest import closest_entries

            # the same entries as the report and the Gaps view: every one about both, a nearest one once
            listed = {int(i): (g.roles or {}).get(int(i), "") for i in g.evidence}
            for p in closest_entries(g.details, listed):
                mark = p["mark"]     # naming both is evidence of a combination; about both a reading by meaning
                click.echo(f"      {'closest (' + mark + ')':<22} {p['id']:>7}  {p.get('arxiv_id') or '':<12} "
                           f"{p.get('year') or '':<5} {p['similarity']:.2f}  [{p['source']}] {str(p['title'])[:75]}")
    if full and lib is not None:
        from ..gaps.quotes import label_of

        for p in lib.get_papers(g.evidence):
            click.echo(f"      {ROLE_NAMES.get(g.roles.get(p.id, ''), ''):<22} {p.id:>7}  {p.arxiv_id or '':<12} {p.title[:90]}")
        for s in g.details.get("shortcoming_sentences") or []:
            where = f", {s['section']} p. {s['page']}" if s.get("section") else ""
            sure = f", {label_of(s)}" if label_of(s) else ""     # none in gaps found before quotes had labels
            click.echo(f"      shortcoming ({s['paper_id']}{sure}{where}): {s['text'][:200]}")
        if g.details.get("quote_note") and g.type != "unaddressed_shortcoming":     # that one's statement says it
            click.echo(f"      shortcoming: {g.details['quote_note']}")
    if full and stale:
        click.echo("    stale: " + "; ".join(stale))


@gaps.command("find")
@click.option("--problem-facet", type=click.Choice(["result", "topic"]), default="result", show_default=True,
              help="Which map stands for the problems methods are applied to.")
@click.option("--reference", "reference", metavar="LIB",
              help="A bigger GapScope library (e.g. an import of the arXiv snapshot) to check each concept pair "
                   "against: a pair enough of its abstracts mention together is established practice, no gap "
                   "(default: the setting gaps.reference, `gapscope settings`).")
@click.option("--no-reference", is_flag=True, help="No reference check, whatever the settings say.")
@click.option("--openalex", "openalex_min", type=click.IntRange(min=0), metavar="N",
              help="Ask OpenAlex (online, all years) how many works mention both concepts of each listed pair; "
                   "N or more make it established practice, no gap; 0: no OpenAlex check "
                   "(default: the setting gaps.openalex_min, 0).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", "-q", is_flag=True)
@pass_library
def gaps_find(ref, problem_facet, reference, no_reference, openalex_min, as_json, quiet) -> None:
    """Detect gaps from the latest maps and store them (build maps first with `gapscope map`)."""
    from ..gaps import find_gaps
    from ..jobs import Cancelled
    from ..settings import set_command_line
    from ..store import LibraryError

    if reference and no_reference:
        fail("give --reference or --no-reference, not both", 2)
    if reference:
        set_command_line("gaps_reference", reference)     # the command line wins over every other layer
    if openalex_min is not None:
        set_command_line("gaps_openalex_min", openalex_min)
    lib = ref.open()
    notices: list[str] = []
    skipped: list[dict] = []
    try:
        with progress_bar("gaps", enabled=not quiet and not as_json) as (progress, cancel):
            found = find_gaps(lib, progress=progress, cancel=cancel, problem_facet=problem_facet, notices=notices,
                              reference=False if no_reference else None, skipped_out=skipped)
    except Cancelled:
        fail("cancelled: nothing stored", EXIT_CANCELLED)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    if not (reference or no_reference or openalex_min is not None):
        from ..analyze import record_gaps_found

        record_gaps_found(lib, problem_facet)     # what `analyze` finds: it need not find them again
    from ..gaps.stale import OUT_OF_DATE

    for n in notices:       # gaps from out-of-date maps are a warning, on stderr with --json too
        if n.startswith(OUT_OF_DATE):
            click.echo(f"warning: {n}", err=True)
        elif not as_json:
            click.echo(f"note: {n}", err=True)
    if as_json:
        # the types not looked for beside the gaps: a script must not read "no shortcoming gap" from their absence
        emit_json({"gaps": [g.to_dict() for g in found], "skipped": skipped, "notices": notices})
        return
    click.echo(f"{len(found)} gaps stored" + ("; the best ten:" if found else ""))
    for g in found[:10]:
        _print_gap(g, lib)
    _echo_skipped(skipped)


def _echo_skipped(skipped: list[dict]) -> None:
    """The gap types a find could not look for, last (where the reader's eye lands), each with its command."""
    from ..gaps.needs import skipped_text

    for entry in skipped:
        click.echo(f"warning: {skipped_text(entry)}", err=True)


@gaps.command("list")
@click.option("--type", "type_", type=click.Choice(["method_x_problem", "unaddressed_shortcoming", "thin_growing"]),
              help="Only gaps of this kind.")
@click.option("--topic", help="Only gaps whose topic (the topic-map cluster holding most of their papers; a thin, "
                               "growing region's own, or the topic map's label of its cluster) contains this text; "
                               "a gap without one (an unaddressed shortcoming) by its evidence papers' topics, as "
                               "in the Gaps view.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="How many gaps to list (0: every one).")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def gaps_list(ref, type_, topic, limit, as_json) -> None:
    """The gaps of the latest `gaps find`, best first (STALE: the maps or the library changed since)."""
    from ..gaps import list_gaps
    from ..gaps.stale import stale_reasons

    lib = ref.open()
    found = list_gaps(lib, type=type_)
    if topic:
        from ..gaps.topics import evidence_topics, in_topic, paper_topics, region_map_labels, topic_names

        topic_of = paper_topics(lib) if any(not _topic(g) for g in found) else {}
        on_map = region_map_labels(lib, found)
        found = [g for g in found if in_topic(topic_names(g, on_map.get(g.id, "")),
                                              evidence_topics(g.evidence, topic_of), topic, contains=True)]
    found = found[:limit] if limit else found
    if as_json:
        emit_json([{**g.to_dict(), "stale": stale_reasons(lib, g)} for g in found])
        return
    if not found:
        _echo_no_gaps(lib, filtered=bool(topic or type_))
    also = _other_names(lib)
    for g in found:
        _print_gap(g, lib, also=also.get(g.id, []))
    from ..gaps.store import skipped_types

    _echo_skipped([s for s in skipped_types(lib) if not type_ or s["type"] == type_])


def _other_names(lib) -> dict:
    """Over the latest list (gaps.aliases): the gaps an end of which another lists under its other name."""
    from ..gaps import list_gaps
    from ..gaps.aliases import other_names

    return other_names((g.id, g.details) for g in list_gaps(lib))


def _echo_no_gaps(lib, filtered: bool) -> None:
    """Why `gaps list` shows nothing: no find yet, the last find found none (and what it refused), or the filters."""
    from ..gaps.store import last_find, latest_find_found_none

    if latest_find_found_none(lib):
        click.echo(f"the last `gapscope gaps find` ({last_find(lib).get('at', '?')}) found no gaps"
                   + (":" if lib.get_setting("gaps.notices") else ""))
        for n in lib.get_setting("gaps.notices") or []:
            click.echo(f"  - {n}")
    elif filtered:
        click.echo("no gaps match")
    else:       # only the steps this library still lacks (papers, vectors, maps), not the whole chain
        from ..steps import NO_PAPERS, missing_for_gaps

        why = missing_for_gaps(lib)
        if why is None or why.startswith("no gaps yet"):
            click.echo("no gaps yet: run `gapscope gaps find`")
        else:
            click.echo(why if why == NO_PAPERS else f"{why}, then `gapscope gaps find`")


@gaps.command("show")
@click.argument("gap_id", type=int)
@click.option("--json", "as_json", is_flag=True)
@pass_library
def gaps_show(ref, gap_id, as_json) -> None:
    """One gap with its evidence papers."""
    from ..gaps import get_gap
    from ..store import LibraryError

    lib = ref.open()
    try:
        g = get_gap(lib, gap_id)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    from ..gaps.identity import superseded_note

    links = _run_links(lib, g)
    earlier = superseded_note(lib, g.id)      # a gap of an earlier find is never presented as current
    if as_json:
        from ..gaps.stale import stale_reasons

        # closest_work: the abstracts nearest the pair (gaps/closest.py), [] when the check ran on no vectors;
        # runs: the finished runs only (a cancelled one tested nothing); run_links: every linked run, what it ran
        emit_json({**g.to_dict(), "closest_work": (g.details or {}).get("closest_work") or [],
                   "stale": stale_reasons(lib, g), "runs": [x["id"] for x in links if x["finished"]],
                   "run_links": links, "superseded": earlier})
        return
    if earlier:
        click.echo(f"NOTE: {earlier} (its rank and evidence are that find's)")
    _print_gap(g, lib, full=True, also=_other_names(lib).get(g.id, []))
    _echo_run_links(links)
    rest = {k: v for k, v in (g.details or {}).items() if k not in SHOWN_DETAILS and v not in (None, {}, [], "")}
    if rest:
        click.echo("    details:")
        for line in detail_lines(rest, "      "):
            click.echo(line)


def _run_links(lib, gap) -> list[dict]:
    """The runs linked to ``gap`` (an earlier copy of it included), finished first, each with what it ran
    and what that says about the gap (experiments/run_links.py)."""
    from ..experiments.run_links import gap_run_links
    from ..experiments.runner import runs_as_shown
    from ..gaps.identity import runs_of_gap

    shown = {r["id"]: r for r in runs_as_shown(lib)}
    return gap_run_links(gap.to_dict(), [shown[i] for i in runs_of_gap(lib, gap.id) if i in shown])


def _echo_run_links(links: list[dict]) -> None:
    """`gaps show`'s runs: each finished one with its data set, model and result (and, under it, when its data
    are not the problem's); the others counted apart, never as having tested the gap."""
    from ..experiments.run_links import gap_runs_lines

    lines = gap_runs_lines(links)
    if not lines:
        return
    click.echo("    runs (gapscope runs show ID):")
    for kind, text in lines:
        if kind == "caveat":    # a long reason, wrapped under its run
            click.echo(click.wrap_text(text, 100, initial_indent="        ! ", subsequent_indent="          "))
        else:
            click.echo(("      not finished: " if kind == "unfinished" else "      ") + text)


# what _print_gap already shows of a gap's details (all of them are in `gaps show --json`)
SHOWN_DETAILS = {"level", "topic", "acronyms", "expansions", "plausibility", "reference", "openalex", "closest_check",
                 "closest_work", "shortcoming_sentences", "quotes", "quote_note"}
DETAIL_LIST_MAX = 10


def _detail_value(key: str, value) -> str:
    """A cluster's stability as everywhere else (two decimals); any other value as it is."""
    if key == "stability" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return stability_text(value)
    return str(value)


def detail_lines(value, indent: str) -> list[str]:
    """A gap's details for people: "key: value" lines, a nested mapping or list under its key, indented;
    numbers as they are, a list of plain values on one line, a long list cut after DETAIL_LIST_MAX items."""
    def scalar(v) -> bool:
        return not isinstance(v, (dict, list, tuple))

    out: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if scalar(v):
                out.append(f"{indent}{k}: {_detail_value(k, v)}")
            elif isinstance(v, (list, tuple)) and all(scalar(x) for x in v):
                shown = ", ".join(str(x) for x in v[:DETAIL_LIST_MAX])
                more = f" ... {len(v) - DETAIL_LIST_MAX} more" if len(v) > DETAIL_LIST_MAX else ""
                out.append(f"{indent}{k}: {shown}{more}" if v else f"{indent}{k}: (none)")
            else:
                out.append(f"{indent}{k}:" + (" (none)" if not v else ""))
                out += detail_lines(v, indent + "  ")
    else:
        items = list(value)
        for x in items[:DETAIL_LIST_MAX]:
            if scalar(x):
                out.append(f"{indent}- {x}")
            else:
                sub = detail_lines(x, indent + "  ")
                out.append(indent + "- " + sub[0].lstrip() if sub else f"{indent}-")
                out += sub[1:]
        if len(items) > DETAIL_LIST_MAX:
            out.append(f"{indent}... {len(items) - DETAIL_LIST_MAX} more (`gapscope gaps show --json`)")
    return out


def _seed_list(ctx, param, value):
    """Seeds from "0,1,5", ranges "0-19" (inclusive), or both: "0-4,9"."""
    if value is None:
        return None
    seeds: list[int] = []
    try:
        for part in (v for v in value.replace(" ", "").split(",") if v):
            lo, _, hi = part.partition("-")          # k-means seeds are >= 0, so "-" only makes a range
            seeds += list(range(int(lo), int(hi or lo) + 1))
    except ValueError:
        raise click.BadParameter(f"{value!r}: give comma-separated integers or ranges, e.g. 0,1,2 or 0-19")
    if not seeds:
        raise click.BadParameter("give at least one seed")
    if len(set(seeds)) != len(seeds):
        raise click.BadParameter(f"{value!r}: a seed is repeated")
    return seeds


@gaps.command("backtest")
@click.option("--before", "befores", type=ISO_DATE, required=True, multiple=True, metavar="DATE",
              help="Find gaps with papers listed before DATE (YYYY-MM-DD); repeat for several cut-off dates.")
@click.option("--level", type=click.Choice(["concepts", "clusters"]), default="concepts", show_default=True,
              help="concepts: GapScope's concept-pair ranker against network baselines (ROC-AUC over all candidate "
                   "pairs, precision@k); clusters: the map-cluster pairs against popularity, over k-means seeds.")
@click.option("--k", "top_k", type=click.IntRange(1, 1000), default=20, show_default=True, help="Top-k gaps checked.")
@click.option("--m", "min_filled", type=click.IntRange(1, 1000), default=None,
              help="Later papers with both needed to call a gap filled [concepts: 1, clusters: 3].")
@click.option("--rare-max", type=click.IntRange(0, 1000), default=None,
              help="A pair 'rarely meets' when at most this many earlier papers have both [concepts: 0, clusters: 1].")
@click.option("--min-support", type=click.IntRange(1, 10000), default=5, show_default=True,
              help="concepts: each concept needs this many papers before DATE to be a candidate.")
@click.option("--map-k", type=int, default=None, help="Clusters per map (default: chosen from the data before DATE).")
@click.option("--seeds", callback=_seed_list, default="0-19", show_default=True,
              help="k-means seeds to average over (comma-separated, or ranges such as 0-19); each is one clustering "
                   "of the papers before DATE. Twenty, because five swing the ratio between 1.6x and 3.8x on the "
                   "full cs library.")
@click.option("--seed", type=int, default=None, help="Shorthand for --seeds SEED (one clustering only).")
@click.option("--per-cluster", type=click.IntRange(0, 1000), default=2, show_default=True,
              help="At most this many of the top-k pairs per cluster, as `gaps find` lists them (0: no cap).")
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", "-q", is_flag=True)
@pass_library
def gaps_backtest(ref, befores, level, top_k, min_filled, rare_max, min_support, map_k, seeds, seed, per_cluster,
                  as_json, quiet) -> None:
    """How many of the top-k method x problem gaps found before DATE were filled after it. Concepts (the
    default): GapScope's ranker against preferential attachment, common neighbours, Adamic-Adar, popularity
    and random, by ROC-AUC over all candidate pairs and precision@k, at each --before. Clusters: against a
    popularity and a random baseline, averaged over several k-means seeds."""
    from ..gaps import backtest
    from ..jobs import Cancelled

    if level == "concepts":
        _backtest_concepts(ref, befores, top_k, 1 if min_filled is None else min_filled,
                           0 if rare_max is None else rare_max, min_support, as_json, quiet)
        return
    if len(befores) > 1:
        fail("--level clusters takes one --before", EXIT_ERROR)
    before = befores[0]
    min_filled = 3 if min_filled is None else min_filled
    rare_max = 1 if rare_max is None else rare_max
    if seed is not None:
        seeds = [seed]
    lib = ref.open()
    try:
        with progress_bar("backtest", enabled=not quiet and not as_json) as (progress, cancel):
            res = backtest(lib, before, k=top_k, m=min_filled, rare_max=rare_max, map_k=map_k, seeds=seeds,
                           per_cluster=per_cluster or None, progress=progress, cancel=cancel)
    except Cancelled:
        fail("cancelled", EXIT_CANCELLED)
    except ValueError as exc:
        fail(str(exc), EXIT_ERROR)
    if as_json:
        emit_json(res)
        return
    k = res["k"]
    pct = lambda x: f"{x:.3f}"  # noqa: E731
    ratio = lambda r: "n/a (popularity found none)" if r is None else f"{r:.2f}x"  # noqa: E731
    click.echo(f"before {before}: {res['papers_before']['both']} papers with method and result text; after: "
               f"{res['papers_after']['both']}; maps k = {res['method_k']} (method) / {res['problem_k']} (result), "
               f"{res['k_chosen']}; clusters of >= {res['min_cluster_size']} papers")
    click.echo(f"{'seed':>6}  {'GapScope':>9}  {'popularity':>10}  {'random':>7}  {'ratio':>6}  candidates  filled")
    for s in res["per_seed"]:
        r = s["ratio_vs_popularity"]
        click.echo(f"{s['seed']:>6}  {pct(s['precision_at_k']):>9}  {pct(s['popularity_precision_at_k']):>10}  "
                   f"{pct(s['random_precision_at_k']):>7}  {'-' if r is None else f'{r:.2f}x':>6}  "
                   f"{s['candidates']:>10}  {s['filled_candidates']:>6}")
    click.echo(f"{'mean':>6}  {pct(res['precision_at_k']):>9}  {pct(res['popularity_precision_at_k']):>10}  "
               f"{pct(res['random_precision_at_k']):>7}")
    click.echo(f"precision@{k} over {plural(len(res['seeds']), 'seed')}: GapScope {res['precision_at_k']:.3f}, popularity "
               f"{res['popularity_precision_at_k']:.3f}, random {res['random_precision_at_k']:.3f}")
    click.echo(f"ratio of the means vs popularity: {ratio(res['ratio_vs_popularity'])}; GapScope above popularity "
               f"on {res['seeds_above_popularity']} of {len(res['seeds'])} seeds, below on {res['seeds_below_popularity']}")
    if "uncapped" in res:
        u = res["uncapped"]
        click.echo(f"without the per-cluster cap: GapScope {u['precision_at_k']:.3f}, popularity "
                   f"{u['popularity_precision_at_k']:.3f}, ratio {ratio(u['ratio_vs_popularity'])}")
    click.echo(f"list = {res['list_rule']}")
    click.echo(f"filled = {res['filled_definition']}")


def _backtest_concepts(ref, befores, k, m, rare_max, min_support, as_json, quiet) -> None:
    from ..gaps.concept_backtest import backtest_concepts
    from ..jobs import Cancelled
    from ..store import LibraryError
    from ..store.errors import MissingStep

    lib = ref.open()
    try:
        with progress_bar("backtest", enabled=not quiet and not as_json) as (progress, cancel):
            res = backtest_concepts(lib, list(befores), k=k, m=m, rare_max=rare_max, min_support=min_support,
                                    progress=progress, cancel=cancel)
    except Cancelled:
        fail("cancelled", EXIT_CANCELLED)
    except MissingStep:
        raise                     # exit 10, naming the step to run (commands.common)
    except LibraryError as exc:
        fail(str(exc), EXIT_NOT_FOUND)
    except ValueError as exc:
        fail(str(exc), EXIT_ERROR)
    if as_json:
        emit_json(res)
        return
    click.echo(side_by_side(res.get("dates") or [res]))


def side_by_side(results: list[dict]) -> str:
    """The backtest of each date in columns: ROC-AUC and precision@k of GapScope and every baseline."""
    from ..gaps.linkpred import BASELINES

    k = results[0]["k"]
    f = lambda x: "  n/a " if x is None else f"{x:6.3f}"  # noqa: E731
    head = f"{'':<24}" + "".join(f"  {r['before']:^17}" for r in results)
    sub = f"{'':<24}" + "".join(f"  {'ROC-AUC':>7} {'P@' + str(k):>8} " for _ in results)
    rows = [head, sub]

    def table(rs):
        for name in ("GapScope",) + BASELINES:
            line = f"{name:<24}"
            for r in rs:
                x = r if name == "GapScope" else r["baselines"][name]
                line += f"  {f(x['roc_auc']):>7} {f(x['precision_at_k']):>8} "
            rows.append(line)

    table(results)
    for r in results:
        margin = r["margin_over_best_baseline_auc"]
        info = r["ranker"]
        how = (f"FALLBACK ranker (fixed feature blend): {info['fallback']}" if info.get("fallback") else
               f"learned ranker (logistic regression) trained on features before {info.get('train_before', '?')} "
               f"and the links formed in {info.get('train_window', '?')} ({info.get('train_positive', '?')} of "
               f"{info.get('train_pairs', '?')} pairs)")
        rows.append(f"{r['before']}: {r['candidates']} candidate pairs ({r['method_concepts']} method x "
                    f"{r['problem_concepts']} problem concepts), {r['filled_candidates']} filled; GapScope AUC "
                    f"{'n/a' if margin is None else f'{margin:+.3f}'} over the best baseline; {how}")
        if r.get("warning"):
            rows.append(f"  warning: {r['warning']}")
    rows.append(f"filled = {results[0]['filled_definition']}")
    if "candidate_filter" in results[0]:
        rows.append(f"candidates = {results[0]['candidate_filter']}")
    if all("all_pairs" in r for r in results):
        rows.append("the same rankers over every rare pair (no concept-quality filter):")
        table([r["all_pairs"] for r in results])
        rows.append("  candidates: " + ", ".join(f"{r['before']}: {r['all_pairs']['candidates']} "
                                                 f"({r['all_pairs']['filled_candidates']} filled)" for r in results))
    return "\n".join(rows)


def register(main: click.Group) -> None:
    main.add_command(map_)
    main.add_command(gaps)
