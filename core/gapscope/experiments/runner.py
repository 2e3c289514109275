"""The experiment runner: one folder per run, JSON-lines events, checkpoints, cancel and resume.

Run folder (``<runs dir>/<run_id>/``)::

    spec.toml         the spec as run (overrides applied); spec.source.toml is the user's file verbatim
    env.json          versions, device, threads, git state of the spec's folder and of GapScope
    events.jsonl      every event streamed on stdout
    metrics.jsonl     one line per epoch (train/val loss, val metrics, lr) and one per finished fold
    status.json       status (running | done | cancelled | diverged | failed), finished folds, message
    checkpoints/      best-s<seed>-f<fold>.pt per fold, resume.pt while a fold is unfinished
    best.pt           the best fold's best weights
    curves.png        loss curves;  MODEL_CARD.md  data, intended use, metrics, limitations
    result.json       the final summary line
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from ..jobs import Cancelled, CancelToken, check, report
from .spec import Spec, SpecError, check_runnable, cuda_only_notes, load_spec

EXIT_CANCELLED = 130
Emit = Callable[[dict[str, Any]], None]


class RunError(RuntimeError):
    """A run that cannot start or continue (unknown run id, finished run, missing files)."""


class NotResumable(RunError):
    """The run exists but is not in a state to resume: still running (its process is alive) or already
    finished. Not the same as an unknown run id: the CLI gives it its own exit code."""


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def new_run_id(name: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return f"{stamp}-{name}-{secrets.token_hex(2)}"


def _git_state(folder: Path) -> Optional[dict[str, Any]]:
    try:
        head = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"], capture_output=True, text=True,
                              timeout=5)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=5)
        return {"repo": str(folder), "commit": head.stdout.strip(), "dirty": bool(dirty.stdout.strip())}
    except (OSError, subprocess.SubprocessError):
        return None


def capture_env(spec: Spec, device: str) -> dict[str, Any]:
    import sklearn
    import torch

    from .. import __version__

    env = {
        "gapscope": __version__, "python": sys.version.split()[0], "platform": platform.platform(),
        "torch": torch.__version__, "numpy": np.__version__, "scikit-learn": sklearn.__version__,
        "device": device, "cpu": platform.processor() or platform.machine(),
        "torch_threads": torch.get_num_threads(),
        "deterministic_algorithms": torch.are_deterministic_algorithms_enabled(),
        "cuda": torch.version.cuda, "cuda_device": torch.cuda.get_device_name(0) if device == "cuda" else None,
        "git_spec": _git_state(spec.base_dir()),
        "git_gapscope": _git_state(Path(__file__).resolve().parent),
        "command": sys.argv,
        "captured_at": now_iso(),
    }
    return env


class RunFolder:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.ckpt = self.path / "checkpoints"

    @property
    def run_id(self) -> str:
        return self.path.name

    def write_json(self, name: str, obj: Any) -> None:
        tmp = self.path / (name + ".tmp")
        tmp.write_text(json.dumps(obj, indent=1, default=str), encoding="utf-8")
        os.replace(tmp, self.path / name)  # atomic: a cancelled run never leaves half a file

    def read_json(self, name: str) -> Any:
        return json.loads((self.path / name).read_text(encoding="utf-8"))

    def append(self, name: str, obj: dict[str, Any]) -> None:
        with open(self.path / name, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(obj, default=str) + "\n")

    def records(self, name: str = "metrics.jsonl") -> list[dict[str, Any]]:
        p = self.path / name
        if not p.exists():
            return []
        return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


class RunLock:
    """An exclusive lock on a run folder (``run.lock``, flock) held by the process that trains in it,
    for as long as it trains: a second ``run --resume`` of a live run is refused instead of writing the
    same folder twice. The kernel lets go when the process dies, kill -9 included."""

    def __init__(self, folder: "RunFolder") -> None:
        self.path = folder.path / "run.lock"
        self._fh = None

    def acquire(self) -> bool:
        try:
            import fcntl
        except ImportError:  # Windows: resume_run's pid check stands in for the lock
            return True
        fh = open(self.path, "a+")
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()  # closing the file releases the flock
            self._fh = None


def find_run_folder(run: str, runs_dir: Optional[Path], library_path: Optional[str] = None) -> RunFolder:
    p = Path(run)
    if (p / "status.json").is_file():
        return RunFolder(p)
    if runs_dir and (Path(runs_dir) / run / "status.json").is_file():
        return RunFolder(Path(runs_dir) / run)
    if library_path and Path(library_path).exists():
        from .store import get_run_row

        row = get_run_row(library_path, run)
        if row and (Path(row["folder"]) / "status.json").is_file():
            return RunFolder(Path(row["folder"]))
    raise RunError(f"no run {run!r}" + (f" in {runs_dir}" if runs_dir else "") + " (see `gapscope runs list`)")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def effective_status(status: dict[str, Any]) -> str:
    """'interrupted' for a folder still marked running whose process is gone (killed, machine restarted)."""
    st = status["status"]
    if st == "running" and status.get("pid") and status.get("host") == platform.node() and not _alive(status["pid"]):
        return "interrupted"
    return st


def row_status(row: dict[str, Any]) -> str:
    """The status a library row of a run stands for: a row still "running" takes its run folder's word
    (``interrupted`` when the process is gone), so a killed run does not read as running forever."""
    if row.get("status") != "running" or not row.get("folder"):
        return str(row.get("status") or "")
    try:
        return effective_status(RunFolder(Path(row["folder"])).read_json("status.json"))
    except (OSError, ValueError, KeyError):   # no folder any more, or a damaged status.json
        return "running"


def runs_as_shown(lib, paper_id: Optional[int] = None) -> list[dict[str, Any]]:
    """The library's runs (those linked to ``paper_id`` when given), newest first, each with the status
    :func:`row_status` reads: what the history, a paper's details and `papers show` list."""
    from .store import list_runs

    return [dict(r, status=row_status(r)) for r in list_runs(lib, paper_id=paper_id)]


