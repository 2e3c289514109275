"""Training one fold: seeded batches, LR schedule, gradient accumulation, early stopping on validation
loss, mixed precision / torch.compile on CUDA, NaN and divergence detection, and a resumable state.

A stop request is honoured only after an optimiser step, so the saved state (model, optimiser,
scheduler, the batch order's RNG state at the start of the epoch, the global RNG, the position in the
epoch and the running loss sums) lets :func:`train_fold` continue as if it had never stopped: a
cancelled-then-resumed fold gives the same numbers as an uninterrupted one on the CPU.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Optional

import numpy as np

from . import metrics as M
from .datasets import FoldArrays


class Diverged(RuntimeError):
    """The training loss became NaN/inf or exploded; the message says where and what to change."""


class StopRequested(Exception):
    """Raised after an optimiser step when the runner asked to stop; ``state`` resumes the fold."""

    def __init__(self, state: dict[str, Any]) -> None:
        super().__init__("stop requested")
        self.state = state


@dataclass
class FoldResult:
    metrics: dict[str, float]
    best_epoch: int
    epochs_run: int
    stopped_early: bool
    budget_stopped: bool
    best_state: dict[str, Any]
    history: list[dict[str, Any]]
    seconds: float
    cpu_seconds: float  # CPU time of this thread: steadier than wall time on a loaded machine


def pick_device(requested: str) -> str:
    import torch

    if requested == "cuda":
        if not torch.cuda.is_available():
            raise RuntimeError("train.device = \"cuda\" but no CUDA device is available; use \"auto\" or \"cpu\"")
        return "cuda"
    if requested == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return "cpu"


def setup_determinism(seed: int, device: str, train_spec: dict[str, Any]) -> None:
    import os
    import random

    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)
    if train_spec["threads"]:
        torch.set_num_threads(int(train_spec["threads"]))
    if train_spec["deterministic"]:
        if device == "cuda":
            os.environ.setdefault("CUBLAS_WORKSPACE_CONFIG", ":4096:8")
            torch.backends.cudnn.benchmark = False
            torch.backends.cudnn.deterministic = True
            # a few CUDA kernels have no deterministic version: warn rather than fail
            torch.use_deterministic_algorithms(True, warn_only=True)
        else:
            torch.use_deterministic_algorithms(True)


def _lr_lambda(t: dict[str, Any]) -> Callable[[int], float]:
    epochs, warm = t["epochs"], t["warmup_epochs"]

    def f(epoch: int) -> float:
        if warm and epoch < warm:
            return (epoch + 1) / (warm + 1)
        if t["schedule"] == "cosine":
            span = max(1, epochs - warm)
            return 0.5 * (1.0 + math.cos(math.pi * min(epoch - warm, span) / span))
        if t["schedule"] == "step":
            return t["gamma"] ** ((epoch - warm) // t["step_size"])
        return 1.0

    return f


def _make_optimizer(model, t):
    import torch

    params = model.parameters()
    if t["optimizer"] == "sgd":
        return torch.optim.SGD(params, lr=t["lr"], momentum=t["momentum"], weight_decay=t["weight_decay"])
    if t["optimizer"] == "adamw":
        return torch.optim.AdamW(params, lr=t["lr"], weight_decay=t["weight_decay"])
    return torch.optim.Adam(params, lr=t["lr"], weight_decay=t["weight_decay"])


def _clone_state(model) -> dict[str, Any]:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def train_fold(model, fa: FoldArrays, spec_data: dict[str, Any], *, seed: int, fold: int, device: str,
               metric_names: list[str], on_epoch: Optional[Callable[[dict[str, Any]], None]] = None,
               stop_requested: Callable[[], bool] = lambda: False,
               budget_exceeded: Callable[[], bool] = lambda: False,
               resume: Optional[dict[str, Any]] = None,
               on_checkpoint: Optional[Callable[[dict[str, Any]], None]] = None) -> FoldResult:
    import torch
    from torch import nn

    t = spec_data["train"]
    task = spec_data["task"]
    use_cuda = device == "cuda"
    amp = bool(t["mixed_precision"] and use_cuda)
    amp_dtype = torch.bfloat16 if (amp and torch.cuda.is_bf16_supported()) else torch.float16
    model = model.to(device)
    fwd = torch.compile(model) if (t["compile"] and use_cuda) else model
    opt = _make_optimizer(model, t)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, _lr_lambda(t))
    scaling = amp and amp_dtype == torch.float16  # bf16 needs no loss scaling
    scaler = torch.amp.GradScaler("cuda", enabled=scaling)
    loss_fn = nn.CrossEntropyLoss() if task == "classification" else nn.MSELoss()

    def to_t(a, y=False):
        if y and task == "regression":
            a = (a - fa.target_mean) / fa.target_std
            return torch.as_tensor(np.asarray(a, dtype=np.float32), device=device).unsqueeze(-1)
        return torch.as_tensor(a, device=device)

    Xtr, ytr = to_t(fa.X_train), to_t(fa.y_train, True)
    Xva, yva = to_t(fa.X_val), to_t(fa.y_val, True)
    n = len(fa.y_train)
    bs = t["batch_size"]
    nb = max(1, math.ceil(n / bs))
    accum = t["grad_accum"]
    gen = torch.Generator()  # batch order lives on the CPU so it is the same on every device
    gen.manual_seed(seed * 1000 + fold)

    st: dict[str, Any] = {
        "epoch": 0, "batch": 0, "gen_state": gen.get_state(), "best_val": float("inf"), "best_epoch": -1,
        "best_state": None, "bad_epochs": 0, "history": [], "first_loss": None,
        "losses": [], "sizes": [], "seconds": 0.0,
    }
    if resume is not None:
        st.update({k: v for k, v in resume.items() if k not in ("model", "opt", "sched", "scaler", "rng")})
        model.load_state_dict(resume["model"])
        opt.load_state_dict(resume["opt"])
        sched.load_state_dict(resume["sched"])
        scaler.load_state_dict(resume["scaler"])
        torch.set_rng_state(resume["rng"])
    started = time.perf_counter() - st["seconds"]
    cpu_started = time.thread_time() - st.get("cpu_seconds", 0.0)
    stopped_early = budget_stopped = False
    last_ckpt = time.perf_counter()  # periodic checkpoints are timed: short epochs should not pay for them

    def snapshot() -> dict[str, Any]:
        s = {k: v for k, v in st.items()}
        s.update(model=_clone_state(model), opt=opt.state_dict(), sched=sched.state_dict(),
                 scaler=scaler.state_dict(), rng=torch.get_rng_state(), seconds=time.perf_counter() - started,
                 cpu_seconds=time.thread_time() - cpu_started)
        return s

    def evaluate(X, batch=1024):
        model.eval()
        outs = []
        with torch.no_grad():
            for i in range(0, len(X), batch):
                if amp:
                    with torch.autocast("cuda", dtype=amp_dtype):
                        outs.append(fwd(X[i:i + batch]).float())
                else:
                    outs.append(fwd(X[i:i + batch]))
        model.train()
        return torch.cat(outs) if outs else torch.empty(0)

    def predict(out):
        if task == "classification":
            return out.argmax(1).cpu().numpy()
        return out.squeeze(-1).cpu().numpy().astype(np.float64) * fa.target_std + fa.target_mean

    model.train()
    epoch = st["epoch"]
    while epoch < t["epochs"]:
        ep_start = time.perf_counter()
        gen.set_state(st["gen_state"])
        perm = torch.randperm(n, generator=gen).to(device)
        if st["batch"] == 0:
            st["losses"], st["sizes"] = [], []
        # per-batch losses stay on the device as tensors: no sync, no extra ops in the hot loop
        losses, sizes = [x.to(device) for x in st["losses"]], list(st["sizes"])
        for b in range(st["batch"], nb):
            idx = perm[b * bs:(b + 1) * bs]
            xb, yb = Xtr[idx], ytr[idx]
            if amp:
                with torch.autocast("cuda", dtype=amp_dtype):
                    loss = loss_fn(fwd(xb), yb)
            else:
                loss = loss_fn(fwd(xb), yb)
            if scaling:
                scaler.scale(loss / accum if accum > 1 else loss).backward()
            else:
                (loss / accum if accum > 1 else loss).backward()
            losses.append(loss.detach())
            sizes.append(len(idx))
            if (b + 1) % accum == 0 or b == nb - 1:
                if t["max_grad_norm"]:
                    if scaling:
                        scaler.unscale_(opt)
                    nn.utils.clip_grad_norm_(model.parameters(), t["max_grad_norm"])
                if scaling:
                    scaler.step(opt)
                    scaler.update()
                else:
                    opt.step()
                opt.zero_grad(set_to_none=True)
                if b < nb - 1 and stop_requested():
                    st.update(epoch=epoch, batch=b + 1, losses=[x.cpu() for x in losses], sizes=sizes)
                    raise StopRequested(snapshot())
        seen = sum(sizes)
        loss_sum = float((torch.stack(losses).double().cpu() * torch.tensor(sizes, dtype=torch.float64)).sum())
        train_loss = float(loss_sum) / max(seen, 1)
        where = f"seed {seed}, fold {fold}, epoch {epoch + 1}"
        if not math.isfinite(train_loss):
            raise Diverged(f"training loss became {train_loss} at {where} (lr {opt.param_groups[0]['lr']:.3g}): "
                           "the run diverged; lower train.lr, set train.max_grad_norm, or check the data for "
                           "extreme values")
        if st["first_loss"] is None:
            st["first_loss"] = train_loss
        elif train_loss > t["divergence_factor"] * max(st["first_loss"], 1e-12):
            raise Diverged(f"training loss exploded to {train_loss:.4g} at {where}, {t['divergence_factor']:g}x its "
                           f"first-epoch value {st['first_loss']:.4g}: lower train.lr or set train.max_grad_norm")
        lr_now = opt.param_groups[0]["lr"]
        sched.step()
        rec: dict[str, Any] = {"seed": seed, "fold": fold, "epoch": epoch + 1, "train_loss": train_loss, "lr": lr_now}
        if len(fa.y_val):
            out = evaluate(Xva)
            val_loss = float(loss_fn(out, yva))
            if not math.isfinite(val_loss):
                raise Diverged(f"validation loss became {val_loss} at {where}: lower train.lr or set train.max_grad_norm")
            rec["val_loss"] = val_loss
            for k, v in M.compute(metric_names, fa.y_val, predict(out)).items():
                rec[f"val_{k}"] = v
            improved = val_loss < st["best_val"]
        else:
            val_loss, improved = train_loss, True
        if improved:
            st["best_val"], st["best_epoch"], st["bad_epochs"] = val_loss, epoch + 1, 0
            st["best_state"] = _clone_state(model)
        else:
            st["bad_epochs"] += 1
        rec["best_epoch"] = st["best_epoch"]
        rec["seconds"] = time.perf_counter() - ep_start
        st["history"].append(rec)
        epoch += 1
        st.update(epoch=epoch, batch=0, gen_state=gen.get_state(), losses=[], sizes=[])
        if on_checkpoint and epoch < t["epochs"] and time.perf_counter() - last_ckpt >= 60.0 * t["checkpoint_minutes"]:
            on_checkpoint(snapshot())  # at an epoch boundary: resuming from it repeats nothing
            last_ckpt = time.perf_counter()
        if on_epoch:
            on_epoch(rec)
        if t["early_stopping"] and len(fa.y_val) and st["bad_epochs"] >= t["early_stopping"]:
            stopped_early = True
            break
        if epoch < t["epochs"] and budget_exceeded():
            budget_stopped = True
            break
        if epoch < t["epochs"] and stop_requested():
            raise StopRequested(snapshot())

    model.load_state_dict(st["best_state"])
    Xte = to_t(fa.X_test)
    pred = predict(evaluate(Xte))
    res = M.compute(metric_names, fa.y_test, pred)
    return FoldResult(metrics=res, best_epoch=st["best_epoch"], epochs_run=epoch, stopped_early=stopped_early,
                      budget_stopped=budget_stopped, best_state=st["best_state"], history=st["history"],
                      seconds=time.perf_counter() - started, cpu_seconds=time.thread_time() - cpu_started)
