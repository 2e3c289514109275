"""Training one fold: seeded batches, LR schedule, gradient accumulation, early stopping on validation
loss, mixed precision / torch.compile on CUDA, NaN and divergence detection, and a resumable state.

A cancel is honoured only after an optimiser step (it raises :class:`gapscope.jobs.Cancelled` carrying
the state), so the saved state (model, optimiser,
scheduler, the batch order's RNG state at the start of the epoch, the global RNG, the position in the
epoch and the running loss sums) lets :func:`train_fold` continue as if it had never stopped: a
cancelled-then-resumed fold gives the same numbers as an uninterrupted one on the CPU.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, fields
from typing import Any, Callable, Optional

import numpy as np

from ..jobs import Cancelled, CancelToken
from . import metrics as M
from .datasets import FoldArrays


class Diverged(RuntimeError):
    """The training loss became NaN/inf or exploded; the message says where and what to change."""


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


@dataclass
class FoldState:
    """Where a fold's training stands: everything a cancelled fold saves to continue exactly.

    Saved as a plain dict (:meth:`to_dict`, with the model, optimiser, scheduler, scaler and RNG states
    added), so a checkpoint loads with ``torch.load(weights_only=True)``."""

    epoch: int = 0                      # epochs finished
    batch: int = 0                      # batches finished in the current epoch
    gen_state: Any = None               # the batch order's RNG state at the start of the epoch
    best_val: float = float("inf")
    best_epoch: int = -1
    best_state: Optional[dict[str, Any]] = None
    bad_epochs: int = 0                 # epochs since validation loss last improved
    history: list[dict[str, Any]] = field(default_factory=list)
    first_loss: Optional[float] = None
    losses: list[Any] = field(default_factory=list)    # this epoch's batch losses so far (tensors)
    sizes: list[int] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "FoldState":
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in d.items() if k in names})


@dataclass
class _Epoch:
    """One finished epoch's record (a metrics.jsonl line) and the loss that early stopping watches:
    the validation loss, or the training loss when the fold has no validation split."""

    record: dict[str, Any]
    val_loss: float
    validated: bool


class _FoldTrainer:
    """The objects one fold trains with (model on the device, optimiser, schedule, scaler, tensors) and
    the steps of its loop; the loop's own state is a :class:`FoldState`."""

    def __init__(self, model, fa: FoldArrays, spec_data: dict[str, Any], *, seed: int, fold: int, device: str,
                 metric_names: list[str]) -> None:
        import torch
        from torch import nn

        t = self.t = spec_data["train"]
        self.task = spec_data["task"]
        self.fa, self.seed, self.fold, self.device, self.metric_names = fa, seed, fold, device, metric_names
        use_cuda = device == "cuda"
        self.amp = bool(t["mixed_precision"] and use_cuda)
        self.amp_dtype = torch.bfloat16 if (self.amp and torch.cuda.is_bf16_supported()) else torch.float16
        self.model = model.to(device)
        self.fwd = torch.compile(self.model) if (t["compile"] and use_cuda) else self.model
        self.opt = _make_optimizer(self.model, t)
        self.sched = torch.optim.lr_scheduler.LambdaLR(self.opt, _lr_lambda(t))
        self.scaling = self.amp and self.amp_dtype == torch.float16  # bf16 needs no loss scaling
        self.scaler = torch.amp.GradScaler("cuda", enabled=self.scaling)
        self.loss_fn = nn.CrossEntropyLoss() if self.task == "classification" else nn.MSELoss()
        self.Xtr, self.ytr = self.tensor(fa.X_train), self.tensor(fa.y_train, target=True)
        self.Xva, self.yva = self.tensor(fa.X_val), self.tensor(fa.y_val, target=True)
        self.n = len(fa.y_train)
        self.nb = max(1, math.ceil(self.n / t["batch_size"]))
        self.gen = torch.Generator()  # batch order lives on the CPU so it is the same on every device
        self.gen.manual_seed(seed * 1000 + fold)

    # --- tensors and forward passes ---------------------------------------------------------------
    def tensor(self, a, target: bool = False):
        import torch

        if target and self.task == "regression":
            a = (a - self.fa.target_mean) / self.fa.target_std
            return torch.as_tensor(np.asarray(a, dtype=np.float32), device=self.device).unsqueeze(-1)
        return torch.as_tensor(a, device=self.device)

    def forward(self, x):
        import torch

        if self.amp:
            with torch.autocast("cuda", dtype=self.amp_dtype):
                return self.fwd(x)
        return self.fwd(x)

    def loss(self, x, y):
        """The batch loss, computed under autocast with the forward pass when mixed precision is on."""
        import torch

        if self.amp:
            with torch.autocast("cuda", dtype=self.amp_dtype):
                return self.loss_fn(self.fwd(x), y)
        return self.loss_fn(self.fwd(x), y)

    def evaluate(self, X, batch: int = 1024):
        import torch

        self.model.eval()
        with torch.no_grad():
            outs = [self.forward(X[i:i + batch]).float() if self.amp else self.forward(X[i:i + batch])
                    for i in range(0, len(X), batch)]
        self.model.train()
        return torch.cat(outs) if outs else torch.empty(0)

    def predict(self, out) -> np.ndarray:
        if self.task == "classification":
            return out.argmax(1).cpu().numpy()
        return out.squeeze(-1).cpu().numpy().astype(np.float64) * self.fa.target_std + self.fa.target_mean

    # --- state --------------------------------------------------------------------------------------
    def restore(self, resume: Optional[dict[str, Any]]) -> FoldState:
        import torch

        if resume is None:
            return FoldState(gen_state=self.gen.get_state())
        self.model.load_state_dict(resume["model"])
        self.opt.load_state_dict(resume["opt"])
        self.sched.load_state_dict(resume["sched"])
        self.scaler.load_state_dict(resume["scaler"])
        torch.set_rng_state(resume["rng"])
        return FoldState.from_dict(resume)

    def snapshot(self, st: FoldState, clock: "_Clock") -> dict[str, Any]:
        import torch

        s = st.to_dict()
        s.update(model=_clone_state(self.model), opt=self.opt.state_dict(), sched=self.sched.state_dict(),
                 scaler=self.scaler.state_dict(), rng=torch.get_rng_state(), seconds=clock.seconds(),
                 cpu_seconds=clock.cpu_seconds())
        return s

    # --- one epoch ----------------------------------------------------------------------------------
    def train_epoch(self, st: FoldState, cancel: Optional[CancelToken], clock: "_Clock") -> float:
        """The epoch's batches from ``st.batch`` on; its mean training loss. A cancel after an optimiser
        step raises Cancelled with the state to resume from the next batch."""
        import torch

        bs, accum = self.t["batch_size"], self.t["grad_accum"]
        self.gen.set_state(st.gen_state)
        perm = torch.randperm(self.n, generator=self.gen).to(self.device)
        if st.batch == 0:
            st.losses, st.sizes = [], []
        # per-batch losses stay on the device as tensors: no sync, no extra ops in the hot loop
        losses, sizes = [x.to(self.device) for x in st.losses], list(st.sizes)
        for b in range(st.batch, self.nb):
            idx = perm[b * bs:(b + 1) * bs]
            loss = self.loss(self.Xtr[idx], self.ytr[idx])
            scaled_loss = loss / accum if accum > 1 else loss
            (self.scaler.scale(scaled_loss) if self.scaling else scaled_loss).backward()
            losses.append(loss.detach())
            sizes.append(len(idx))
            if (b + 1) % accum == 0 or b == self.nb - 1:
                self.step()
                if b < self.nb - 1 and _cancelled(cancel):
                    st.batch, st.losses, st.sizes = b + 1, [x.cpu() for x in losses], sizes
                    raise Cancelled(state=self.snapshot(st, clock))
        loss_sum = float((torch.stack(losses).double().cpu() * torch.tensor(sizes, dtype=torch.float64)).sum())
        return loss_sum / max(sum(sizes), 1)

    def step(self) -> None:
        from torch import nn

        if self.t["max_grad_norm"]:
            if self.scaling:
                self.scaler.unscale_(self.opt)
            nn.utils.clip_grad_norm_(self.model.parameters(), self.t["max_grad_norm"])
        if self.scaling:
            self.scaler.step(self.opt)
            self.scaler.update()
        else:
            self.opt.step()
        self.opt.zero_grad(set_to_none=True)

    def check_training_loss(self, st: FoldState, train_loss: float, where: str) -> None:
        if not math.isfinite(train_loss):
            raise Diverged(f"training loss became {train_loss} at {where} (lr {self.opt.param_groups[0]['lr']:.3g}): "
                           "the run diverged; lower train.lr, set train.max_grad_norm, or check the data for "
                           "extreme values")
        if st.first_loss is None:
            st.first_loss = train_loss
        elif train_loss > self.t["divergence_factor"] * max(st.first_loss, 1e-12):
            raise Diverged(f"training loss exploded to {train_loss:.4g} at {where}, {self.t['divergence_factor']:g}x "
                           f"its first-epoch value {st.first_loss:.4g}: lower train.lr or set train.max_grad_norm")

    def validate(self, epoch: int, train_loss: float, lr: float, where: str) -> _Epoch:
        rec: dict[str, Any] = {"seed": self.seed, "fold": self.fold, "epoch": epoch + 1, "train_loss": train_loss,
                               "lr": lr}
        if not len(self.fa.y_val):
            return _Epoch(rec, train_loss, validated=False)
        out = self.evaluate(self.Xva)
        val_loss = float(self.loss_fn(out, self.yva))
        if not math.isfinite(val_loss):
            raise Diverged(f"validation loss became {val_loss} at {where}: lower train.lr or set train.max_grad_norm")
        rec["val_loss"] = val_loss
        for k, v in M.compute(self.metric_names, self.fa.y_val, self.predict(out)).items():
            rec[f"val_{k}"] = v
        return _Epoch(rec, val_loss, validated=True)

    def test_metrics(self, st: FoldState) -> dict[str, float]:
        self.model.load_state_dict(st.best_state)
        pred = self.predict(self.evaluate(self.tensor(self.fa.X_test)))
        return M.compute(self.metric_names, self.fa.y_test, pred)