def summary_of(status: dict[str, Any]) -> dict[str, Any]:
    status = dict(status, status=effective_status(status))
    folds = status.get("folds", [])
    means, stds = {}, {}
    if folds:
        for name in folds[0]["metrics"]:
            vals = np.asarray([f["metrics"][name] for f in folds], dtype=np.float64)
            means[name] = float(vals.mean())
            stds[name] = float(vals.std(ddof=1)) if len(vals) > 1 else 0.0
    return {"run_id": status["run_id"], "status": status["status"], "metrics": means, "folds": folds,
            "std": stds, "folder": status["folder"], "message": status.get("message")}


def resume_command(status: dict[str, Any]) -> str:
    """The command that resumes a run, typed in any folder: with ``-L`` and the library the run is recorded in
    (a bare `gapscope run --resume ID` looks in the default library only), else by the run folder."""
    import shlex

    if status.get("library"):
        return f"gapscope -L {shlex.quote(str(Path(status['library']).resolve()))} run --resume {status['run_id']}"
    return f"gapscope run --resume {shlex.quote(str(status['folder']))}"


def run_spec(spec: Spec | str | Path, *, runs_dir: str | Path, library_path: Optional[str] = None,
             emit: Optional[Emit] = None, progress=None, cancel: Optional[CancelToken] = None,
             overrides: tuple[str, ...] = (), run_id: Optional[str] = None) -> dict[str, Any]:
    """Run a spec in a new folder under ``runs_dir``; returns the summary (also in result.json).

    Raises SpecError for a spec that cannot run and DatasetError for data that cannot be read (a missing
    CSV, a bad row: the message names the file and line), before the run folder or the library row exist:
    a run that could never start is no run in the history."""
    if not isinstance(spec, Spec):
        spec = load_spec(spec, overrides)
    check_runnable(spec)  # a drafted placeholder data set: refused before the run folder exists
    ds = load_data(spec, library_path)
    run_id = run_id or new_run_id(spec.name)
    folder = RunFolder(Path(runs_dir) / run_id)
    folder.path.mkdir(parents=True, exist_ok=False)
    folder.ckpt.mkdir()
    lock = RunLock(folder)
    lock.acquire()  # a folder made this instant: nobody else holds it
    (folder.path / "spec.toml").write_text(spec.to_toml(), encoding="utf-8")
    if spec.text:
        (folder.path / "spec.source.toml").write_text(spec.text, encoding="utf-8")
    status = {"run_id": run_id, "status": "running", "name": spec.name, "folder": str(folder.path.resolve()),
              "spec_path": str(spec.path) if spec.path else None,
              "library": str(Path(library_path).resolve()) if library_path else None,
              "gap_id": spec["source"]["gap_id"], "papers": spec["source"]["papers"],
              "started_at": now_iso(), "finished_at": None, "message": None, "folds": [], "seconds": 0.0,
              "pid": os.getpid(), "host": platform.node()}
    folder.write_json("status.json", status)
    try:
        if library_path:
            from .store import record_run

            record_run(library_path, status, spec)
        return _execute(spec, folder, status, library_path, emit, progress=progress, cancel=cancel, resumed=False,
                        ds=ds)
    finally:
        lock.release()


