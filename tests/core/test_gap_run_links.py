"""A gap and the runs linked to it: only a finished run is listed as a run of the gap, with the data set, model
and headline metric it used; a cancelled or failed one is counted apart ("1 cancelled, no result"); and a run
on another data set than the one the draft proposed says so (the draft's placeholder and its reason), so an
MLP on iris flowers never reads as evidence about the gap's problem. `runs list` / `runs show` name the data
set and model too."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gapscope.cli import main

from ._experiments_helpers import SMALL_IRIS, write_spec
from .test_gap_identity import concept_gap

FORGETTING = ("contrastive learning", "catastrophic forgetting", "Apply contrastive learning to catastrophic forgetting.")


def _gap(lib, method="contrastive learning", problem="catastrophic forgetting", statement=None):
    from gapscope.gaps.store import save_gaps

    g = concept_gap(method, problem, statement or f"Apply {method} to {problem}.")
    save_gaps(lib, [g])
    return g


def _spec(dataset="iris", family="mlp", gap_id=None, extra_source=""):
    data = f'dataset = "{dataset}"' + ('\npath = "forgetting.csv"\ntarget = "label"' if dataset == "csv" else "")
    return (f'name = "g"\n[source]\ngap_id = {gap_id or 0}\n{extra_source}\n[data]\n{data}\n'
            f'[model]\nfamily = "{family}"\n[eval]\nmetrics = ["accuracy", "macro_f1"]\n')


def _record(lib, run_id, status, gap_id, spec, metrics=None, when="2026-05-01T10:00:00+00:00"):
    lib.insert_run(run_id=run_id, name="g", spec_path=None, spec=spec, folder=f"runs/{run_id}", status="running",
                   gap_id=gap_id, created_at=when, papers=[])
    lib.finish_run(run_id, status=status, metrics=metrics or {}, message=None, finished_at=when)


def _invoke(lib, *args):
    out = CliRunner().invoke(main, ["--library", str(lib.path), *args])
    assert out.exit_code == 0, out.output
    return out


def test_gaps_show_lists_a_finished_run_with_its_data_model_and_metric_and_a_cancelled_one_apart(library):
    """The reviewer's case: a cancelled run and an iris MLP read as "tested by runs" of contrastive learning vs
    catastrophic forgetting."""
    g = _gap(library)
    _record(library, "r-done", "done", g.id, _spec(gap_id=g.id), {"accuracy": 0.62, "macro_f1": 0.5541},
            when="2026-05-01T10:00:00+00:00")
    _record(library, "r-cancel", "cancelled", g.id, _spec(gap_id=g.id), when="2026-05-01T11:00:00+00:00")
    text = _invoke(library, "gaps", "show", str(g.id)).output
    assert "tested by" not in text
    lines = text.splitlines()
    text = " ".join(text.split())         # the caveat is wrapped
    done = [line for line in lines if "r-done" in line]
    assert len(done) == 1 and "iris" in done[0] and "mlp" in done[0] and "accuracy 0.6200" in done[0]
    assert "r-cancel" not in done[0]
    assert any("1 cancelled, no result" in line and "r-cancel" in line for line in lines)
    # the draft had no data set for this problem: the link says the run is no evidence about it
    assert "run on iris (the draft's data set was a placeholder: no bundled data set holds" in text
    assert "not evidence about catastrophic forgetting" in text

    shown = json.loads(_invoke(library, "gaps", "show", str(g.id), "--json").stdout)
    assert shown["runs"] == ["r-done"]                      # "runs": the finished ones only
    links = {r["id"]: r for r in shown["run_links"]}
    assert links["r-cancel"]["status"] == "cancelled" and not links["r-cancel"]["finished"]
    assert links["r-done"]["finished"] and links["r-done"]["data"] == "iris" and links["r-done"]["model"] == "mlp"
    assert "not evidence about catastrophic forgetting" in links["r-done"]["caveat"]


def test_a_gap_with_only_a_cancelled_run_has_no_run_that_tested_it(library):
    g = _gap(library)
    _record(library, "r-cancel", "cancelled", g.id, _spec(gap_id=g.id))
    _record(library, "r-failed", "failed", g.id, _spec(gap_id=g.id), when="2026-05-01T12:00:00+00:00")
    text = _invoke(library, "gaps", "show", str(g.id)).output
    assert "tested by" not in text
    assert "none finished" in text and "1 cancelled, no result" in text and "1 failed, no result" in text
    assert json.loads(_invoke(library, "gaps", "show", str(g.id), "--json").stdout)["runs"] == []


def test_a_run_on_the_data_set_the_draft_chose_as_fitting_has_no_warning_and_another_one_does(library):
    """A problem that names what a bundled set holds drafts that set; a run on it is on the problem's data,
    a run on another set is not (and says which set the draft chose, and why)."""
    g = _gap(library, "gradient boosting", "iris species")
    _record(library, "r-iris", "done", g.id, _spec("iris", gap_id=g.id), {"accuracy": 0.9})
    _record(library, "r-wine", "done", g.id, _spec("wine", gap_id=g.id), {"accuracy": 0.8},
            when="2026-05-02T10:00:00+00:00")
    links = {r["id"]: r for r in json.loads(_invoke(library, "gaps", "show", str(g.id), "--json").stdout)["run_links"]}
    assert links["r-iris"]["caveat"] is None
    assert links["r-wine"]["caveat"].startswith("run on wine, not on the draft's iris (the problem names")
    assert "not evidence about iris species" in links["r-wine"]["caveat"]


def test_the_draft_records_its_data_set_choice_and_the_run_keeps_it(tmp_path, library):
    """The data set the draft proposed (or its placeholder) and why, in [source]: an edit of [data] leaves it,
    the run's recorded spec keeps it, and the link reads it from there."""
    from gapscope.experiments.draft import draft_spec_from_gap
    from gapscope.experiments.spec import spec_from_text

    g = _gap(library)
    text = draft_spec_from_gap(g.to_dict(), lib=library)
    source = spec_from_text(text).data["source"]
    assert source["drafted_dataset"] == "placeholder"
    assert source["drafted_dataset_reason"].startswith("no bundled data set holds this problem's data")
    fitting = draft_spec_from_gap(concept_gap("mlp", "handwritten digit recognition", "x").to_dict() | {"id": 3})
    assert spec_from_text(fitting).data["source"]["drafted_dataset"] == "digits"

    # the user's edit, as the reviewer made it: iris, the placeholders gone, a few epochs; then a real run
    edited = "\n".join(line for line in text.splitlines() if not line.startswith(("path =", "target =", "placeholder =")))
    edited = (edited.replace('dataset = "csv"', 'dataset = "iris"').replace("epochs = 60", "epochs = 2")
              .replace("seeds = [0, 1, 2]", "seeds = [0]").replace("folds = 5", "folds = 2"))
    spec = write_spec(tmp_path, edited)
    r = CliRunner().invoke(main, ["--library", str(library.path), "run", str(spec), "--json", "-q"])
    assert r.exit_code == 0, r.output
    run_id = json.loads(r.stdout.strip().splitlines()[-1])["run_id"]
    shown = json.loads(_invoke(library, "gaps", "show", str(g.id), "--json").stdout)
    assert shown["runs"] == [run_id]
    assert shown["run_links"][0]["caveat"].startswith("run on iris (the draft's data set was a placeholder: ")
    row = json.loads(_invoke(library, "runs", "list", "--json").stdout)[0]
    assert row["setup"]["drafted"] == {"dataset": "placeholder", "reason": source["drafted_dataset_reason"]}


