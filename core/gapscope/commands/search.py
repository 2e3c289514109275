"""`gapscope search`: titles and abstracts, the full text of attached PDFs, and the researcher's own notes
and highlight comments, each hit saying where it was found."""

from __future__ import annotations

import click

from .common import emit_json, fail, pass_library
from .terminal import terminal_safe as safe
from ..textfmt import clip_words, plural

WHERE_WIDTH = 30        # the text output's "where" column


def fulltext_where(section: str, page: int, width: int = WHERE_WIDTH) -> str:
    """"Section, p. 12" in at most ``width`` characters: the section name is shortened, never the page."""
    page_part = f", p. {page}"
    return clip_words(section or "front matter", max(width - len(page_part), 1)) + page_part


def _rows(lib, hits, full, annotated, by_id: dict) -> list[dict]:
    """``by_id``: paper id -> the arXiv id or DOI it was found by, for a search of ids alone."""
    from ..store.annotation_search import annotation_where     # the store is read only once a search runs

    ids = {h[0] for h in hits} | {f["paper_id"] for f in full} | {a["paper_id"] for a in annotated}
    titles = {p.id: p.title for p in lib.get_papers(list(ids))}
    rows = [dict(paper_id=i, title=titles[i], where=by_id[i].text if i in by_id else "title/abstract",
                 score=round(-r, 3)) for i, r in hits]
    rows += [dict(paper_id=f["paper_id"], title=titles[f["paper_id"]], where=f"{f['section'] or 'front matter'}, "
                  f"p. {f['page']}", section=f["section"], section_kind=f["section_kind"], page=f["page"],
                  text=f["text"], role=f["role"], shortcoming=f["shortcoming"], paper_hits=f["paper_hits"],
                  score=round(-f["rank"], 3)) for f in full]
    for a in annotated:
        row = dict(paper_id=a["paper_id"], title=titles[a["paper_id"]], where=annotation_where(a), kind=a["kind"])
        row["note_id" if a["kind"] == "note" else "highlight_id"] = a["id"]
        if a["page"] is not None:
            row["page"] = a["page"]
        rows.append(dict(row, text=a["text"], score=round(-a["rank"], 3)))
    return rows


def _echo_hit(r: dict, where: str) -> None:
    click.echo(f"{r['paper_id']:>6}  {safe(where):<{WHERE_WIDTH}} {safe(r['title'])[:70]}")
    if r.get("text"):
        click.echo(f"{'':8}{safe(r['text'])[:160]}")


def _echo(rows: list[dict]) -> None:
    """One line per hit, then its words; full-text hits together by paper (best paper first), followed by
    how many more sentences of that paper match."""
    by_paper: dict[int, list[dict]] = {}
    for r in rows:
        if "paper_hits" in r:
            by_paper.setdefault(r["paper_id"], []).append(r)
    for r in rows:
        if "paper_hits" not in r and "kind" not in r:      # found by its title, abstract or id
            _echo_hit(r, r["where"])
    for paper_id, group in by_paper.items():
        for r in group:
            _echo_hit(r, fulltext_where(r["section"], r["page"]))
        more = group[0]["paper_hits"] - len(group)
        if more > 0:
            click.echo(f"{'':8}… and {plural(more, 'more sentence')} in this paper (`gapscope pdf text {paper_id}`)")
    for r in rows:
        if "kind" in r:
            _echo_hit(r, clip_words(r["where"], WHERE_WIDTH))


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--limit", default=20, show_default=True,
              help="At most this many hits of each kind: titles and abstracts, full text, notes and comments.")
@click.option("--per-paper", default=3, show_default=True,
              help="At most this many full-text sentences of one paper (0: no cap); the rest are counted.")
@click.option("--json", "as_json", is_flag=True)
@click.option("--save", "save_as", metavar="NAME",
              help="Also keep QUERY as the saved search NAME (the app's sidebar lists it under Saved searches).")
@pass_library
def search(ref, query, limit, per_paper, as_json, save_as) -> None:
    """Search titles and abstracts, the full text of attached PDFs, and your notes and highlight comments;
    each hit says where it was found (the abstract, a section and page of the PDF, or a note of the paper).
    An arXiv id or DOI as pasted (2506.00475v2, arXiv:..., an arxiv.org or doi.org address, several at once)
    finds that paper; words beside it search that paper's text only."""
    from ..store import LibraryError
    from ..store.search_query import parse_search

    lib = ref.open()
    q = " ".join(query)
    try:
        parsed = parse_search(q)
        hits = lib.search(q, limit=limit)
        full = lib.search_fulltext(q, limit=limit, per_paper=max(per_paper, 0))
        annotated = lib.search_annotations(q, limit=limit)
        if save_as is not None:          # only a query that ran: a broken one is not kept
            lib.save_search(save_as, q)
            click.echo(f"saved the search as {save_as.strip()!r}", err=True)
    except LibraryError as exc:
        fail(str(exc))
    named, _left_out, missing = lib.named_papers(parsed)
    rows = _rows(lib, hits, full, annotated, named if not parsed.fts else {})
    echo_missing_ids(missing)
    if as_json:
        emit_json(rows)
        return
    _echo(rows)
    if not rows:
        click.echo("no match", err=True)


def echo_missing_ids(missing) -> None:
    """On stderr: the arXiv ids and DOIs of a search that no paper of the library has."""
    for ident in missing:
        click.echo(f"note: no paper in this library has the {ident.kind} {ident.value}", err=True)


def register(main: click.Group) -> None:
    main.add_command(search)