def resume_run(run: str, *, runs_dir: Optional[str | Path] = None, library_path: Optional[str] = None,
               emit: Optional[Emit] = None, progress=None, cancel: Optional[CancelToken] = None) -> dict[str, Any]:
    """Continue a cancelled (or interrupted) run in its own folder, from its last checkpoint."""
    folder = find_run_folder(run, Path(runs_dir) if runs_dir else None, library_path)
    lock = RunLock(folder)
    status = folder.read_json("status.json")
    if not lock.acquire() or (effective_status(status) == "running" and status.get("pid") != os.getpid()):
        lock.release()
        raise NotResumable(f"run {status['run_id']} is still running (pid {status.get('pid')} on "
                           f"{status.get('host')}): cancel it or wait for it to end before resuming")
    try:
        library_path = library_path or status.get("library")
        if status["status"] == "done":
            if (folder.path / "result.json").is_file():
                raise NotResumable(f"run {status['run_id']} already finished; nothing to resume")
            # Killed while it finished: every fold is there, only the last writes are missing.
            summary = summary_of(status)
            folder.write_json("result.json", summary)
            if library_path:
                from .store import update_run

                update_run(library_path, status, summary["metrics"])
            return summary
        spec = load_spec(folder.path / "spec.toml")
        if spec.path is not None and (folder.path / "spec.source.toml").exists():
            spec.text = (folder.path / "spec.source.toml").read_text(encoding="utf-8")
        spec.base = _started_from(status, library_path)
        ds = load_data(spec, library_path)   # data gone or broken since: the run stays as it was, resumable
        status.update(status="running", message=None, finished_at=None, pid=os.getpid(), host=platform.node())
        if library_path:
            # the library this session records in (a backup's copy of a run names none; a moved library another
            # path): the resume command a cancel prints, and a later resume, name it
            status["library"] = str(Path(library_path).resolve())
        folder.write_json("status.json", status)
        return _execute(spec, folder, status, library_path, emit, progress=progress, cancel=cancel, resumed=True,
                        ds=ds)
    finally:
        lock.release()


def load_data(spec: Spec, library_path: Optional[str]):
    """The spec's data set, read (and its splits tried) before a run is made or resumed; raises DatasetError
    or SpecError."""
    from .datasets import check_splits, load_dataset

    ds = load_dataset(spec, library_path)
    check_splits(ds, spec["eval"], spec["train"]["val_fraction"])
    return ds


