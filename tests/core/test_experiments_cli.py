"""The CLI and the subprocess protocol: `gapscope run SPEC --json`, JSON-lines events, SIGTERM cancel
then `--resume`, the library link to the gap and papers, `runs list / show / compare`."""

from __future__ import annotations

import json
import time

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.experiments.process import RunProcess
from gapscope.experiments.runner import EXIT_CANCELLED, RunFolder
from gapscope.experiments.store import list_runs

from ._experiments_helpers import EXAMPLES, SMALL_IRIS, write_spec


def _paper(lib, title):
    with lib.transaction() as conn:
        return conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES (?, ?, '2026')",
                            (title, title.lower())).lastrowid


def test_run_json_records_in_library_and_links_gap_and_papers(tmp_path, library):
    p1, p2 = _paper(library, "A"), _paper(library, "B")
    spec = write_spec(tmp_path, SMALL_IRIS + f"\n[source]\ngap_id = 42\npapers = [{p1}, {p2}, 99999]\n")
    r = CliRunner().invoke(main, ["--library", str(library.path), "run", str(spec), "--json", "-q",
                                  "--set", "train.epochs=2"])
    assert r.exit_code == 0, r.output
    last = json.loads(r.stdout.strip().splitlines()[-1])
    assert set(last) >= {"run_id", "status", "metrics", "folds"}
    assert last["status"] == "done" and len(last["folds"]) == 3
    assert RunFolder(last["folder"]).path.parent == library.path.parent / "runs"  # the default runs dir
    rows = list_runs(library, gap_id=42)
    assert [r["id"] for r in rows] == [last["run_id"]]
    assert rows[0]["papers"] == [p1, p2]  # the unknown paper id is not linked
    assert rows[0]["metrics"] == last["metrics"] and rows[0]["status"] == "done"
    assert [r["id"] for r in list_runs(library, paper_id=p2)] == [last["run_id"]]  # the link back
    out = CliRunner().invoke(main, ["--library", str(library.path), "runs", "list", "--gap", "42", "--json"])
    assert json.loads(out.stdout)[0]["id"] == last["run_id"]
    show = CliRunner().invoke(main, ["--library", str(library.path), "runs", "show", last["run_id"], "--json"])
    assert json.loads(show.stdout)["gap_id"] == 42


def test_examples_pair_runs_and_compares(tmp_path, library):
    ids = []
    for name in ("breast-cancer-mlp.toml", "breast-cancer-logistic.toml"):
        r = CliRunner().invoke(main, ["--library", str(library.path), "run", str(EXAMPLES / name), "--json", "-q",
                                      "--set", "train.epochs=2", "--set", "eval.seeds=[0]"])
        assert r.exit_code == 0, r.output
        ids.append(json.loads(r.stdout.strip().splitlines()[-1])["run_id"])
    out = CliRunner().invoke(main, ["--library", str(library.path), "runs", "compare", *ids, "--json"])
    assert out.exit_code == 0, out.output
    res = json.loads(out.stdout)
    assert res["n"] == 5 and res["variant"] == ids[0] and res["baseline"] == ids[1]
    assert "paired t-test" in res["summary"] or "no difference" in res["summary"]


def test_fast_examples_run_as_they_are(tmp_path):
    for name in ("iris-logistic.toml", "diabetes-mlp-regression.toml", "digits-cnn.toml"):
        r = CliRunner().invoke(main, ["run", str(EXAMPLES / name), "--runs-dir", str(tmp_path), "--json", "-q",
                                      "--set", "train.epochs=1", "--set", "eval.folds=2"])
        assert r.exit_code == 0, (name, r.output)
        last = json.loads(r.stdout.strip().splitlines()[-1])
        assert last["status"] == "done" and len(last["folds"]) == 2


def test_bad_spec_exits_with_message(tmp_path):
    spec = write_spec(tmp_path, SMALL_IRIS.replace('family = "mlp"', 'family = "resnet"'))
    r = CliRunner().invoke(main, ["run", str(spec), "--runs-dir", str(tmp_path)])
    assert r.exit_code == 1
    assert "model.family: must be one of" in r.output
    r = CliRunner().invoke(main, ["run", "--resume", "nope", "--runs-dir", str(tmp_path)])
    assert r.exit_code == 4 and "no run 'nope'" in r.output


