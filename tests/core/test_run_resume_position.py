"""A run cancelled in the middle of a fold and resumed continues that fold where it stopped (its finished
folds kept, the fold's finished epochs not run again), and the resumed run says where it continues: the
start event carries the point, `gapscope run --resume` prints it ("resuming fold 2/5 ... at epoch 31/40")."""

from __future__ import annotations

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.experiments.runner import RunFolder, resume_run, run_spec
from gapscope.experiments.spec import load_spec

from ._experiments_helpers import SMALL_IRIS, write_spec

FOLDS, EPOCHS, STOP_FOLD, STOP_EPOCH = 5, 40, 1, 30
OVERRIDES = [f"eval.folds={FOLDS}", f"train.epochs={EPOCHS}", "train.early_stopping=0"]


class CancelAtEpoch:
    """A CancelToken stand-in asked by the runner: cancelled once the epoch event of (fold, epoch) was sent
    (the runner asks at that epoch's end, so the fold stops with exactly ``epoch`` epochs finished)."""

    def __init__(self, fold: int, epoch: int) -> None:
        self.at = (fold, epoch)
        self.cancelled = False

    def emit(self, ev: dict) -> None:
        if ev["event"] == "epoch" and (ev["fold"], ev["epoch"]) == self.at:
            self.cancelled = True


def _cancelled_run(tmp_path):
    spec = write_spec(tmp_path, SMALL_IRIS)
    stop = CancelAtEpoch(STOP_FOLD, STOP_EPOCH)
    c = run_spec(load_spec(spec, OVERRIDES), runs_dir=tmp_path / "runs", emit=stop.emit, cancel=stop)
    assert c["status"] == "cancelled" and len(c["folds"]) == STOP_FOLD
    return spec, c


def test_a_run_cancelled_mid_fold_resumes_at_its_next_epoch_keeping_finished_folds(tmp_path):
    spec, c = _cancelled_run(tmp_path)
    events: list[dict] = []
    done = resume_run(c["run_id"], runs_dir=tmp_path / "runs", emit=events.append)
    assert done["status"] == "done" and [f["fold"] for f in done["folds"]] == list(range(FOLDS))
    start = events[0]
    assert start["event"] == "start" and start["resumed"]
    assert start["resume_from"] == {"seed": 0, "fold": STOP_FOLD, "position": STOP_FOLD + 1, "epoch": STOP_EPOCH + 1,
                                    "batch": 0, "folds_kept": STOP_FOLD}
    trained = [(e["fold"], e["epoch"]) for e in events if e["event"] == "epoch"]
    assert trained[0] == (STOP_FOLD, STOP_EPOCH + 1)           # not fold 0 again, not epoch 1 of fold 1
    assert (0, 1) not in trained and (STOP_FOLD, STOP_EPOCH) not in trained
    # the run folder holds each epoch of each fold once, as an uninterrupted run's does
    epochs = [(r["fold"], r["epoch"]) for r in RunFolder(done["folder"]).records() if r["kind"] == "epoch"]
    assert epochs == [(f, e) for f in range(FOLDS) for e in range(1, EPOCHS + 1)]
    straight = run_spec(load_spec(spec, OVERRIDES), runs_dir=tmp_path / "straight")
    assert [f["metrics"] for f in done["folds"]] == [f["metrics"] for f in straight["folds"]]


def test_run_resume_prints_the_fold_and_epoch_it_continues_from(tmp_path):
    _spec, c = _cancelled_run(tmp_path)
    r = CliRunner().invoke(main, ["run", "--resume", c["run_id"], "--runs-dir", str(tmp_path / "runs")])
    assert r.exit_code == 0, r.output
    said = f"resuming fold {STOP_FOLD + 1}/{FOLDS} (seed 0 fold {STOP_FOLD}) at epoch {STOP_EPOCH + 1}/{EPOCHS}"
    assert said in r.stderr, r.stderr
    assert f"{STOP_FOLD} finished fold kept" in r.stderr