def _started_from(status: dict[str, Any], library_path: Optional[str]) -> Optional[Path]:
    """The folder of the spec file a run started from (the library's record of it first: it follows a moved
    library), so that a resumed run reads its relative data paths where the first session did; None when
    the run started from no file."""
    spec_path = status.get("spec_path")
    if library_path and Path(library_path).exists():
        from .store import get_run_row

        row = get_run_row(library_path, status["run_id"])
        if row and row.get("spec_path"):
            spec_path = row["spec_path"]
    return Path(spec_path).parent if spec_path else None


def _execute(spec: Spec, folder: RunFolder, status: dict[str, Any], library_path: Optional[str],
             emit: Optional[Emit], *, progress=None, cancel: Optional[CancelToken] = None, resumed: bool,
             ds=None) -> dict[str, Any]:
    """Runs the folds; torch's process-wide settings (deterministic algorithms, threads) are put back after,
    so an in-process caller (tests, a notebook) is left as it was."""
    import torch

    saved = (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(),
             torch.get_num_threads())
    try:
        return _execute_folds(spec, folder, status, library_path, emit, progress=progress, cancel=cancel,
                              resumed=resumed, ds=ds)
    finally:
        torch.use_deterministic_algorithms(saved[0], warn_only=saved[1])
        torch.set_num_threads(saved[2])


class _StartFailed(Exception):
    """The run cannot start (no such device, a dataset that does not load): it ends as failed."""


@dataclass
class _Run:
    """One execution of a run: its spec and folder, where events go, and how it ends."""

    spec: Spec
    folder: RunFolder
    status: dict[str, Any]
    library_path: Optional[str]
    emit: Optional[Emit]
    ds_summary: dict[str, Any] = field(default_factory=dict)

    def send(self, event: dict[str, Any]) -> None:
        event = {"event": event.pop("event"), "run_id": self.status["run_id"], **event}
        self.folder.append("events.jsonl", event)
        if self.emit:
            self.emit(event)

    def finish(self, state: str, message: Optional[str] = None) -> dict[str, Any]:
        # Order matters for a kill at any point: result.json and the artifacts first, then status.json
        # (the folder's word that the run ended), then the library row. Killed before status.json, the
        # folder reads 'interrupted' and --resume ends it; killed after it, --resume writes what is missing.
        self.status.update(status=state, message=message, finished_at=now_iso())
        summary = summary_of(self.status)
        if state == "done":
            self.folder.write_json("result.json", summary)
        try:
            _write_artifacts(self.spec, self.folder, self.status, self.ds_summary)
        except Exception as exc:  # artifacts are a convenience: never hide the run's own outcome
            self.send({"event": "warning", "message": f"could not write curves or model card: {exc}"})
        self.folder.write_json("status.json", self.status)
        if self.library_path:
            from .store import update_run

            update_run(self.library_path, self.status, summary["metrics"])
        return summary

    def fail(self, message: str, **extra: Any) -> dict[str, Any]:
        self.send({"event": "error", **extra, "message": message})
        return self.finish(extra.get("kind", "failed"), message)


@dataclass
class _Plan:
    """What every fold of the run shares, settled before the first one starts."""

    device: str
    ds: Any                                  # datasets.Dataset
    metric_names: list[str]
    seeds: list[int]
    total: int                               # folds over all seeds
    done_keys: set[tuple[int, int]]          # (seed, fold) finished before a resume
    resume_path: Path
    resume_blob: Optional[dict[str, Any]]    # the unfinished fold's saved state
    budget_s: float
    clock0: float                            # perf_counter at the run's start, counting earlier sessions
    current: tuple[int, int] = (0, 0)        # the (seed, fold) being trained

    def budget_exceeded(self) -> bool:
        return bool(self.budget_s) and (time.perf_counter() - self.clock0) > self.budget_s

    def resume_state(self, seed: int, fold: int) -> Optional[dict[str, Any]]:
        blob = self.resume_blob
        if blob and blob.get("state") and (blob["seed"], blob["fold"]) == (seed, fold):
            return blob["state"]
        return None


