"""Sweeps: a grid over a spec's settings, each point (a trial) a normal run linked in the library,
then a summary table and paired comparisons of the best trial with every other one.

The trials run through a ChunkRunner (gapscope.jobs): in turn here, or on Ray workers
(gapscope.cluster). A worker runs its trial in a folder of its own and sends the folder back; this
process unpacks it under the runs folder and records it in the library, so the library keeps one
writer and a cluster needs no shared disk.
"""

from __future__ import annotations

import io
import itertools
import json
import tarfile
import tempfile
from pathlib import Path
from typing import Any, Optional, Sequence

from ..jobs import CancelToken, ChunkRunner, ProgressFn, check, report
from .spec import Spec, SpecError, load_spec, parse_override


def split_values(raw: str) -> list[str]:
    """``0.01,0.1`` -> ["0.01", "0.1"]; commas inside [...] or quotes belong to the value
    (``[64],[128,64]`` -> ["[64]", "[128,64]"])."""
    out, cur, depth, quote = [], "", 0, ""
    for ch in raw:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def grid_points(grid: Sequence[str]) -> list[list[str]]:
    """``["train.lr=0.001,0.01", "model.dropout=0,0.1"]`` -> every combination as override lists
    (``["train.lr=0.001", "model.dropout=0"]``, ...), the first key varying slowest."""
    axes = []
    for item in grid:
        if "=" not in item:
            raise SpecError(f"--grid {item!r}: expected KEY=V1,V2,..., e.g. train.lr=0.001,0.01")
        key, raw = item.split("=", 1)
        values = split_values(raw)
        if not key.strip() or not values:
            raise SpecError(f"--grid {item!r}: expected KEY=V1,V2,..., e.g. train.lr=0.001,0.01")
        axes.append([f"{key.strip()}={v}" for v in values])
    return [list(p) for p in itertools.product(*axes)] if axes else [[]]


def trial_specs(spec_path: str | Path, grid: Sequence[str], overrides: Sequence[str] = ()) -> list[tuple[list[str], Spec]]:
    """(the trial's grid settings, its validated spec) for every grid point; a bad value fails here,
    before anything runs, naming the key."""
    out = []
    for point in grid_points(grid):
        for item in point:
            parse_override(item)
        spec = load_spec(spec_path, list(overrides) + point)
        if point:       # the name must stay a plain word (it names files); the settings go in the description
            spec.data["description"] = " ".join(filter(None, [spec.data.get("description"),
                                                                f"(sweep trial: {', '.join(point)})"]))
        out.append((point, spec))
    return out


def _pack(folder: Path) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        tar.add(folder, arcname=folder.name)
    return buf.getvalue()


def check_trials_data(trials: list[tuple[list[str], Spec]], library_path: Optional[str]) -> None:
    """Read each distinct data set of the trials (and try its splits) before any trial runs, as a single run
    does: raises DatasetError or SpecError naming the file and line, so a bad CSV is no row of failed trials."""
    from .runner import load_data

    seen = set()
    for _, spec in trials:
        key = json.dumps([spec["data"], spec["eval"], spec["train"]["val_fraction"], str(spec.base_dir())],
                         sort_keys=True, default=str)
        if key not in seen:
            seen.add(key)
            load_data(spec, library_path)


def run_trial(work: tuple[dict[str, Any], Optional[str], str, str]) -> tuple[dict[str, Any], bytes]:
    """On a worker: run one trial (spec data, spec path, source text, run id) in a folder of its own,
    unlinked; returns its summary and the folder as a .tar.gz."""
    from .runner import run_spec
    from .spec import spec_from_dict

    data, path, text, run_id = work
    spec = spec_from_dict(data, Path(path) if path else None)
    spec.text = text
    with tempfile.TemporaryDirectory(prefix="gapscope-trial-") as tmp:
        summary = run_spec(spec, runs_dir=tmp, library_path=None, run_id=run_id)
        return summary, _pack(Path(tmp) / run_id)


def adopt_trial(packed: bytes, runs_dir: Path, library_path: Optional[str]) -> dict[str, Any]:
    """Unpack a worker's run folder under ``runs_dir``, point it at its new place and library, and
    record it there as a normal, finished run. Returns its summary."""
    from .runner import RunFolder
    from .spec import load_spec as _load
    from .store import record_run, update_run

    with tarfile.open(fileobj=io.BytesIO(packed), mode="r:gz") as tar:
        names = {m.name.split("/", 1)[0] for m in tar.getmembers()}
        if len(names) != 1:
            raise ValueError("a trial's archive holds one run folder")
        tar.extractall(runs_dir, filter="data")
    folder = RunFolder(runs_dir / names.pop())
    status = folder.read_json("status.json")
    status.update(folder=str(folder.path.resolve()), library=library_path)
    folder.write_json("status.json", status)
    summary = folder.read_json("result.json") if (folder.path / "result.json").is_file() else None
    if summary is not None:
        summary["folder"] = status["folder"]
        folder.write_json("result.json", summary)
    if library_path:
        spec = _load(folder.path / "spec.toml")
        spec.data["source"]["papers"] = status.get("papers") or []
        record_run(library_path, status, spec)
        update_run(library_path, status, (summary or {}).get("metrics", {}))
    return summary or {"run_id": status["run_id"], "status": status["status"], "metrics": {}, "folds": [],
                       "std": {}, "folder": status["folder"], "message": status.get("message")}


