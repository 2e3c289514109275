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
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

from ..jobs import CancelToken, report
from .spec import Spec, SpecError, cuda_only_notes, load_spec

EXIT_CANCELLED = 130
Emit = Callable[[dict[str, Any]], None]


class RunError(RuntimeError):
    """A run that cannot start or continue (unknown run id, finished run, missing files)."""


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


def run_spec(spec: Spec | str | Path, *, runs_dir: str | Path, library_path: Optional[str] = None,
             emit: Optional[Emit] = None, progress=None, cancel: Optional[CancelToken] = None,
             overrides: tuple[str, ...] = (), run_id: Optional[str] = None) -> dict[str, Any]:
    """Run a spec in a new folder under ``runs_dir``; returns the summary (also in result.json)."""
    if not isinstance(spec, Spec):
        spec = load_spec(spec, overrides)
    if spec["data"].get("placeholder"):
        raise SpecError(f"{spec.path or '<spec>'}: data.placeholder: the data set is a placeholder "
                        f"({spec['data']['placeholder']}); set data.path and data.target to your data, then delete "
                        "the placeholder line")
    run_id = run_id or new_run_id(spec.name)
    folder = RunFolder(Path(runs_dir) / run_id)
    folder.path.mkdir(parents=True, exist_ok=False)
    folder.ckpt.mkdir()
    (folder.path / "spec.toml").write_text(spec.to_toml(), encoding="utf-8")
    if spec.text:
        (folder.path / "spec.source.toml").write_text(spec.text, encoding="utf-8")
    status = {"run_id": run_id, "status": "running", "name": spec.name, "folder": str(folder.path.resolve()),
              "spec_path": str(spec.path) if spec.path else None, "library": library_path,
              "gap_id": spec["source"]["gap_id"], "papers": spec["source"]["papers"],
              "started_at": now_iso(), "finished_at": None, "message": None, "folds": [], "seconds": 0.0,
              "pid": os.getpid(), "host": platform.node()}
    folder.write_json("status.json", status)
    if library_path:
        from .store import record_run

        record_run(library_path, status, spec)
    return _execute(spec, folder, status, library_path, emit, progress, cancel, resumed=False)


def resume_run(run: str, *, runs_dir: Optional[str | Path] = None, library_path: Optional[str] = None,
               emit: Optional[Emit] = None, progress=None, cancel: Optional[CancelToken] = None) -> dict[str, Any]:
    """Continue a cancelled (or interrupted) run in its own folder, from its last checkpoint."""
    folder = find_run_folder(run, Path(runs_dir) if runs_dir else None, library_path)
    status = folder.read_json("status.json")
    if status["status"] == "done":
        raise RunError(f"run {status['run_id']} is already done; nothing to resume")
    spec = load_spec(folder.path / "spec.toml")
    if spec.path is not None and (folder.path / "spec.source.toml").exists():
        spec.text = (folder.path / "spec.source.toml").read_text(encoding="utf-8")
    library_path = library_path or status.get("library")
    status.update(status="running", message=None, finished_at=None, pid=os.getpid(), host=platform.node())
    folder.write_json("status.json", status)
    return _execute(spec, folder, status, library_path, emit, progress, cancel, resumed=True)


def _execute(spec: Spec, folder: RunFolder, status: dict[str, Any], library_path: Optional[str],
             emit: Optional[Emit], progress, cancel: Optional[CancelToken], resumed: bool) -> dict[str, Any]:
    """Runs the folds; torch's process-wide settings (deterministic algorithms, threads) are put back after,
    so an in-process caller (tests, a notebook) is left as it was."""
    import torch

    saved = (torch.are_deterministic_algorithms_enabled(), torch.is_deterministic_algorithms_warn_only_enabled(),
             torch.get_num_threads())
    try:
        return _execute_folds(spec, folder, status, library_path, emit, progress, cancel, resumed)
    finally:
        torch.use_deterministic_algorithms(saved[0], warn_only=saved[1])
        torch.set_num_threads(saved[2])