def test_subprocess_sigterm_mid_run_then_resume(tmp_path):
    """The desktop's path: RunProcess streams events; SIGTERM leaves a cancelled folder; --resume finishes."""
    lib = tmp_path / "lib.sqlite"
    spec = EXAMPLES / "digits-mlp.toml"
    events = []
    overrides = ("train.epochs=40", "train.early_stopping=0", "eval.folds=2")
    proc = RunProcess(spec, library=str(lib), runs_dir=str(tmp_path / "runs"), overrides=overrides,
                      on_event=events.append, env={"HF_HUB_OFFLINE": "1"}).start()
    deadline = time.monotonic() + 120
    while not any(e["event"] == "epoch" for e in events) and proc.returncode is None and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.cancel()
    rc = proc.wait(timeout=120)
    assert rc == EXIT_CANCELLED, proc.stderr
    kinds = [e["event"] for e in events]
    assert kinds[0] == "start" and kinds[-1] == "cancelled"
    folder = RunFolder(events[0]["folder"])
    status = folder.read_json("status.json")
    assert status["status"] == "cancelled" and len(status["folds"]) < 2
    assert (folder.path / "MODEL_CARD.md").is_file() and (folder.ckpt / "resume.pt").is_file()
    # the command the run says resumes it does so as it is typed: it names the library the run is recorded in
    import shlex

    resume = shlex.split(events[-1]["resume"])
    assert resume[0] == "gapscope" and status["message"].endswith(events[-1]["resume"])
    out = CliRunner().invoke(main, resume[1:] + ["--json", "-q"])
    assert out.exit_code == 0, out.output
    last = json.loads(out.stdout.strip().splitlines()[-1])
    assert last["run_id"] == proc.run_id and last["status"] == "done" and len(last["folds"]) == 2
    # the run cancelled in one process and finished in another gives the numbers of an uninterrupted run
    from gapscope.experiments.runner import run_spec
    from gapscope.experiments.spec import load_spec

    straight = run_spec(load_spec(spec, list(overrides)), runs_dir=tmp_path / "straight")
    assert [f["metrics"] for f in last["folds"]] == [f["metrics"] for f in straight["folds"]]


