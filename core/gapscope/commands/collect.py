"""`gapscope collect arxiv | scholar | log | cursors` and `gapscope settings get | set | list`."""

from __future__ import annotations

import json
import sys

import click

from .common import (EXIT_BLOCKED, EXIT_CANCELLED, EXIT_ERROR, EXIT_PARTIAL, EXIT_USAGE, IsoDate, emit_json,
                     fail, pass_library, progress_bar)
from ..textfmt import plural


@click.group()
def collect() -> None:
    """Collect papers from arXiv or Google Scholar (resumable: run the same command again to continue)."""


def _finish(report, as_json: bool, code: int = 0) -> None:
    if as_json:
        emit_json(dict(report.to_dict(), **({"pdfs": report.pdfs} if hasattr(report, "pdfs") else {})))
    else:
        bits = [f"read {report.read}", f"added {report.added}", f"merged {report.merged}",
                f"already there {report.unchanged}", f"bad {report.bad}"]
        if report.kept_edited:      # records of papers whose abstract the user edited or cleared: left so
            bits.append(f"{plural(report.kept_edited, 'abstract')} kept as edited")
        head = f"{report.source} {report.query!r}: " + ", ".join(bits)
        if report.total is not None:
            head += f" (the source reports {report.total} results)"
        click.echo(head)
        click.echo(f"{plural(report.requests, 'request')}, {plural(report.retries, 'retry', 'retries')}, "
                   f"{report.waited_s:.0f} s waiting"
                   + (" (resumed from the saved cursor)" if report.resumed_from else ""), err=True)
        for e in report.events[-10:]:
            click.secho(f"  {e}", fg="yellow", err=True)
        for err in report.errors[:20]:
            click.secho(f"  {err}", fg="yellow", err=True)
        if report.cancelled:
            click.echo("cancelled: what was collected is kept; run the same command again to continue", err=True)
    if report.cancelled:
        code = EXIT_CANCELLED
    elif not code and report.bad:
        code = EXIT_PARTIAL
    sys.exit(code)


def _failed(exc, as_json: bool) -> None:
    from ..collect import CollectBlocked, CollectUnreachable

    # a source unreachable (offline) ends as `enrich` ends for the same cause: 5, not 1
    code = EXIT_BLOCKED if isinstance(exc, (CollectBlocked, CollectUnreachable)) else EXIT_ERROR
    rep = exc.report
    if as_json:
        emit_json(dict(rep.to_dict() if rep else {}, error=str(exc)))
    else:
        if rep is not None:
            click.echo(f"kept: added {rep.added}, merged {rep.merged}, already there {rep.unchanged} "
                       f"({plural(rep.requests, 'request')})", err=True)
        click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(code)


@collect.command("arxiv")
@click.argument("query", nargs=-1)
@click.option("--ids", "ids", multiple=True, help="arXiv ids (2501.01234, 2501.01234v2, hep-th/9901001); repeat or comma-separate.")
@click.option("--new-in", "new_in", multiple=True, metavar="CATEGORY",
              help="Everything new in these categories (cs.LG ...) since the last such collect (or --since); "
                   "repeat or comma-separate.")
@click.option("--max", "max_results", type=click.IntRange(min=1), help="Stop after this many papers.")
@click.option("--since", type=IsoDate(with_time=True), metavar="DATE",
              help="Only papers submitted on or after this date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM in UTC).")
@click.option("--until", type=IsoDate(with_time=True), metavar="DATE",
              help="Only papers submitted on or before this date (YYYY-MM-DD, or YYYY-MM-DDTHH:MM in UTC).")
@click.option("--sort", type=click.Choice(["relevance", "newest", "oldest", "updated"]),
              help="Result order (default: relevance; oldest-first whenever dates are given).")
@click.option("--page-size", type=click.IntRange(1, 2000), help="Results per request (default 2000, the API maximum).")
@click.option("--restart", is_flag=True, help="Ignore the saved cursor of an interrupted run and start over.")
@click.option("--collection", help="Put every paper found (new or already in the library) in this collection.")
@click.option("--pdf", "with_pdf", is_flag=True,
              help="Also download and attach the PDF of each paper this collect added (see `gapscope pdf fetch`).")