def _execute_folds(spec: Spec, folder: RunFolder, status: dict[str, Any], library_path: Optional[str],
                   emit: Optional[Emit], progress, cancel: Optional[CancelToken], resumed: bool) -> dict[str, Any]:
    import torch

    from .datasets import DatasetError, fold_arrays, fold_indices, load_dataset
    from .metrics import DEFAULT_METRICS
    from .models import build_model, count_parameters
    from .trainer import Diverged, StopRequested, pick_device, setup_determinism, train_fold

    def send(event: dict[str, Any]) -> None:
        event = {"event": event.pop("event"), "run_id": status["run_id"], **event}
        folder.append("events.jsonl", event)
        if emit:
            emit(event)

    def finish(state: str, message: Optional[str] = None) -> dict[str, Any]:
        status.update(status=state, message=message, finished_at=now_iso())
        folder.write_json("status.json", status)
        try:
            _write_artifacts(spec, folder, status, ds_summary)
        except Exception as exc:  # artifacts are a convenience: never hide the run's own outcome
            send({"event": "warning", "message": f"could not write curves or model card: {exc}"})
        summary = summary_of(status)
        if state == "done":
            folder.write_json("result.json", summary)
        if library_path:
            from .store import update_run

            update_run(library_path, status, summary["metrics"])
        return summary

    t_spec = spec["train"]
    ds_summary: dict[str, Any] = {}
    try:
        device = pick_device(t_spec["device"])
    except RuntimeError as exc:
        send({"event": "error", "message": str(exc)})
        return finish("failed", str(exc))
    notes = cuda_only_notes(spec.data, device)
    seeds = spec["eval"]["seeds"]
    setup_determinism(seeds[0], device, t_spec)
    env = capture_env(spec, device)
    env["notes"] = notes
    folder.write_json("env.json" if not resumed else "env.resume.json", env)
    try:
        ds = load_dataset(spec, library_path)
    except (DatasetError, SpecError) as exc:
        send({"event": "error", "message": str(exc)})
        return finish("failed", str(exc))
    ds_summary = ds.summary()
    status["dataset"] = ds_summary
    if spec["task"] == "auto":
        spec.data["task"] = ds.task
    metric_names = spec["eval"]["metrics"] or DEFAULT_METRICS[ds.task]
    n_folds = spec["eval"]["folds"] if spec["eval"]["split"] == "kfold" else 1
    total = len(seeds) * n_folds
    done_keys = {(f["seed"], f["fold"]) for f in status["folds"]}
    resume_path = folder.ckpt / "resume.pt"
    resume_blob = torch.load(resume_path, weights_only=True) if (resumed and resume_path.exists()) else None
    if resumed:
        _trim_metrics(folder, done_keys, resume_blob)
    send({"event": "start", "name": spec.name, "folder": str(folder.path), "device": device, "notes": notes,
          "dataset": ds_summary, "metrics": metric_names, "folds_total": total, "folds_done": len(done_keys),
          "resumed": resumed, "gap_id": spec["source"]["gap_id"]})
    for note in notes:
        send({"event": "warning", "message": note})
    budget_s = float(spec["budget"]["max_minutes"]) * 60.0
    clock0 = time.perf_counter() - float(status.get("seconds", 0.0))

    def stop_requested() -> bool:
        return bool(cancel is not None and cancel.cancelled)

    def budget_exceeded() -> bool:
        return bool(budget_s) and (time.perf_counter() - clock0) > budget_s

    def on_epoch(rec: dict[str, Any]) -> None:
        folder.append("metrics.jsonl", {"kind": "epoch", **rec})
        send({"event": "epoch", **rec})

    k = len(done_keys)
    report(progress, k, total, "starting")
    try:
        for seed in seeds:
            splits = fold_indices(ds, spec["eval"], t_spec["val_fraction"], seed)
            for fold, (tr, va, te) in enumerate(splits):
                if (seed, fold) in done_keys:
                    continue
                if stop_requested():
                    raise StopRequested({})
                fa = fold_arrays(ds, tr, va, te, spec["data"])
                torch.manual_seed(seed * 1000 + fold)  # each fold's init independent of the folds before it
                out_dim = ds.n_classes if ds.task == "classification" else 1
                model = build_model(spec["model"], fa.input_dim, out_dim, ds.image_shape, spec["data"]["max_len"])
                resume = None
                if resume_blob and resume_blob.get("state") and (resume_blob["seed"], resume_blob["fold"]) == (seed, fold):
                    resume = resume_blob["state"]
                def on_checkpoint(state, seed=seed, fold=fold):
                    _save_atomic({"seed": seed, "fold": fold, "state": state}, resume_path)
                    send({"event": "checkpoint", "path": str(resume_path), "reason": "periodic",
                          "seed": seed, "fold": fold, "epoch": state["epoch"]})

                res = train_fold(model, fa, spec.data, seed=seed, fold=fold, device=device,
                                 metric_names=metric_names, on_epoch=on_epoch, stop_requested=stop_requested,
                                 budget_exceeded=budget_exceeded, resume=resume, on_checkpoint=on_checkpoint)
                ck = folder.ckpt / f"best-s{seed}-f{fold}.pt"
                torch.save({"model": res.best_state, "family": spec["model"]["family"], "input_dim": fa.input_dim,
                            "out_dim": out_dim, "best_epoch": res.best_epoch, "seed": seed, "fold": fold}, ck)
                entry = {"seed": seed, "fold": fold, "metrics": res.metrics, "best_epoch": res.best_epoch,
                         "epochs": res.epochs_run, "stopped_early": res.stopped_early,
                         "budget_stopped": res.budget_stopped, "n_train": int(len(tr)), "n_val": int(len(va)),
                         "n_test": int(len(te)), "params": count_parameters(model),
                         "seconds": round(res.seconds, 3),
                         "cpu_seconds": round(res.cpu_seconds, 3), "checkpoint": ck.name}
                status["folds"].append(entry)
                status["seconds"] = time.perf_counter() - clock0
                folder.write_json("status.json", status)
                resume_path.unlink(missing_ok=True)
                resume_blob = None
                folder.append("metrics.jsonl", {"kind": "fold", **entry})
                send({"event": "checkpoint", "path": str(ck), "reason": "best of fold"})
                send({"event": "fold_end", **entry})
                k += 1
                report(progress, k, total, f"seed {seed} fold {fold}: " +
                       ", ".join(f"{m} {v:.4f}" for m, v in res.metrics.items()))
    except StopRequested as stop:
        status["seconds"] = time.perf_counter() - clock0
        if stop.state:
            _save_atomic({"seed": seed, "fold": fold, "state": stop.state}, resume_path)
            send({"event": "checkpoint", "path": str(resume_path), "reason": "cancelled",
                  "epoch": stop.state["epoch"], "batch": stop.state["batch"]})
        summary = finish("cancelled", f"cancelled by the user; {len(status['folds'])} of {total} folds finished. "
                                      f"Resume with: gapscope run --resume {status['run_id']}")
        send({"event": "cancelled", "folder": str(folder.path), "folds_done": len(status["folds"]),
              "folds_total": total, "resume": f"gapscope run --resume {status['run_id']}"})
        return summary
    except Diverged as exc:
        send({"event": "error", "kind": "diverged", "message": str(exc)})
        return finish("diverged", str(exc))
    except (DatasetError, SpecError) as exc:
        send({"event": "error", "message": str(exc)})
        return finish("failed", str(exc))
    except Exception as exc:
        send({"event": "error", "message": f"{type(exc).__name__}: {exc}"})
        finish("failed", f"{type(exc).__name__}: {exc}")
        raise
    # the overall best checkpoint: the fold with the best first metric
    from .metrics import HIGHER_IS_BETTER

    first = metric_names[0]
    best = (max if HIGHER_IS_BETTER[first] else min)(status["folds"], key=lambda f: f["metrics"][first])
    shutil.copyfile(folder.ckpt / best["checkpoint"], folder.path / "best.pt")
    status["best_checkpoint"] = {"seed": best["seed"], "fold": best["fold"], first: best["metrics"][first]}
    summary = finish("done")
    send({"event": "done", "status": "done", "metrics": summary["metrics"], "std": summary["std"],
          "folder": str(folder.path)})
    return summary


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