def _load_resume(run: _Run, resume_path: Path) -> Optional[dict[str, Any]]:
    """The unfinished fold's saved state, or None when there is none or it cannot be read."""
    import torch

    if not resume_path.exists():
        return None
    try:
        return torch.load(resume_path, weights_only=True)
    except Exception as exc:  # truncated, damaged, or not a checkpoint: the unfinished fold starts over
        bad = resume_path.with_suffix(".unreadable")
        os.replace(resume_path, bad)
        run.send({"event": "warning", "message": f"{resume_path} cannot be read ({type(exc).__name__}: "
                  f"{str(exc)[:200]}); moved to {bad.name}, the unfinished fold starts again from its first "
                  f"epoch (finished folds are kept)"})
        return None


def _prepare(run: _Run, resumed: bool, ds=None) -> _Plan:
    """Device, determinism, env.json and the dataset (read here unless the caller already has it); the start
    event. Raises _StartFailed."""
    from .datasets import DatasetError, load_dataset
    from .metrics import DEFAULT_METRICS
    from .trainer import pick_device, setup_determinism

    spec, folder, status = run.spec, run.folder, run.status
    try:
        device = pick_device(spec["train"]["device"])
    except RuntimeError as exc:
        raise _StartFailed(str(exc)) from exc
    notes = cuda_only_notes(spec.data, device)
    seeds = spec["eval"]["seeds"]
    setup_determinism(seeds[0], device, spec["train"])
    env = capture_env(spec, device)
    env["notes"] = notes
    folder.write_json("env.json" if not resumed else "env.resume.json", env)
    try:
        ds = ds if ds is not None else load_dataset(spec, run.library_path)
    except (DatasetError, SpecError) as exc:
        raise _StartFailed(str(exc)) from exc
    run.ds_summary = status["dataset"] = ds.summary()
    if spec["task"] == "auto":
        spec.data["task"] = ds.task
    n_folds = spec["eval"]["folds"] if spec["eval"]["split"] == "kfold" else 1
    resume_path = folder.ckpt / "resume.pt"
    plan = _Plan(device=device, ds=ds, metric_names=spec["eval"]["metrics"] or DEFAULT_METRICS[ds.task],
                 seeds=seeds, total=len(seeds) * n_folds, done_keys={(f["seed"], f["fold"]) for f in status["folds"]},
                 resume_path=resume_path, resume_blob=_load_resume(run, resume_path) if resumed else None,
                 budget_s=float(spec["budget"]["max_minutes"]) * 60.0,
                 clock0=time.perf_counter() - float(status.get("seconds", 0.0)))
    start_extra: dict[str, Any] = {}
    if resumed:
        from .resume_point import resume_point

        _trim_metrics(folder, plan.done_keys, plan.resume_blob)
        # where it continues, said by `run --resume` and the Experiments view (not a start from epoch 1)
        start_extra["resume_from"] = resume_point(seeds, n_folds, plan.done_keys, plan.resume_blob)
    run.send({"event": "start", "name": spec.name, "folder": str(folder.path), "device": device, "notes": notes,
              "dataset": run.ds_summary, "metrics": plan.metric_names, "folds_total": plan.total,
              "epochs": spec["train"]["epochs"],
              "folds_done": len(plan.done_keys), "resumed": resumed, "gap_id": spec["source"]["gap_id"],
              **start_extra})
    for note in notes:
        run.send({"event": "warning", "message": note})
    return plan