@click.option("--json", "as_json", is_flag=True, help="Print the collect report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@pass_library
def collect_arxiv_cmd(ref, query, ids, new_in, max_results, since, until, sort, page_size, restart, collection,
                      with_pdf, as_json, quiet) -> None:
    """Collect from the arXiv API. QUERY is arXiv query syntax: `ti:transformer AND cat:cs.CL`,
    `au:hinton`, `abs:"graph neural" ANDNOT cat:cs.LG` ...

    One request per 3 s (the API's terms), pages of up to 2,000, queries over 30,000 results split
    into date windows. Endpoint: $GAPSCOPE_ARXIV_URL or setting collect.arxiv_url.
    Exit codes: 0 done, 1 failed (what was read is kept), 3 some ids not found, 5 arXiv could not be reached
    (no network) or stopped answering, as for `enrich` (what was read is kept), 130 cancelled."""
    from ..collect import CollectError, collect_arxiv

    q = " ".join(query)
    id_list = [i for part in ids for i in part.replace(",", " ").split()]
    cats = [c for part in new_in for c in part.replace(",", " ").split()]
    if sum(bool(x) for x in (q, id_list, cats)) != 1:
        fail("give a QUERY, or --ids, or --new-in (exactly one)", EXIT_USAGE)
    lib = ref.open(create=True)
    try:
        with progress_bar("collect arxiv", enabled=not quiet and not as_json) as (progress, cancel):
            rep = collect_arxiv(lib, q, ids=id_list, categories=cats, max_results=max_results, since=since,
                                until=until, sort=sort, page_size=page_size, restart=restart,
                                collection=collection, progress=progress, cancel=cancel)
    except CollectError as exc:
        _failed(exc, as_json)
    except ValueError as exc:
        fail(str(exc), EXIT_USAGE)
    code = _fetch_pdfs(lib, rep, as_json, quiet) if with_pdf and rep.added_ids else 0
    _finish(rep, as_json, code)


def _fetch_pdfs(lib, rep, as_json: bool, quiet: bool) -> int:
    """The PDFs of the papers a collect added (a line per paper, or "pdfs" in the JSON report); the
    exit code: EXIT_PARTIAL when a paper's PDF was not attached (named by its arXiv id), EXIT_BLOCKED when
    the PDF host could not be reached."""
    from .fulltext import fetch_and_attach, fetch_exit_code

    results = fetch_and_attach(lib, rep.added_ids, quiet=quiet, print_results=not as_json)
    rep.pdfs = [r.to_dict() for r in results]
    failed = [r.arxiv_id for r in results if r.status in ("failed", "unreadable")]
    if failed and not as_json:
        click.secho(f"{plural(len(failed), 'PDF')} not attached: {', '.join(failed)}", fg="yellow", err=True)
    return fetch_exit_code(results)


@collect.command("scholar")
@click.argument("query", nargs=-1, required=True)
@click.option("--max", "max_results", type=click.IntRange(min=1), default=100, show_default=True,
              help="Stop after this many results.")
@click.option("--year-low", type=int, help="Only results from this year on.")
@click.option("--year-high", type=int, help="Only results up to this year.")
@click.option("--no-arxiv-fill", is_flag=True, help="Do not look up results that link to arXiv for their full abstracts.")
@click.option("--restart", is_flag=True, help="Ignore the saved cursor of an interrupted run and start over.")
@click.option("--collection", help="Put every paper found (new or already in the library) in this collection.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--quiet", "-q", is_flag=True)
@pass_library
def collect_scholar_cmd(ref, query, max_results, year_low, year_high, no_arxiv_fill, restart, collection, as_json,
                        quiet) -> None:
    """Collect a Google Scholar search. Scholar shows snippets: abstracts are marked truncated and
    filled from arXiv where the paper is there. Google blocks scrapers without warning: a block
    ends the collect with exit code 5, keeping what was collected (set collect.proxy, or wait); so does
    a Scholar that cannot be reached (no network).
    Endpoint: $GAPSCOPE_SCHOLAR_URL or setting collect.scholar_url."""
    from ..collect import CollectError, collect_scholar

    lib = ref.open(create=True)
    try:
        with progress_bar("collect scholar", enabled=not quiet and not as_json) as (progress, cancel):
            rep = collect_scholar(lib, " ".join(query), max_results=max_results, year_low=year_low,
                                  year_high=year_high, fill_from_arxiv=not no_arxiv_fill, restart=restart,
                                  collection=collection, progress=progress, cancel=cancel)
    except CollectError as exc:
        _failed(exc, as_json)
    _finish(rep, as_json)


@collect.command("log")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(min=1),
              help="How many of the latest collects to list.")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def collect_log(ref, limit, as_json) -> None:
    """The collect log: query, when, how many new, how many merged, errors."""
    rows = [e for e in ref.open().imports_log(10_000) if e["kind"] == "collect"][:limit]
    if as_json:
        emit_json(rows)
        return
    if not rows:      # an imported or sample library has a log too, but of imports
        click.echo("no collect yet in this library (`gapscope collect arxiv|scholar` makes one; "
                   "imports and the sample are listed by `gapscope imports`)", err=True)
    for e in rows:
        click.echo(f"#{e['id']} {e['started_at']} {e['source']} {e['target']!r}: {e['status']}, read {e['read']}, "
                   f"new {e['added']}, merged {e['merged']}, already there {e['unchanged']}, errors {e['error_count']}"
                   + (f" - {e['message']}" if e["message"] else ""))


