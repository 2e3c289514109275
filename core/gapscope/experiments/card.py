"""A model card (Markdown) for a run: data, intended use, metrics per fold, limitations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np


def _fmt(v: float) -> str:
    return f"{v:.4f}"


def model_card(spec, status: dict[str, Any], ds: dict[str, Any]) -> str:
    d = spec.data
    folds = status.get("folds", [])
    lines = [f"# Model card: {spec.name}", "",
             f"Run `{status['run_id']}`, status **{status['status']}**, started {status['started_at']}"
             + (f", finished {status['finished_at']}" if status.get("finished_at") else "") + ".", ""]
    if status.get("message"):
        lines += [f"> {status['message']}", ""]
    if d["description"]:
        lines += [d["description"], ""]
    lines += ["## Where it comes from", ""]
    src = d["source"]
    if src["gap_id"] is not None or src["papers"]:
        if src["gap_id"] is not None:
            lines.append(f"- Gap #{src['gap_id']} of the GapScope library" + (f": {src['note']}" if src["note"] else ""))
        if src["papers"]:
            lines.append(f"- Papers (library ids): {', '.join(map(str, src['papers']))}")
    else:
        lines.append("- Not linked to a gap (set `[source] gap_id` and `papers` in the spec to link it).")
    lines += ["", "## Data", ""]
    if ds:
        lines.append(f"- {ds.get('description') or ds.get('name')}")
        lines.append(f"- Task: {ds.get('task')}; {ds.get('rows')} rows" +
                     (f", {ds['features']} input features" if "features" in ds else ""))
        if ds.get("classes"):
            lines.append("- Classes: " + ", ".join(f"{c} ({n})" for c, n in ds["classes"].items()))
    ev = d["eval"]
    split = (f"{ev['folds']}-fold {'stratified ' if d['task'] == 'classification' else ''}cross-validation"
             if ev["split"] == "kfold" else f"one hold-out split ({ev['test_fraction']:.0%} test)")
    lines.append(f"- Evaluation: {split}, seeds {ev['seeds']}; {d['train']['val_fraction']:.0%} of each training "
                 "part held out for early stopping; standardisation and vocabulary fitted on the training part only.")
    m, t = d["model"], d["train"]
    lines += ["", "## Model and training", "",
              f"- Family: {m['family']}" + (f", hidden {m['hidden']}" if m["family"] == "mlp" else "")
              + (f", dropout {m['dropout']}" if m["dropout"] else ""),
              f"- {t['optimizer']} lr {t['lr']}, weight decay {t['weight_decay']}, schedule {t['schedule']}"
              f" (warm-up {t['warmup_epochs']}), batch {t['batch_size']} x accumulation {t['grad_accum']}, "
              f"up to {t['epochs']} epochs, early stopping patience {t['early_stopping']}.",
              f"- Fixed seeds, deterministic algorithms: {t['deterministic']}, CPU threads: {t['threads']}."]
    if folds:
        names = list(folds[0]["metrics"])
        lines += ["", "## Metrics (test part of each fold)", "",
                  "| seed | fold | " + " | ".join(names) + " | best epoch | epochs |",
                  "|---|---|" + "---|" * len(names) + "---|---|"]
        for f in folds:
            lines.append(f"| {f['seed']} | {f['fold']} | " + " | ".join(_fmt(f["metrics"][n]) for n in names)
                         + f" | {f['best_epoch']} | {f['epochs']} |")
        for n in names:
            vals = np.asarray([f["metrics"][n] for f in folds])
            sd = vals.std(ddof=1) if len(vals) > 1 else 0.0
            lines.append(f"\n**{n}**: mean {_fmt(vals.mean())}, standard deviation {_fmt(sd)} over {len(vals)} folds.")
    lines += ["", "## Intended use", "",
              "A baseline to test whether the gap's method family works on this task at all: a reference point "
              "for a variant, compared over the same seeds and folds with `gapscope runs compare`. "
              "Not a production model and not a claim of state of the art.", "",
              "## Limitations", ""]
    lim = [f"- Small data ({ds.get('rows', '?')} rows): fold-to-fold spread is large; read the standard deviation "
           "before the mean."]
    if ds.get("name") == "library_text":
        lim.append("- Labels come from the user's own tags, categories or triage decisions: they carry the user's "
                   "selection bias and may be noisy; the library is not a random sample of the field.")
    if d["data"]["dataset"] in ("iris", "wine", "breast_cancer", "digits", "diabetes"):
        lim.append("- A classic benchmark set: results say little about the gap's real-world problem.")
    lim.append("- Hyper-parameters are the spec's, not tuned on the test folds; a fair variant must keep the same "
               "budget and splits.")
    if status["status"] != "done":
        lim.append(f"- The run is **{status['status']}**: the metrics cover only the finished folds.")
    lines += lim
    lines.append("")
    return "\n".join(lines)


def write_model_card(spec, status: dict[str, Any], ds: dict[str, Any], out: Path) -> None:
    Path(out).write_text(model_card(spec, status, ds), encoding="utf-8")
