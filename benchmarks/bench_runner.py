"""Benchmark: the runner on digits-mlp.toml (MLP, 5-fold CV) and its time per epoch against a hand-written
minimal PyTorch loop on the same data, folds, model, batch size and optimiser.

    PYTHONPATH=core python benchmarks/bench_runner.py [--repeats 3] [--spec resources/examples/digits-mlp.toml]

Prints mean accuracy over the folds (target >= 0.97) and the runner / minimal time-per-epoch ratio
(target: overhead under 10%). Runs alternate (runner, minimal, runner, minimal ...) and the median is
reported, because this machine is shared and its load moves while we measure. Times are CPU time of
the training thread (time.thread_time, torch set to the spec's 1 thread), which other users' load
disturbs far less than wall time.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "core"))


def minimal_loop(spec, epochs_per_fold: list[int]) -> tuple[float, int, list[float]]:
    """The loop a researcher writes by hand: tensors in memory, randperm batches, Adam, no extras.
    Same standardisation, folds and validation carve-out as the runner; returns (train seconds, epochs, test acc)."""
    import torch
    from torch import nn

    from gapscope.experiments.datasets import fold_arrays, fold_indices, load_dataset

    t = spec["train"]
    torch.set_num_threads(t["threads"])
    ds = load_dataset(spec)
    seed = spec["eval"]["seeds"][0]
    total_s, total_ep, accs = 0.0, 0, []
    for fold, ((tr, va, te), n_ep) in enumerate(zip(fold_indices(ds, spec["eval"], t["val_fraction"], seed),
                                                    epochs_per_fold)):
        fa = fold_arrays(ds, tr, va, te, spec["data"])
        torch.manual_seed(seed * 1000 + fold)
        h = spec["model"]["hidden"][0]
        model = nn.Sequential(nn.Linear(fa.input_dim, h), nn.ReLU(), nn.Dropout(spec["model"]["dropout"]),
                              nn.Linear(h, ds.n_classes))
        opt = torch.optim.Adam(model.parameters(), lr=t["lr"], weight_decay=t["weight_decay"])
        loss_fn = nn.CrossEntropyLoss()
        X, y = torch.as_tensor(fa.X_train), torch.as_tensor(fa.y_train)
        g = torch.Generator().manual_seed(seed * 1000 + fold)
        bs = t["batch_size"]
        start = time.thread_time()
        for _ in range(n_ep):
            model.train()
            perm = torch.randperm(len(y), generator=g)
            for i in range(0, len(y), bs):
                idx = perm[i:i + bs]
                opt.zero_grad()
                loss = loss_fn(model(X[idx]), y[idx])
                loss.backward()
                opt.step()
        total_s += time.thread_time() - start
        total_ep += n_ep
        model.eval()
        with torch.no_grad():
            accs.append(float((model(torch.as_tensor(fa.X_test)).argmax(1).numpy() == fa.y_test).mean()))
    return total_s, total_ep, accs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default=str(ROOT / "resources" / "examples" / "digits-mlp.toml"))
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    from gapscope.experiments.runner import run_spec
    from gapscope.experiments.spec import load_spec

    print("command:", "PYTHONPATH=core", Path(sys.executable).name, " ".join(sys.argv))
    runner_ep, runner_e2e, minimal_ep, summary = [], [], [], None
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeats):
            spec = load_spec(args.spec)
            t0 = time.thread_time()
            s = run_spec(spec, runs_dir=Path(tmp) / f"r{r}")
            wall = time.thread_time() - t0
            folds = s["folds"]
            epochs = [f["epochs"] for f in folds]
            train_s = sum(f["cpu_seconds"] for f in folds)
            runner_ep.append(train_s / sum(epochs))
            runner_e2e.append(wall / sum(epochs))
            summary = s
            m_s, m_ep, m_acc = minimal_loop(load_spec(args.spec), epochs)
            minimal_ep.append(m_s / m_ep)
            print(f"repeat {r}: runner {1000 * runner_ep[-1]:.2f} ms/epoch (end to end {1000 * runner_e2e[-1]:.2f}), "
                  f"minimal loop {1000 * minimal_ep[-1]:.2f} ms/epoch over {sum(epochs)} epochs; "
                  f"minimal-loop mean test accuracy {np.mean(m_acc):.4f}")
    accs = [f["metrics"]["accuracy"] for f in summary["folds"]]
    print()
    print(f"digits MLP, 5-fold CV: mean accuracy {np.mean(accs):.4f} (folds: {', '.join(f'{a:.4f}' for a in accs)}), "
          f"macro-F1 {summary['metrics']['macro_f1']:.4f}; target >= 0.97: {'met' if np.mean(accs) >= 0.97 else 'NOT met'}")
    r_med, m_med, e_med = statistics.median(runner_ep), statistics.median(minimal_ep), statistics.median(runner_e2e)
    print(f"CPU time per epoch (median of {args.repeats}):  runner {1000 * r_med:.2f} ms   minimal loop {1000 * m_med:.2f} ms"
          f"   ratio {r_med / m_med:.3f}  (overhead {100 * (r_med / m_med - 1):+.1f}%; target < +10%)")
    ratios = sorted(r / m for r, m in zip(runner_ep, minimal_ep))
    print(f"per-repeat ratios: {', '.join(f'{x:.3f}' for x in ratios)} (median {statistics.median(ratios):.3f})")
    print(f"end to end incl. data loading, fold set-up, checkpoints, curves and model card: runner "
          f"{1000 * e_med:.2f} ms/epoch, ratio {e_med / m_med:.3f}")
    print("the runner's epoch also evaluates the validation part (early stopping) and checks the loss for NaN; "
          "the minimal loop does neither")


if __name__ == "__main__":
    main()