def test_runs_list_and_show_name_the_data_set_and_model(tmp_path, library):
    g = _gap(library)
    spec = write_spec(tmp_path, SMALL_IRIS + f"\n[source]\ngap_id = {g.id}\n")
    r = CliRunner().invoke(main, ["--library", str(library.path), "run", str(spec), "--json", "-q",
                                  "--set", "train.epochs=2"])
    assert r.exit_code == 0, r.output
    run_id = json.loads(r.stdout.strip().splitlines()[-1])["run_id"]

    listed = _invoke(library, "runs", "list").output.splitlines()
    assert any(run_id in line and "iris, mlp" in line for line in listed)
    row = json.loads(_invoke(library, "runs", "list", "--json").stdout)[0]
    assert (row["setup"]["data"], row["setup"]["model"]) == ("iris", "mlp")

    show = _invoke(library, "runs", "show", run_id).output
    assert "data: iris; model: mlp" in show
    assert "not evidence about catastrophic forgetting" in " ".join(show.split())   # wrapped under the gap line
    shown = json.loads(_invoke(library, "runs", "show", run_id, "--json").stdout)
    assert (shown["setup"]["data"], shown["setup"]["model"]) == ("iris", "mlp")
    assert shown["dataset"]["name"] == "iris"                         # the data set's summary stays as it was


def test_a_csv_run_is_named_by_its_file_and_a_library_text_run_by_its_labels():
    from gapscope.experiments.run_links import run_setup, setup_text

    assert setup_text(run_setup(_spec("csv"))) == "forgetting.csv, mlp"
    lt = run_setup('[data]\ndataset = "library_text"\nlabels = "triage"\n[model]\nfamily = "gru"\n')
    assert setup_text(lt) == "the library's abstracts (labels: triage), gru"
    assert run_setup("not [ toml")["data"] == "" and setup_text(run_setup("")) == ""


def test_papers_show_names_what_each_linked_run_ran_and_never_a_cancelled_one_as_testing_its_gap(library):
    g = _gap(library)
    with library.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES ('A', 'a', '2026')").lastrowid
    for run_id, status, when in (("r-done", "done", "2026-05-02T10:00:00+00:00"),
                                 ("r-cancel", "cancelled", "2026-05-01T10:00:00+00:00")):
        library.insert_run(run_id=run_id, name="g", spec_path=None, spec=_spec(gap_id=g.id), folder=f"runs/{run_id}",
                           status="running", gap_id=g.id, created_at=when, papers=[pid])
        library.finish_run(run_id, status=status, metrics={"accuracy": 0.62} if status == "done" else {},
                           message=None, finished_at=when)
    lines = _invoke(library, "papers", "show", str(pid)).output.splitlines()
    at = lines.index("experiment runs linked to this paper (gapscope runs show ID):")
    assert lines[at + 1:at + 3] == [f"  r-done [done] iris, mlp, accuracy 0.6200, testing gap #{g.id}",
                                    f"  r-cancel [cancelled] iris, mlp, for gap #{g.id} (cancelled, no result)"]
