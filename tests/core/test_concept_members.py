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


NAME_ROWS = [
    ("Zero-shot segmentation with CLIP", "We adapt CLIP-based features to masks."),          # the name
    ("Video retrieval", "We rank short video clips by their captions."),                    # a common word
    ("Gradient clipping revisited", "Clipping the gradient norm stabilises training."),     # its stem
    ("Prompt learning", "Prompts for CLIPs of several sizes."),                             # its plural
    ("Math reasoning", "We aim to solve olympiad problems; our model aims higher."),        # "AIME" is "aim"
    ("Math benchmarks", "We evaluate on AIME 2024 and AIME-25."),
    ("Vision-language models", "Small vlm and VLMs alike."),
    ("LIDAR-BASED MAPPING", "Point clouds."),                                              # a title in capitals
    ("Lidar odometry", "A lidar scan."),
]


def test_a_name_in_capitals_counts_the_papers_that_write_it_so_not_the_words_its_stem_matches(library):
    """The search index ignores case and reads stems: "CLIP" finds "video clips" and "clipping", "AIME"
    finds "we aim". A concept named in capitals counts only the papers writing it so; its lower-case
    merged variants ("vlm" of "VLMs") too. A phrase with more words is the search's ("KV cache"). The
    mentions the pair checks read (the joined-in-text rule, the reference corpus, the closest-work check's
    "names both") read such a name so too."""
    from gapscope.concepts.members import named_in_text, search_query, written_in_capitals
    from gapscope.concepts.model import Concept
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    ingest_papers(library, [Paper(title=t, abstract=a, year=2025, source="t", source_key=str(i))
                            for i, (t, a) in enumerate(NAME_ROWS)], kind="import", source="t", target="test")
    ids = {t: pid for pid, t, _a in library.paper_title_abstracts()}
    clip = Concept(1, "method", "CLIP", [], np.zeros(4), {})
    aime = Concept(2, "problem", "AIME", [], np.zeros(4), {})
    vlm = Concept(3, "method", "VLMs", ["vlm"], np.zeros(4), {})
    lidar = Concept(4, "problem", "LiDAR", [], np.zeros(4), {})
    named = named_in_text(library, [clip, aime, vlm, lidar])
    assert named[4] == {ids["LIDAR-BASED MAPPING"]}
    assert named[1] == {ids["Zero-shot segmentation with CLIP"], ids["Prompt learning"]}
    assert named[2] == {ids["Math benchmarks"]}
    assert named[3] == {ids["Vision-language models"]}
    # so for the mentions the pair checks read (a reference abstract "combines" CLIP only where it names it)
    near = library.papers_mentioning({1: ["CLIP"], 2: ["AIME"], 3: ["VLMs", "vlm"], 4: ["LiDAR"]})
    assert near == {k: set(v) for k, v in named.items()}
    # the search finds more for these names, and the gap says which are counted only as written
    assert len(library.search(search_query([clip]), limit=100)) == 4
    assert written_in_capitals(search_query([clip])) == ["CLIP"]
    assert written_in_capitals(search_query([vlm])) == ["VLM"]
    assert written_in_capitals('{title abstract} : ("KV cache")') == []


def test_the_report_says_which_names_count_only_as_written():
    from gapscope.concepts.members import search_query
    from gapscope.concepts.model import Concept
    from gapscope.reports.explain import why_lines

    clip = Concept(1, "method", "CLIP", ["clips"], np.zeros(4), {})
    kv = Concept(2, "problem", "KV cache", [], np.zeros(4), {})
    d = {"level": "concept", "method_papers": 2, "problem_papers": 3, "method_search": search_query([clip]),
         "problem_search": search_query([kv])}
    text = " ".join(why_lines("method_x_problem", 0.9, d, "CLIP", "KV cache"))
    assert "a name with capitals (\u201cCLIP\u201d) counts only the papers that write it so" in text
    d["method_search"] = search_query([Concept(3, "method", "contrastive learning", [], np.zeros(4), {})])
    assert "capitals" not in " ".join(why_lines("method_x_problem", 0.9, d, "contrastive learning", "KV cache"))


