"""The report's experiments section reads the runs table and run folders written by
gapscope.experiments (skipped until the experiments area is merged): metrics, seeds, the curves
figure, linked papers and the paired comparison of runs on the same gap."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("gapscope.experiments.runner")

from gapscope.cli import main  # noqa: E402
from gapscope.reports import build_report_data, write_report  # noqa: E402

from .test_reports_build import parse  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[2] / "resources" / "examples"


def test_runs_with_metrics_curves_papers_and_comparison(library, tmp_path):
    with library.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, arxiv_id, norm_title, added_at) VALUES"
                           " ('A <b>linked</b> paper', '2501.00001', 'a linked paper', '2026')").lastrowid
    run_ids = []
    for name in ("breast-cancer-logistic.toml", "breast-cancer-mlp.toml"):
        spec = tmp_path / name
        spec.write_text((EXAMPLES / name).read_text(encoding="utf-8") + f"\n[source]\ngap_id = 7\npapers = [{pid}]\n",
                        encoding="utf-8")
        r = CliRunner().invoke(main, ["--library", str(library.path), "run", str(spec), "--json", "-q",
                                      "--set", "train.epochs=2", "--set", "eval.seeds=[0]"])
        assert r.exit_code == 0, r.output
        run_ids.append(json.loads(r.stdout.strip().splitlines()[-1])["run_id"])
    d = build_report_data(library)
    assert [r.id for r in d.experiments.runs] == run_ids and d.experiments.missing is None
    base, variant = d.experiments.runs
    assert base.metrics and base.seeds == [0] and base.gap_id == 7
    assert [p.id for p in variant.papers] == [pid]
    assert variant.comparison and variant.comparison["baseline"] == base.id and variant.comparison["summary"]
    assert base.env.get("torch")

    out = tmp_path / "r.html"
    write_report(library, "html", out)
    doc = parse(out.read_text(encoding="utf-8"))
    text = "".join(doc.text)
    assert all(rid in text for rid in run_ids)
    assert variant.comparison["summary"] in text
    assert "A <b>linked</b> paper" in text and "b" not in {t for t, _ in doc.tags}
    # the runs' curves (nothing screened here: no PRISMA flow drawn)
    assert sum(1 for t, _ in doc.tags if t == "img") >= sum(1 for r in d.experiments.runs if r.curves_png) >= 1
    for fmt in ("md", "pdf"):  # the other renderers take the same runs without error
        write_report(library, fmt, tmp_path / f"r.{fmt}")
    assert variant.comparison["baseline"] in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_a_collection_without_linked_runs_does_not_say_the_library_has_none(library, tmp_path):
    with library.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, arxiv_id, norm_title, added_at) VALUES"
                           " ('Linked', '2501.00002', 'linked', '2026')").lastrowid
        other = conn.execute("INSERT INTO papers (title, arxiv_id, norm_title, added_at) VALUES"
                             " ('Not linked', '2501.00003', 'not linked', '2026')").lastrowid
    library.add_to_collection("elsewhere", [other])
    spec = tmp_path / "spec.toml"
    spec.write_text((EXAMPLES / "breast-cancer-logistic.toml").read_text(encoding="utf-8")
                    + f"\n[source]\npapers = [{pid}]\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["--library", str(library.path), "run", str(spec), "-q",
                                  "--set", "train.epochs=1", "--set", "eval.seeds=[0]"])
    assert r.exit_code == 0, r.output
    missing = build_report_data(library, collection="elsewhere").experiments.missing
    assert "No experiments have been run" not in missing
    assert "linked to a paper of collection “elsewhere”" in missing and "the library has 1 run" in missing


def test_a_runs_scores_come_with_their_spread_and_what_they_were_measured_on(library, tmp_path):
    """A mean alone says little: each score shows ± its standard deviation over the seeds and folds, and the
    run says its data, model and evaluation, in every format."""
    spec = tmp_path / "spec.toml"
    spec.write_text((EXAMPLES / "breast-cancer-logistic.toml").read_text(encoding="utf-8"), encoding="utf-8")
    r = CliRunner().invoke(main, ["--library", str(library.path), "run", str(spec), "--json", "-q",
                                  "--set", "train.epochs=1", "--set", "eval.seeds=[0]", "--set", "eval.folds=3"])
    assert r.exit_code == 0, r.output
    result = json.loads(r.stdout.strip().splitlines()[-1])
    (run,) = build_report_data(library).experiments.runs
    name = next(iter(result["metrics"]))
    mean, sd = result["metrics"][name], result["std"][name]
    assert run.metric_text(name) == f"{mean:.4f} ± {sd:.4f}"
    assert "data: breast_cancer" in run.setup and "model: linear" in run.setup
    assert "3-fold cross-validation × 1 seed" in run.setup and "over the 3 results" in run.setup
    for fmt in ("md", "html"):
        write_report(library, fmt, tmp_path / f"r.{fmt}")
        text = (tmp_path / f"r.{fmt}").read_text(encoding="utf-8")
        assert f"{mean:.4f} ± {sd:.4f}" in text and "3-fold cross-validation" in text
    write_report(library, "pdf", tmp_path / "r.pdf")


def test_a_run_without_a_spread_does_not_claim_one(library):
    """A cancelled run has no result file: its scores are shown without ±, and its setup does not say they
    are a mean ± standard deviation over every result the spec asked for."""
    spec = ("[data]\ndataset = 'breast_cancer'\n[model]\nfamily = 'linear'\n"
            "[eval]\nsplit = 'kfold'\nfolds = 3\nseeds = [0, 1]\n")
    library.insert_run(run_id="r-cut", name="cut short", spec_path=None, spec=spec, folder="runs/r-cut", status="running",
                       gap_id=None, created_at="2026-01-01T10:00:00+00:00", papers=[])
    library.finish_run("r-cut", status="cancelled", metrics={"accuracy": 0.9}, message=None,
                       finished_at="2026-01-01T10:05:00+00:00")
    (run,) = build_report_data(library).experiments.runs
    assert "3-fold cross-validation × 2 seeds" in run.setup
    assert "standard deviation" not in run.setup and "±" not in run.metric_text("accuracy")


def _cancelled_run(library, tmp_path, status: str = "cancelled"):
    """A run of 5 folds x 3 seeds stopped after 2 folds, as the runner leaves it: its library row with the
    finished folds' mean scores, its folder's status.json listing those 2 folds."""
    folder = tmp_path / "runs" / "gap105-mlp-csv"
    folder.mkdir(parents=True)
    folds = [{"seed": 0, "fold": f, "metrics": {"accuracy": 0.9639, "f1": 0.9638}} for f in range(2)]
    (folder / "status.json").write_text(json.dumps({"run_id": "gap105-mlp-csv", "status": status, "folds": folds}),
                                        encoding="utf-8")
    spec = ("[data]\ndataset = 'digits'\n[model]\nfamily = 'mlp'\n"
            "[eval]\nsplit = 'kfold'\nfolds = 5\nseeds = [0, 1, 2]\n")
    library.insert_run(run_id="gap105-mlp-csv", name="gap105-mlp-csv", spec_path=None, spec=spec, folder=str(folder),
                       status="running", gap_id=105, created_at="2026-01-01T10:00:00+00:00", papers=[])
    library.finish_run("gap105-mlp-csv", status=status, metrics={"accuracy": 0.9639, "f1": 0.9638}, message=None,
                       finished_at="2026-01-01T10:05:00+00:00")


@pytest.mark.parametrize("status", ["cancelled", "failed"])
def test_a_run_that_did_not_finish_is_marked_so_and_its_scores_are_not_shown_as_its_result(library, tmp_path, status):
    """A run cancelled after 2 of its 15 folds is no result: the runs table says so with the folds finished and
    leaves its score cells empty; its scores appear only under its own heading, labelled partial."""
    _cancelled_run(library, tmp_path, status)
    (run,) = build_report_data(library).experiments.runs
    assert (run.folds_done, run.folds_total) == (2, 15)
    for fmt in ("md", "html"):
        out = tmp_path / f"r.{fmt}"
        write_report(library, fmt, out)
        text = out.read_text(encoding="utf-8")
        if fmt == "html":
            rows = [r.split("</tr>")[0] for r in text.split("<tr>") if "gap105-mlp-csv</td>" in r.split("</tr>")[0]]
        else:
            rows = [ln for ln in text.splitlines() if ln.startswith("| gap105")]
        (row,) = rows
        assert f"{status}: 2 of 15 folds, not a result" in row
        assert "0.9639" not in row and "0.9638" not in row
        partial = next(ln for ln in text.splitlines() if "0.9639" in ln)
        assert "Partial scores, over the 2 finished folds only (not the run" in partial
    write_report(library, "pdf", tmp_path / "r.pdf")