def _train_one_fold(run: _Run, plan: _Plan, seed: int, fold: int, split, cancel: Optional[CancelToken]) -> dict[str, Any]:
    """Train and test one fold, save its best weights, record it in status.json and metrics.jsonl."""
    import torch

    from .datasets import fold_arrays
    from .models import build_model, count_parameters
    from .trainer import train_fold

    spec, folder, ds = run.spec, run.folder, plan.ds
    tr, va, te = split
    fa = fold_arrays(ds, tr, va, te, spec["data"])
    torch.manual_seed(seed * 1000 + fold)  # each fold's init independent of the folds before it
    out_dim = ds.n_classes if ds.task == "classification" else 1
    model = build_model(spec["model"], fa.input_dim, out_dim, ds.image_shape, spec["data"]["max_len"])

    def on_epoch(rec: dict[str, Any]) -> None:
        folder.append("metrics.jsonl", {"kind": "epoch", **rec})
        run.send({"event": "epoch", **rec})

    def on_checkpoint(state: dict[str, Any]) -> None:
        _save_atomic({"seed": seed, "fold": fold, "state": state}, plan.resume_path)
        run.send({"event": "checkpoint", "path": str(plan.resume_path), "reason": "periodic",
                  "seed": seed, "fold": fold, "epoch": state["epoch"]})

    res = train_fold(model, fa, spec.data, seed=seed, fold=fold, device=plan.device,
                     metric_names=plan.metric_names, on_epoch=on_epoch, cancel=cancel,
                     budget_exceeded=plan.budget_exceeded, resume=plan.resume_state(seed, fold),
                     on_checkpoint=on_checkpoint)
    ck = folder.ckpt / f"best-s{seed}-f{fold}.pt"
    torch.save({"model": res.best_state, "family": spec["model"]["family"], "input_dim": fa.input_dim,
                "out_dim": out_dim, "best_epoch": res.best_epoch, "seed": seed, "fold": fold}, ck)
    entry = {"seed": seed, "fold": fold, "metrics": res.metrics, "best_epoch": res.best_epoch,
             "epochs": res.epochs_run, "stopped_early": res.stopped_early,
             "budget_stopped": res.budget_stopped, "n_train": int(len(tr)), "n_val": int(len(va)),
             "n_test": int(len(te)), "params": count_parameters(model),
             "seconds": round(res.seconds, 3),
             "cpu_seconds": round(res.cpu_seconds, 3), "checkpoint": ck.name}
    run.status["folds"].append(entry)
    run.status["seconds"] = time.perf_counter() - plan.clock0
    folder.write_json("status.json", run.status)
    plan.resume_path.unlink(missing_ok=True)
    plan.resume_blob = None
    folder.append("metrics.jsonl", {"kind": "fold", **entry})
    run.send({"event": "checkpoint", "path": str(ck), "reason": "best of fold"})
    run.send({"event": "fold_end", **entry})
    return entry


def _train_all_folds(run: _Run, plan: _Plan, progress, cancel: Optional[CancelToken]) -> None:
    from .datasets import fold_indices

    k = len(plan.done_keys)
    report(progress, k, plan.total, "starting")
    for seed in plan.seeds:
        splits = fold_indices(plan.ds, run.spec["eval"], run.spec["train"]["val_fraction"], seed)
        for fold, split in enumerate(splits):
            if (seed, fold) in plan.done_keys:
                continue
            check(cancel)
            plan.current = (seed, fold)
            entry = _train_one_fold(run, plan, seed, fold, split, cancel)
            k += 1
            report(progress, k, plan.total, f"seed {seed} fold {fold}: " +
                   ", ".join(f"{m} {v:.4f}" for m, v in entry["metrics"].items()))