@collect.command("cursors")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def collect_cursors(ref, as_json) -> None:
    """Saved collect cursors: where an interrupted collect will continue, and what was done."""
    from ..collect import list_cursors

    rows = list_cursors(ref.open())
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("no saved collect cursors (a collect that stops before its end leaves one)", err=True)
    for c in rows:
        st = c["state"]
        where = "done" if st.get("done") else f"unit {st.get('u', 0)}, start {st.get('start', 0)}, next {st.get('next', '')}"
        click.echo(f"{c['key']} {c['source']} {c['query']!r}: {where} (collected {st.get('collected', 0)}, {c['updated_at']})")


def _known_library_settings() -> dict:
    """Every library setting a user may change, with its default (all declared in gapscope.settings)."""
    from ..settings import LIBRARY_SETTINGS

    return {key: s.default for key, s in LIBRARY_SETTINGS.items()}


@click.group()
def settings() -> None:
    """Library settings (collect endpoints, proxy, politeness, compute device)."""


@settings.command("list")
@click.option("--json", "as_json", is_flag=True)
@pass_library
def settings_list(ref, as_json) -> None:
    """Known settings with their current values (an API key masked). What the library keeps for itself
    in the same table (the last gap find, its notices) is not a setting and is not listed."""
    from ..settings import shown

    lib = ref.open()
    known = _known_library_settings()
    stored = {k: v for k, v in lib.all_settings().items() if k in known}
    values = {k: shown(k, v) for k, v in {**known, **stored}.items()}
    if as_json:
        emit_json(values)
        return
    for k, v in sorted(values.items()):
        click.echo(f"{k} = {json.dumps(v)}" + ("" if k in stored else "  (default)"))


@settings.command("get")
@click.argument("key")
@pass_library
def settings_get(ref, key) -> None:
    """KEY's value (an API key masked); KEY is a library key or a setting's name."""
    from ..settings import shown

    key = _library_key(key)
    click.echo(json.dumps(shown(key, ref.open().get_setting(key, _known_library_settings().get(key)))))


def _library_key(key: str) -> str:
    """The key a setting is stored under in the library (``collect_timeout_s`` -> ``collect.timeout_s``);
    ``key`` itself when no setting declares it."""
    from ..settings import SettingError, library_setting_for

    try:
        return library_setting_for(key).library_key or key
    except SettingError:
        return key


@settings.command("set")
@click.argument("key")
@click.argument("value")
@pass_library
def settings_set(ref, key, value) -> None:
    """Set KEY to VALUE (JSON, or plain text): `gapscope settings set collect.proxy http://host:3128`."""
    from ..settings import SettingError, checked_library_value, library_setting_for, shown

    try:
        parsed = json.loads(value)
    except json.JSONDecodeError:
        parsed = value
    try:
        parsed = checked_library_value(key, parsed)      # a choice, or a number in its range
        key = library_setting_for(key).library_key       # `device` is stored as compute.device
    except SettingError as exc:
        fail(f"nothing stored: {exc}", 2)
    ref.open(create=True).set_setting(key, parsed)
    click.echo(f"{key} = {json.dumps(shown(key, parsed))}")


@settings.command("resolve")
@click.argument("name", required=False)
@click.option("--json", "as_json", is_flag=True)
@pass_library
def settings_resolve(ref, name, as_json) -> None:
    """Each setting's value as a command sees it, and where it comes from
    (command line > environment > library > user settings > default). NAME is a setting's name or its
    library key (device or compute.device)."""
    from .. import settings as store

    if name is not None and name not in store.SETTINGS:
        # the key `settings list` / `get` / `set` show names the same setting
        by_key = {s.library_key: n for n, s in store.SETTINGS.items() if s.library_key}
        if name not in by_key:
            import difflib

            near = difflib.get_close_matches(name, [*store.SETTINGS, *by_key], n=1, cutoff=0.6)
            fail(f"unknown setting {name!r}; " + (f"did you mean {near[0]}?" if near else
                                                   f"known: {', '.join(store.SETTINGS)}"), 2)
        name = by_key[name]
    view = store.Settings(ref.open() if ref.path.exists() else None)
    try:
        rows = {n: view.lookup(n) for n in ([name] if name else store.SETTINGS)}
    except store.SettingError as exc:
        fail(str(exc), 2)
    rows = {n: (store.shown(n, v), src) for n, (v, src) in rows.items()}
    if as_json:
        emit_json({n: {"value": v, "source": src} for n, (v, src) in rows.items()})
        return
    for n, (v, src) in rows.items():
        click.echo(f"{n} = {v}  ({src})")


def register(main: click.Group) -> None:
    main.add_command(collect)
    main.add_command(settings)