def sweep(spec_path: str | Path, grid: Sequence[str], *, runs_dir: str | Path, library_path: Optional[str] = None,
          overrides: Sequence[str] = (), runner: Optional[ChunkRunner] = None, metric: Optional[str] = None,
          progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None) -> dict[str, Any]:
    """Run every grid point of the spec. Without ``runner`` the trials run here one after another (each
    exactly ``gapscope run SPEC --set ...``); with one (gapscope.cluster) they run on its workers and
    are adopted here as they finish. Returns {"trials": [...], "metric", "best", "comparisons"}."""
    from .runner import new_run_id, run_spec

    trials = trial_specs(spec_path, grid, overrides)
    runs_dir = Path(runs_dir)
    runs_dir.mkdir(parents=True, exist_ok=True)
    ids = [new_run_id(f"{Path(spec_path).stem}-t{i + 1}") for i in range(len(trials))]
    summaries: dict[int, dict[str, Any]] = {}
    total = len(trials)
    report(progress, 0, total, "sweep")
    check(cancel)
    if runner is None:
        for i, (_, spec) in enumerate(trials):
            summaries[i] = run_spec(spec, runs_dir=runs_dir, library_path=library_path, run_id=ids[i], cancel=cancel)
            report(progress, len(summaries), total, f"trial {len(summaries)}/{total}")
            check(cancel)
    else:
        work = ((spec.to_dict(), str(spec.path) if spec.path else None, spec.text, ids[i])
                for i, (_, spec) in enumerate(trials))
        for i, (_, packed) in runner(work):
            summaries[i] = adopt_trial(packed, runs_dir, library_path)
            report(progress, len(summaries), total, f"trial {len(summaries)}/{total}")
            check(cancel)
    return summarise([(trials[i][0], summaries[i]) for i in range(total)], metric)


def summarise(results: list[tuple[list[str], dict[str, Any]]], metric: Optional[str] = None) -> dict[str, Any]:
    """The table rows and the paired comparison of the best trial (by ``metric``, default the first
    one; lower is better for mae / rmse) with each other trial over the same seeds and folds."""
    from .compare import CompareError, compare_runs

    done = [(p, s) for p, s in results if s["status"] == "done" and s["metrics"]]
    rows = [{"settings": p, "run_id": s["run_id"], "status": s["status"], "metrics": s["metrics"],
             "std": s.get("std", {}), "folder": s["folder"]} for p, s in results]
    out: dict[str, Any] = {"trials": rows, "metric": None, "best": None, "comparisons": []}
    if not done:
        return out
    metric = metric or next(iter(done[0][1]["metrics"]))
    lower = metric in ("mae", "rmse", "loss")
    best = (min if lower else max)(done, key=lambda ps: ps[1]["metrics"].get(metric, float("nan")))
    out.update(metric=metric, best=best[1]["run_id"])
    for p, s in done:
        if s["run_id"] == best[1]["run_id"]:
            continue
        try:
            res = compare_runs(best[1], s, metric)
        except CompareError as exc:
            res = {"error": str(exc)}
        out["comparisons"].append({"other": s["run_id"], "settings": p, **res})
    return out


def format_table(result: dict[str, Any]) -> str:
    """The summary as plain text: one line per trial, then one line per comparison."""
    rows = result["trials"]
    names = sorted({m for r in rows for m in r["metrics"]})
    lines = ["  ".join(["trial", "settings".ljust(40)] + [n.rjust(18) for n in names] + ["run"])]
    for i, r in enumerate(rows, 1):
        cells = [f"{r['metrics'][n]:.4f} ± {r['std'].get(n, 0.0):.4f}".rjust(18) if n in r["metrics"] else "-".rjust(18)
                 for n in names]
        mark = "*" if r["run_id"] == result["best"] else " "
        lines.append("  ".join([f"{i}{mark}".ljust(5), (", ".join(r["settings"]) or "(spec as is)")[:40].ljust(40)]
                               + cells + [r["run_id"] if r["status"] == "done" else f"{r['run_id']} ({r['status']})"]))
    if result["best"]:
        lines.append(f"* best by {result['metric']}; paired over the same seeds and folds:")
        for c in result["comparisons"]:
            head = f"  vs {', '.join(c['settings']) or c['other']}: "
            if c.get("error"):
                lines.append(head + c["error"])
                continue
            lo, hi = c["ci"]
            lines.append(head + f"{c['metric']} {c['mean_diff']:+.4f} (95% CI {lo:+.4f} .. {hi:+.4f}), paired t "
                         f"p = {c['t_p']:.3g}, Wilcoxon p = {c['wilcoxon_p']:.3g}, {c['n']} pairs "
                         f"({c['wins']} up, {c['losses']} down)")
        lines.append("  (`gapscope runs compare BEST OTHER` says it in words)")
    return "\n".join(lines)


def to_json(result: dict[str, Any]) -> str:
    return json.dumps(result, default=str)