def test_runs_draft_from_gap_json_then_run(tmp_path):
    # the problem names what the bundled wine set holds, so the draft may use it (a mere "chemistry" would not)
    gap = {"id": 5, "type": "method_x_problem", "score": 0.6, "statement": "MLPs are untested on wine chemistry",
           "method": {"cluster": 1, "label": "feed-forward networks", "keywords": ["mlp"]},
           "problem": {"cluster": 2, "label": "wine cultivar chemistry", "keywords": ["chemical", "quality"]},
           "evidence": []}
    gj = tmp_path / "gap.json"
    gj.write_text(json.dumps(gap))
    out = tmp_path / "draft.toml"
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "none.sqlite"), "runs", "draft", "--gap-json", str(gj),
                                  "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert 'dataset = "wine"' in out.read_text() and 'family = "mlp"' in out.read_text()
    r = CliRunner().invoke(main, ["run", str(out), "--runs-dir", str(tmp_path / "runs"), "--json", "-q",
                                  "--set", "train.epochs=1", "--set", "eval.seeds=[0]"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.strip().splitlines()[-1])["status"] == "done"


def test_run_refuses_a_drafted_placeholder_before_starting_anything(tmp_path):
    """A drafted spec whose data set is still the placeholder: refused at once with what to fill in, no runs
    folder made, a non-zero exit; the message is the core's, the one the desktop's Launch shows."""
    from gapscope.experiments.draft import draft_spec_from_gap
    from gapscope.experiments.spec import load_spec, unfilled_data

    gap = {"id": 7, "type": "method_x_problem", "score": 0.5, "statement": "data augmentation for point clouds",
           "method": {"cluster": 1, "label": "data augmentation", "keywords": []},
           "problem": {"cluster": 2, "label": "point cloud", "keywords": ["point clouds"]}, "evidence": []}
    spec = write_spec(tmp_path, draft_spec_from_gap(gap), "draft.toml")
    reason = load_spec(spec)["data"]["placeholder"]
    why = unfilled_data(load_spec(spec))
    assert reason in why and "[data]" in why and "path" in why and "target" in why
    runs = tmp_path / "runs"
    r = CliRunner().invoke(main, ["run", str(spec), "--runs-dir", str(runs)])
    assert r.exit_code == 1 and why in " ".join(r.output.split())
    assert not runs.exists()
    # with the placeholder line deleted but path and target still FILL-IN, the same refusal names them
    text = "\n".join(line for line in spec.read_text().splitlines() if not line.startswith("placeholder ="))
    spec.write_text(text)
    r = CliRunner().invoke(main, ["run", str(spec), "--runs-dir", str(runs), "--events", "jsonl"])
    assert r.exit_code == 1 and not runs.exists()
    err = json.loads(r.stdout.strip().splitlines()[0])
    assert err["event"] == "error" and "path and target still say FILL-IN" in err["message"]


def test_runs_of_a_library_folder_go_inside_it_not_beside_it(tmp_path):
    """Two libraries in one folder each keep their own runs (`-L NAME.gapscope` put them in the shared
    parent's runs/ before); `runs list` and `--resume` still find them."""
    spec = write_spec(tmp_path, SMALL_IRIS)
    folders = {}
    for name in ("a.gapscope", "b.gapscope"):
        lib = tmp_path / name
        r = CliRunner().invoke(main, ["--library", str(lib), "run", str(spec), "--json", "-q",
                                      "--set", "train.epochs=1", "--set", "eval.seeds=[0]"])
        assert r.exit_code == 0, r.output
        last = json.loads(r.stdout.strip().splitlines()[-1])
        folders[name] = RunFolder(last["folder"]).path
        assert folders[name].parent == lib / "runs"
        listed = CliRunner().invoke(main, ["--library", str(lib), "runs", "list", "--json"])
        assert [x["id"] for x in json.loads(listed.stdout)] == [last["run_id"]]
    assert not (tmp_path / "runs").exists()


def test_run_says_how_far_each_fold_is_between_fold_ends(tmp_path):
    """A fold of a text model takes minutes: the run prints an epoch line about ten times a fold, not only the
    fold's end."""
    spec = write_spec(tmp_path, SMALL_IRIS)
    r = CliRunner().invoke(main, ["run", str(spec), "--runs-dir", str(tmp_path / "runs"), "--set", "train.epochs=20",
                                  "--set", "train.early_stopping=0", "--set", "eval.folds=2"])
    assert r.exit_code == 0, r.output
    lines = [line.strip() for line in r.stderr.splitlines()]
    fold0 = [line for line in lines if line.startswith("seed 0 fold 0: epoch ")]
    assert [line.split(",")[0] for line in fold0] == [f"seed 0 fold 0: epoch {e}/20" for e in (1, *range(2, 21, 2))]
    assert "train loss" in fold0[0] and "val loss" in fold0[0]
    fold0_end = next(i for i, line in enumerate(lines) if line.startswith("seed 0 fold 0: accuracy"))
    assert lines.index(fold0[-1]) < fold0_end


def test_runs_draft_names_a_gap_json_file_that_is_not_one_gap(tmp_path):
    """A broken --gap-json file gets a message naming it (and the line of a JSON error), not a traceback."""
    broken = tmp_path / "gap.json"
    broken.write_text('{"id": 3, "type": "method_x_problem",\n}\n', encoding="utf-8")
    listed = tmp_path / "gaps.json"
    listed.write_text('[{"id": 3}]', encoding="utf-8")
    lib = ["--library", str(tmp_path / "none.sqlite")]
    r = CliRunner().invoke(main, [*lib, "runs", "draft", "--gap-json", str(broken)])
    assert r.exit_code == 1 and f"{broken}: not valid JSON" in r.output and "line 2, column 1" in r.output
    assert isinstance(r.exception, SystemExit)   # a message, not a traceback
    r = CliRunner().invoke(main, [*lib, "runs", "draft", "--gap-json", str(listed)])
    assert r.exit_code == 1 and f"{listed}: expected one gap, a JSON object" in r.output and "got a list" in r.output
    r = CliRunner().invoke(main, [*lib, "runs", "draft", "--gap-json", str(tmp_path / "nope.json")])
    assert r.exit_code == 4 and "nope.json: no such file" in r.output


def test_run_refuses_a_missing_or_broken_csv_before_any_run_is_recorded(tmp_path, library):
    """A CSV that is not there or has a bad row made a "failed" run in the history; it is refused before the
    run exists, naming the file (and line), as the drafted placeholder is. The window's Launch passes the
    CSV as `--set data.path=...`, so that path is checked too."""
    (tmp_path / "t.csv").write_text("f1,f2,label\n1,2,pos\n3,oops,neg\n", encoding="utf-8")
    spec = write_spec(tmp_path, "[data]\ndataset='csv'\npath='t.csv'\ntarget='label'\nfeatures=['f1','f2']\n"
                                "[model]\nfamily='linear'\n[train]\nepochs=1\n[eval]\nfolds=2\n")
    runs = tmp_path / "runs"
    lib = ["--library", str(library.path)]
    r = CliRunner().invoke(main, [*lib, "run", str(spec), "--runs-dir", str(runs)])
    assert r.exit_code == 1 and f"{tmp_path / 't.csv'}:3: column 'f2' is not a number" in r.output
    assert "No run was recorded" in r.output
    gone = tmp_path / "elsewhere" / "gone.csv"
    r = CliRunner().invoke(main, [*lib, "run", str(spec), "--runs-dir", str(runs), "--events", "jsonl",
                                  "--set", f"data.path={json.dumps(str(gone))}"])
    assert r.exit_code == 1
    events = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert [e["event"] for e in events] == ["error"] and events[0]["run_id"] is None and events[0]["refused"]
    assert f"{gone}: no such CSV file" in events[0]["message"]
    # data that k-fold cannot split is refused as early (a class with fewer rows than folds)
    (tmp_path / "t.csv").write_text("f1,f2,label\n1,2,pos\n3,4,neg\n5,6,neg\n", encoding="utf-8")
    r = CliRunner().invoke(main, [*lib, "run", str(spec), "--runs-dir", str(runs)])
    assert r.exit_code == 1 and "eval.folds = 2 but the smallest class has 1 rows" in r.output
    assert not runs.exists() and list_runs(library) == []


def test_resume_with_its_data_gone_keeps_the_run_resumable(tmp_path, library):
    from gapscope.experiments.runner import run_spec
    from gapscope.experiments.spec import load_spec

    from .test_experiments_runner import CancelAfter

    rows = ["f1,f2,label"] + [f"{i % 7},{(i * 3) % 5},{'pos' if i % 7 > 3 else 'neg'}" for i in range(40)]
    data = tmp_path / "t.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    spec = write_spec(tmp_path, "[data]\ndataset='csv'\npath='t.csv'\ntarget='label'\n[model]\nfamily='linear'\n"
                                "[train]\nepochs=4\nearly_stopping=0\n[eval]\nfolds=2\n")
    c = run_spec(load_spec(spec), runs_dir=tmp_path / "runs", library_path=str(library.path), cancel=CancelAfter(3))
    assert c["status"] == "cancelled"
    data.rename(tmp_path / "moved.csv")
    lib = ["--library", str(library.path)]
    r = CliRunner().invoke(main, [*lib, "run", "--resume", c["run_id"]])
    assert r.exit_code == 1 and f"Not resumed: {data}: no such CSV file" in r.output
    assert RunFolder(c["folder"]).read_json("status.json")["status"] == "cancelled"
    assert library.get_run(c["run_id"])["status"] == "cancelled"
    (tmp_path / "moved.csv").rename(data)
    r = CliRunner().invoke(main, [*lib, "run", "--resume", c["run_id"], "--json", "-q"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout.strip().splitlines()[-1])["status"] == "done"


def test_papers_show_lists_the_runs_linked_to_the_paper(library):
    """A run links to its gap's evidence papers (`runs list --paper`); `papers show` did not say so."""
    pid, other = _paper(library, "A"), _paper(library, "B")
    library.insert_run(run_id="r-new", name="mlp", spec_path=None, spec="", folder="runs/r-new", status="running",
                       gap_id=7, created_at="2026-05-02T10:00:00+00:00", papers=[pid])
    library.finish_run("r-new", status="done", metrics={"accuracy": 0.9, "macro_f1": 0.85}, message=None,
                       finished_at="2026-05-02T10:05:00+00:00")
    library.insert_run(run_id="r-old", name="lin", spec_path=None, spec="", folder="runs/r-old", status="cancelled",
                       gap_id=None, created_at="2026-05-01T10:00:00+00:00", papers=[pid, other])
    lib = ["--library", str(library.path)]
    out = CliRunner().invoke(main, [*lib, "papers", "show", str(pid)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    at = lines.index("experiment runs linked to this paper (gapscope runs show ID):")
    assert lines[at + 1:at + 3] == ["  r-new [done] accuracy 0.9000, macro_f1 0.8500, testing gap #7",
                                    "  r-old [cancelled]"]
    shown = json.loads(CliRunner().invoke(main, [*lib, "papers", "show", str(pid), "--json"]).stdout)
    assert [(r["id"], r["status"], r["gap_id"]) for r in shown["runs"]] == [("r-new", "done", 7),
                                                                           ("r-old", "cancelled", None)]
    assert shown["runs"][0]["metrics"] == {"accuracy": 0.9, "macro_f1": 0.85}
    third = _paper(library, "C")
    assert json.loads(CliRunner().invoke(main, [*lib, "papers", "show", str(third), "--json"]).stdout)["runs"] == []
    assert "experiment runs" not in CliRunner().invoke(main, [*lib, "papers", "show", str(third)]).output
