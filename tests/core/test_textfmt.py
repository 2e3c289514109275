"""LaTeX in titles and abstracts shown as text, with offsets back to the stored text."""

from __future__ import annotations

import gzip
import itertools
import json

import pytest

from gapscope.textfmt import latex_to_text, latex_to_text_spans


@pytest.mark.parametrize("source, shown", [
    (r"improves accuracy by 20.43\% on", "improves accuracy by 20.43% on"),
    (r"a learning rate $\alpha$ and $\beta$-VAE", "a learning rate α and β-VAE"),
    (r"Schr\"odinger and \'{e}t\'e", "Schrödinger and été"),
    (r"\textbf{bold} and \emph{new}", "bold and new"),
    (r"$O(n \log n)$ time, $\geq 3$ steps, $\sim$10x", "O(n log n) time, ≥ 3 steps, ∼10x"),
    (r"50% of $\gamma$ and 3\% more", "50% of γ and 3% more"),     # a bare % is a per cent sign
    (r"costs $5 and $\beta$", "costs $5 and $β$"),                 # unpaired dollars are dollars
    ("plain text -- untouched {x} 5%", "plain text -- untouched {x} 5%"),
    (r"{\LaTeX} and a~b, \unknownmacro left", "LaTeX and a b, left"),   # no double space where one vanished
    (r"as in \cite[Conjecture 2.3]{Green20} for ``special'' $\mathcal{N}=2$ theories -- see",
     "as in <cit.> for “special” 𝒩=2 theories – see"),                    # a command over several words
    (r"(Comm.\ Contemp.\ Math.) and {Lagrangian submanifolds} with $x$", "(Comm. Contemp. Math.) and Lagrangian submanifolds with x"),
    ("", ""),
])
def test_latex_rendered_as_text(source, shown):
    assert latex_to_text(source) == shown


def test_spans_point_back_to_the_source():
    source = r"We gain 20.43\% with $\alpha$ only."
    shown, spans = latex_to_text_spans(source)
    assert shown == "We gain 20.43% with α only."
    assert len(spans) == len(shown)
    a = shown.index("α")
    assert source[spans[a][0]:spans[a][1]] == r"$\alpha$"
    p = shown.index("%")
    assert source[spans[p][0]:spans[p][1]] == r"\%"
    o = shown.index("only")
    assert source[spans[o][0]:spans[o + 3][1]] == "only"


def test_real_abstracts_convert_and_map(shared_data):
    """Every LaTeX abstract of the first 400 math papers converts, each shown character maps into the
    source, and no backslash command is left in the text."""
    path = shared_data / "arxiv" / "arxiv-math-2025-2026.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        abstracts = [json.loads(line)["abstract"] or "" for line in itertools.islice(f, 400)]
    latex = [a for a in abstracts if "$" in a]
    assert len(latex) > 100
    for a in latex:
        shown, spans = latex_to_text_spans(a)
        assert len(spans) == len(shown)
        assert all(0 <= s < e <= len(a) for s, e in spans)
        assert r"\alpha" not in shown and r"\mathbb" not in shown


def test_report_shows_titles_and_highlights_as_text(library, shared_data, tmp_path):
    """The report takes paper titles and highlighted abstract text through latex_to_text."""
    from gapscope.ingest import import_file
    from gapscope.reports.data import gather_notes
    from gapscope.triage.annotate import add_highlight

    src = shared_data / "arxiv" / "arxiv-math-2025-2026.jsonl.gz"
    sl = tmp_path / "math.jsonl"
    with gzip.open(src, "rt", encoding="utf-8") as f:
        sl.write_text("".join(itertools.islice(f, 300)), encoding="utf-8")
    import_file(library, sl)
    pid, title, abstract = next((i, t, a) for i, t, a in library.paper_title_abstracts()
                                if "$" in t and "$" in a)
    start = abstract.index("$")
    end = abstract.index("$", start + 1) + 1
    add_highlight(library, pid, start, end)
    sec = gather_notes(library, None)
    (h,) = sec.highlights
    assert "$" not in h["text"] and h["text"] == latex_to_text(abstract[start:end])
    assert h["paper"].title == latex_to_text(title) and "$" not in h["paper"].title


def test_plural_nouns_agree_with_their_number():
    from gapscope.textfmt import plural

    assert [plural(n, "note") for n in (0, 1, 4, 1200)] == ["0 notes", "1 note", "4 notes", "1,200 notes"]
    assert plural(2, "entry") == "2 entries" and plural(1, "entry") == "1 entry"
    assert plural(3, "PDF file") == "3 PDF files" and plural(2, "is", number=False) == "are"


def test_the_import_summary_counts_the_notes_left_out_in_the_plural(tmp_path):
    """More notes than the summary lists: "... and 2 more notes", never "2 more note"."""
    from click.testing import CliRunner

    from gapscope.cli import main

    path = tmp_path / "hand-edited.bib"
    # 22 entries that lost their closing brace: each kept with a note, 20 listed
    path.write_text("".join(f"@article{{k{i},\n  title = {{Entry number {i} of a hand-edited file}},\n"
                            f"  year = {{2020}}\n\n" for i in range(22)) + "@misc{end, title = {Closed}}\n",
                    encoding="utf-8")
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "lib.sqlite"), "import", str(path)],
                           catch_exceptions=False)
    assert "... and 2 more notes (" in r.output and "more note " not in r.output


def test_a_clusters_stability_reads_with_two_decimals_in_the_cli_and_the_gap_details():
    from gapscope.commands.maps import detail_lines
    from gapscope.maps.model import stability_text

    assert [stability_text(v) for v in (0.3, 0.61, 0.29, 0.299, 1)] == ["0.30", "0.61", "0.29", "0.29", "1.00"]
    assert detail_lines({"stability": 0.3, "size": 12}, "  ") == ["  stability: 0.30", "  size: 12"]


def test_a_cluster_stored_without_a_stability_reads_as_none_instead_of_failing(tmp_path):
    """SQLite keeps a NaN as NULL and maps/store.py reads it back as NaN: `map show` and the reports print it."""
    import numpy as np

    from gapscope.maps.model import Cluster, Map, stability_text
    from gapscope.maps.store import load_map, save_map
    from gapscope.store import Library

    assert [stability_text(v) for v in (float("nan"), None)] == ["n/a", "n/a"]
    lib = Library(tmp_path / "lib.sqlite")
    c = Cluster(id=0, label="x", keywords=["x"], representative="", representative_paper=None, size=0,
                stability=float("nan"), sizes_by_year={}, centroid=np.zeros(2, np.float32))
    m = load_map(lib, save_map(lib, Map(facet="topic", params={}, scope={}, clusters=[c], assignments={}, coords={})))
    assert stability_text(m.clusters[0].stability) == "n/a"
    lib.close()


def test_the_report_note_of_unresolved_conflicts_agrees_with_its_count():
    from gapscope.reports.data import IncludedSection

    def note(n):
        return IncludedSection(unresolved=n).unresolved_note

    assert "1 paper the reviewers decided differently is not resolved yet and is not listed" in note(1)
    assert "2 papers the reviewers decided differently are not resolved yet and are not listed" in note(2)
