"""The report's run section says a run as `gaps show` and `runs show` do (experiments/run_links.py): the data set
and model in the same words, the caveat when the run's data are not those the draft proposed, and the runs that
did not finish apart from the finished ones, in every format."""

from __future__ import annotations

import html

from gapscope.reports import build_report_data, write_report

from .test_gap_run_links import _gap, _record, _spec
from .test_reports_scripts import pdf_text, squeeze

CAVEAT = "run on iris (the draft's data set was a placeholder: no bundled data set holds"


def _two_runs(library):
    """An iris MLP run for a gap whose draft had no data set (a placeholder), and a cancelled run for it."""
    g = _gap(library)
    _record(library, "r-done", "done", g.id, _spec(gap_id=g.id), {"accuracy": 0.62, "macro_f1": 0.5541},
            when="2026-05-01T10:00:00+00:00")
    _record(library, "r-cancel", "cancelled", g.id, _spec(gap_id=g.id), when="2026-05-01T11:00:00+00:00")
    return g


def test_a_run_on_other_data_than_the_draft_proposed_carries_its_caveat_in_every_format(library, tmp_path):
    _two_runs(library)
    runs = {r.id: r for r in build_report_data(library).experiments.runs}
    assert runs["r-done"].caveat.startswith(CAVEAT)
    assert "not evidence about catastrophic forgetting" in runs["r-done"].caveat
    assert runs["r-cancel"].caveat is None          # it tested nothing: no caveat on a result it does not have
    for fmt in ("md", "html"):
        write_report(library, fmt, tmp_path / f"r.{fmt}")
        text = " ".join(html.unescape((tmp_path / f"r.{fmt}").read_text(encoding="utf-8")).split())
        assert CAVEAT in text and "not evidence about catastrophic forgetting" in text, fmt
    write_report(library, "pdf", tmp_path / "r.pdf")
    assert squeeze(CAVEAT) in pdf_text(tmp_path / "r.pdf")


def test_the_runs_that_did_not_finish_are_listed_apart_and_counted_as_gaps_show_counts_them(library, tmp_path):
    _two_runs(library)
    assert [r.id for r in build_report_data(library).experiments.runs] == ["r-done", "r-cancel"]
    for fmt in ("md", "html"):
        write_report(library, fmt, tmp_path / f"r.{fmt}")
        text = (tmp_path / f"r.{fmt}").read_text(encoding="utf-8")
        # the finished runs' table, then the others: counted in run_links' words, before their own table
        cell = "<td{}>{}</td>" if fmt == "html" else "| {1}"
        done, cancelled = (text.index(cell.format(' dir="auto"', rid)) for rid in ("r-done", "r-cancel"))
        assert done < text.index("Not finished: 1 cancelled, no result (r-cancel).") < cancelled, fmt
    write_report(library, "pdf", tmp_path / "r.pdf")
    assert squeeze("1 cancelled, no result (r-cancel)") in pdf_text(tmp_path / "r.pdf")


def test_the_data_set_and_model_are_said_as_runs_show_says_them(library, tmp_path):
    """One wording: a library-text run is "the library's abstracts (labels: triage)", a CSV its file's name."""
    from gapscope.experiments.run_links import run_setup, setup_line

    lt = '[data]\ndataset = "library_text"\nlabels = "triage"\n[model]\nfamily = "gru"\n'
    _record(library, "r-text", "done", None, lt, {"accuracy": 0.7})
    _record(library, "r-csv", "done", None, _spec("csv"), {"accuracy": 0.7}, when="2026-05-02T10:00:00+00:00")
    runs = {r.id: r for r in build_report_data(library).experiments.runs}
    assert runs["r-text"].setup.startswith(setup_line(run_setup(lt)))
    assert runs["r-text"].setup.startswith("data: the library's abstracts (labels: triage); model: gru")
    assert runs["r-csv"].setup.startswith("data: forgetting.csv; model: mlp")
    write_report(library, "md", tmp_path / "r.md")
    assert "the library's abstracts (labels: triage), gru" in (tmp_path / "r.md").read_text(encoding="utf-8")