def test_gaps_show_says_which_names_count_only_as_written(library, capsys):
    from gapscope.commands.maps import _print_gap
    from gapscope.concepts.members import search_query
    from gapscope.concepts.model import Concept
    from gapscope.gaps.model import ClusterRef, Gap

    q = search_query([Concept(1, "method", "CLIP", [], np.zeros(4), {})])
    kv = search_query([Concept(2, "problem", "KV cache", [], np.zeros(4), {})])
    g = Gap("method_x_problem", 0.9, "Apply “CLIP” to “KV cache”.", ClusterRef("concept", None, 1, "CLIP", []),
            ClusterRef("concept", None, 2, "KV cache", []), [], roles={},
            details={"level": "concept", "method_papers": 2, "problem_papers": 3, "method_search": q,
                     "problem_search": kv})
    _print_gap(g, None)
    out = capsys.readouterr().out
    assert f"method papers: 2 (gapscope search '{q}', \u201cCLIP\u201d counted only where written with its capitals," in out
    assert f"problem papers: 3 (gapscope search '{kv}', and those the extractor named it in)" in out
    g.details["problem_papers"] = 62          # the command lists 20 unless told more
    _print_gap(g, None)
    assert f"problem papers: 62 (gapscope search --limit 62 '{kv}', and" in capsys.readouterr().out


def test_a_variant_cut_from_two_phrases_is_no_form_of_the_concept(library):
    """"signal-to-noise ratio SNR" carried the variant "signal-to-noise ratio psnr" (from "peak signal-to-noise
    ratio (PSNR)"), whose search counted image-quality papers in a wireless gap on the 10,653-paper library."""
    from gapscope.concepts.members import named_in_text, search_query
    from gapscope.concepts.model import Concept
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    rows = [("Beamforming at low SNR", "We raise the signal-to-noise ratio (SNR) of MIMO links."),
            ("Image denoising", "Our model gains 1.2 dB in peak signal-to-noise ratio (PSNR) on Set12.")]
    ingest_papers(library, [Paper(title=t, abstract=a, year=2025, source="t", source_key=str(i))
                            for i, (t, a) in enumerate(rows)], kind="import", source="t", target="test")
    ids = {t: pid for pid, t, _a in library.paper_title_abstracts()}
    snr = Concept(1, "problem", "signal-to-noise ratio SNR", ["signal-to-noise ratio psnr"], np.zeros(4), {})
    assert "psnr" not in search_query([snr]).lower()
    assert named_in_text(library, [snr])[1] == {ids["Beamforming at low SNR"]}


def test_the_pieces_of_two_phrases_are_told_from_real_variants():
    from gapscope.concepts.variants import search_variants

    # the variants the 10,653-paper library's gaps searched by
    assert search_variants("data selection", ["selection data"]) == []
    assert search_variants("visual reasoning", ["reasoning visual", "complex visual reasoning"]) == [
        "complex visual reasoning"]
    assert search_variants("knowledge graph", ["knowledge graphs", "knowledge-graph", "kgs", "knowledge graphs kgs",
                                               "graphs kgs", "graph kg"]) == [
        "knowledge graphs", "knowledge-graph", "kgs", "knowledge graphs kgs"]
    assert search_variants("signal-to-noise ratio SNR", ["signal-to-noise ratio psnr", "snr"]) == ["snr"]
    # a longer name, a plural, a compound either way round stay
    assert search_variants("3D reconstruction", ["3d reconstruction models", "3d reconstructions"]) == [
        "3d reconstruction models", "3d reconstructions"]
    assert search_variants("teacher-student", ["student-teacher"]) == ["student-teacher"]


def test_a_compound_read_either_way_round_inside_a_longer_name_stays():
    """ "image-text pairs" and "text-image pairs" are one name: the compound is turned, the phrase's words stay in
    their order (the 10,653-paper library's concept list had four such variants)."""
    from gapscope.concepts.variants import search_variants

    assert search_variants("image-text pairs", ["text-image pairs"]) == ["text-image pairs"]
    assert search_variants("accuracy-efficiency trade-off", ["efficiency-accuracy trade-offs"]) == [
        "efficiency-accuracy trade-offs"]
    assert search_variants("video-text alignment", ["text-video alignment"]) == ["text-video alignment"]
    # the words themselves out of order stay pieces
    assert search_variants("image-text pairs", ["pairs image-text", "pairs text-image"]) == []