def _end_cancelled(run: _Run, plan: _Plan, stop: Cancelled) -> dict[str, Any]:
    """Save the unfinished fold's state (when it has one) and end the run as cancelled, resumable."""
    run.status["seconds"] = time.perf_counter() - plan.clock0
    if stop.state:
        seed, fold = plan.current
        _save_atomic({"seed": seed, "fold": fold, "state": stop.state}, plan.resume_path)
        run.send({"event": "checkpoint", "path": str(plan.resume_path), "reason": "cancelled",
                  "epoch": stop.state["epoch"], "batch": stop.state["batch"]})
    resume = resume_command(run.status)
    summary = run.finish("cancelled", f"cancelled by the user; {len(run.status['folds'])} of {plan.total} folds "
                                      f"finished. Resume with: {resume}")
    run.send({"event": "cancelled", "folder": str(run.folder.path), "folds_done": len(run.status["folds"]),
              "folds_total": plan.total, "resume": resume})
    return summary


def _end_done(run: _Run, plan: _Plan) -> dict[str, Any]:
    """Copy the overall best checkpoint (the fold with the best first metric) and end the run as done."""
    from .metrics import HIGHER_IS_BETTER

    first = plan.metric_names[0]
    folds = run.status["folds"]
    best = (max if HIGHER_IS_BETTER[first] else min)(folds, key=lambda f: f["metrics"][first])
    shutil.copyfile(run.folder.ckpt / best["checkpoint"], run.folder.path / "best.pt")
    run.status["best_checkpoint"] = {"seed": best["seed"], "fold": best["fold"], first: best["metrics"][first]}
    summary = run.finish("done")
    run.send({"event": "done", "status": "done", "metrics": summary["metrics"], "std": summary["std"],
              "folder": str(run.folder.path)})
    return summary


def _execute_folds(spec: Spec, folder: RunFolder, status: dict[str, Any], library_path: Optional[str],
                   emit: Optional[Emit], *, progress=None, cancel: Optional[CancelToken] = None,
                   resumed: bool, ds=None) -> dict[str, Any]:
    from .datasets import DatasetError
    from .trainer import Diverged

    run = _Run(spec, folder, status, library_path, emit)
    try:
        plan = _prepare(run, resumed, ds)
    except _StartFailed as exc:
        return run.fail(str(exc))
    try:
        _train_all_folds(run, plan, progress, cancel)
    except Cancelled as stop:
        return _end_cancelled(run, plan, stop)
    except Diverged as exc:
        return run.fail(str(exc), kind="diverged")
    except (DatasetError, SpecError) as exc:
        return run.fail(str(exc))
    except Exception as exc:
        run.fail(f"{type(exc).__name__}: {exc}")
        raise
    return _end_done(run, plan)


def _trim_metrics(folder: RunFolder, done_keys: set, blob: Optional[dict[str, Any]]) -> None:
    """Before resuming, drop the epoch lines that the checkpoint does not cover (they will be run again),
    so metrics.jsonl reads as if the run had never stopped."""
    keep_upto = {}
    if blob and blob.get("state"):
        keep_upto[(blob["seed"], blob["fold"])] = blob["state"]["epoch"]
    lines = []
    for r in folder.records():
        key = (r["seed"], r["fold"])
        if r["kind"] == "fold" or key in done_keys or r["epoch"] <= keep_upto.get(key, 0):
            lines.append(json.dumps(r, default=str))
    tmp = folder.path / "metrics.jsonl.tmp"
    tmp.write_text("".join(l + "\n" for l in lines), encoding="utf-8")
    os.replace(tmp, folder.path / "metrics.jsonl")


def _save_atomic(obj: Any, path: Path) -> None:
    import torch

    tmp = path.with_suffix(".tmp")
    torch.save(obj, tmp)
    os.replace(tmp, path)  # a crash while saving keeps the previous checkpoint whole


def _write_artifacts(spec: Spec, folder: RunFolder, status: dict[str, Any], ds_summary: dict[str, Any]) -> None:
    from .card import write_model_card
    from .plots import plot_curves

    recs = [r for r in folder.records() if r.get("kind") == "epoch"]
    if recs:
        plot_curves(recs, folder.path / "curves.png", title=f"{spec.name} ({status['status']})")
    write_model_card(spec, status, ds_summary, folder.path / "MODEL_CARD.md")
