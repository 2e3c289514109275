"""What a gap counts for a concept is what a reader finds: the papers the extractor named it in and those
whose title or abstract names it (concepts/members.py), under any spelling the search index treats alike
("KV-cache", "KV caches"), and the search that lists them finds exactly those of the text."""

from __future__ import annotations

import numpy as np

from tests.core.test_gaps_rank import constructed_graph

ROWS = [
    ("KeepKV: KV Cache Compression for Long Contexts", "We keep the outputs of attention unchanged."),     # title only
    ("Efficient decoding", "Background: long contexts fill the KV-cache quickly. We propose a kernel."),   # hyphenated
    ("Streaming video models", "We bound memory by evicting KV caches of old frames."),                 # plural
    ("Serving LLMs", "A key-value cache is shared across requests."),       # another spelling: not a form
    ("Caches elsewhere", "The KV store and the page cache of the operating system."),     # both words, apart
    ("Attention sinks", "We study where attention goes.", "Kv Cache"),                   # an author's name
]


def _library(library):
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    ingest_papers(library, [Paper(title=r[0], abstract=r[1], year=2025, source="t", source_key=str(i),
                                  authors=list(r[2:]))
                            for i, r in enumerate(ROWS)], kind="import", source="t", target="test")
    return {t: pid for pid, t, _a in library.paper_title_abstracts()}


def test_the_papers_naming_a_concept_are_those_its_search_finds(library):
    from gapscope.concepts.members import members, named_in_text, search_query
    from gapscope.concepts.model import Concept

    ids = _library(library)
    # the extractor named it in none of them: KeyBERT picked other phrases, or read no title
    kv = Concept(1, "method", "KV cache", ["kv-cache", "kv caches", "kv cache compression"], np.zeros(4), {})
    named = named_in_text(library, [kv])
    q = search_query([kv])
    # "kv-cache" is "KV cache" to the index, "kv cache compression" holds it; authors are not read
    assert q == '{title abstract} : ("KV cache" OR "kv caches")'
    found = {pid for pid, _ in library.search(q, limit=100)}
    assert named[1] == found == {ids[r[0]] for r in ROWS[:3]}
    assert members([kv], named) == found
    # the extractor's papers count too, once
    kv.papers = {ids["Serving LLMs"]: "method", ids[ROWS[0][0]]: "method"}
    assert members([kv], named) == found | {ids["Serving LLMs"]}


def test_a_gap_counts_for_each_end_the_papers_that_name_it_and_says_how_to_find_them():
    from gapscope.concepts.members import search_query
    from gapscope.gaps.candidates import concept_gaps

    cs, dates, pv = constructed_graph(seed=2)
    plain = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0)
    g = plain[0]
    by_id = cs.by_id()
    m, p = by_id[g.method.cluster], by_id[g.problem.cluster]
    assert f": {m.n_papers} papers in the library mention {m.phrase} and {p.n_papers} mention {p.phrase}," in g.statement
    # papers that name the method in their title or abstract but were not among the extractor's key phrases
    extra = sorted(set(dates) - set(m.papers) - set(p.papers))[:7]
    asked = []

    def named(concepts):
        asked.extend(c.id for c in concepts)
        return {c.id: frozenset(extra) if c.id == m.id else frozenset() for c in concepts}

    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, named=named)
    same = next(x for x in again if (x.method.cluster, x.problem.cluster) == (m.id, p.id))
    n = len(set(m.papers) | set(extra))
    assert n > m.n_papers
    assert f": {n} papers in the library mention {m.phrase} and {p.n_papers} mention {p.phrase}," in same.statement
    assert same.details["method_papers"] == n and same.details["method_key_papers"] == m.n_papers
    assert same.details["method_search"] == search_query([m]) and same.details["problem_search"] == search_query([p])
    assert m.id in asked and p.id in asked            # only the listed gaps' ends are read
    assert len(set(asked)) < len(cs.concepts)
    # the ranking is the extractor's concept graph: unchanged
    assert [(x.method.cluster, x.problem.cluster) for x in again] == [(x.method.cluster, x.problem.cluster) for x in plain]


def test_the_search_a_gap_gives_runs_on_the_command_line_and_finds_the_counted_papers(library):
    """`gapscope search` also reads the PDFs' full text, which has no title or abstract column: a query
    naming those columns (the concept's search, "ti:covid") finds its papers there and no error."""
    import json

    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.concepts.members import named_in_text, search_query
    from gapscope.concepts.model import Concept

    ids = _library(library)
    kv = Concept(1, "method", "KV cache", ["kv-cache"], np.zeros(4), {})
    for q, want in ((search_query([kv]), named_in_text(library, [kv])[1]), ("ti:keepkv", {ids[ROWS[0][0]]})):
        r = CliRunner().invoke(main, ["-L", str(library.path), "search", q, "--json", "--limit", "100"])
        assert r.exit_code == 0, r.output
        assert {x["paper_id"] for x in json.loads(r.output)} == want, q