class _Clock:
    """Wall and thread CPU time of a fold, counting the time before a resume."""

    def __init__(self, st: FoldState) -> None:
        self.started = time.perf_counter() - st.seconds
        self.cpu_started = time.thread_time() - st.cpu_seconds

    def seconds(self) -> float:
        return time.perf_counter() - self.started

    def cpu_seconds(self) -> float:
        return time.thread_time() - self.cpu_started


def _cancelled(cancel: Optional[CancelToken]) -> bool:
    """Asked once after each optimiser step and at each epoch's end (tests count the asks)."""
    return cancel is not None and cancel.cancelled


def _record_epoch(tr: _FoldTrainer, st: FoldState, epoch: int, ep: _Epoch, started: float) -> None:
    """Keep the best weights and count the epochs without improvement."""
    if not ep.validated or ep.val_loss < st.best_val:
        st.best_val, st.best_epoch, st.bad_epochs = ep.val_loss, epoch + 1, 0
        st.best_state = _clone_state(tr.model)
    else:
        st.bad_epochs += 1
    ep.record["best_epoch"] = st.best_epoch
    ep.record["seconds"] = time.perf_counter() - started
    st.history.append(ep.record)


def train_fold(model, fa: FoldArrays, spec_data: dict[str, Any], *, seed: int, fold: int, device: str,
               metric_names: list[str], on_epoch: Optional[Callable[[dict[str, Any]], None]] = None,
               cancel: Optional[CancelToken] = None,
               budget_exceeded: Callable[[], bool] = lambda: False,
               resume: Optional[dict[str, Any]] = None,
               on_checkpoint: Optional[Callable[[dict[str, Any]], None]] = None) -> FoldResult:
    """Train one fold to its end (epochs, early stopping or the time budget) and test its best weights.
    A cancel raises :class:`gapscope.jobs.Cancelled` whose ``state`` resumes the fold (``resume=``)."""
    tr = _FoldTrainer(model, fa, spec_data, seed=seed, fold=fold, device=device, metric_names=metric_names)
    t = tr.t
    st = tr.restore(resume)
    clock = _Clock(st)
    stopped_early = budget_stopped = False
    last_ckpt = time.perf_counter()  # periodic checkpoints are timed: short epochs should not pay for them
    tr.model.train()
    while st.epoch < t["epochs"]:
        epoch, ep_start = st.epoch, time.perf_counter()
        train_loss = tr.train_epoch(st, cancel, clock)
        where = f"seed {seed}, fold {fold}, epoch {epoch + 1}"
        tr.check_training_loss(st, train_loss, where)
        lr_now = tr.opt.param_groups[0]["lr"]
        tr.sched.step()
        ep = tr.validate(epoch, train_loss, lr_now, where)
        _record_epoch(tr, st, epoch, ep, ep_start)
        st.epoch, st.batch, st.gen_state, st.losses, st.sizes = epoch + 1, 0, tr.gen.get_state(), [], []
        more = st.epoch < t["epochs"]
        if on_checkpoint and more and time.perf_counter() - last_ckpt >= 60.0 * t["checkpoint_minutes"]:
            on_checkpoint(tr.snapshot(st, clock))  # at an epoch boundary: resuming from it repeats nothing
            last_ckpt = time.perf_counter()
        if on_epoch:
            on_epoch(ep.record)
        if t["early_stopping"] and len(fa.y_val) and st.bad_epochs >= t["early_stopping"]:
            stopped_early = True
            break
        if more and budget_exceeded():
            budget_stopped = True
            break
        if more and _cancelled(cancel):
            raise Cancelled(state=tr.snapshot(st, clock))
    return FoldResult(metrics=tr.test_metrics(st), best_epoch=st.best_epoch, epochs_run=st.epoch,
                      stopped_early=stopped_early, budget_stopped=budget_stopped, best_state=st.best_state,
                      history=st.history, seconds=clock.seconds(), cpu_seconds=clock.cpu_seconds())
