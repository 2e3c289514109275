"""Merging phrases by meaning: leader clustering over the phrases' embeddings, most frequent first, so that
"diffusion models", "diffusion model" and "denoising diffusion models" become one concept named by its most
frequent form, while a long chain of small steps never joins two unrelated phrases (single linkage would).

Meaning is not enough for names with a number: "YOLOv5", "YOLOv8" and "YOLOv9" are as close as vectors get
and are three models to a researcher ("SAM2" and "SAM3", "Qwen2" and "Qwen2.5", "2D" and "3D" too). Two
phrases join only when they carry the same version numbers (``numbers``); a phrase and the same phrase
with a leading number ("Gaussian splatting", "3D Gaussian splatting") may. Spellings of one name join
whatever their vectors say: "YOLOv8", "YOLO-v8" and "yolo v8" (``spelling``)."""

from __future__ import annotations

import re

import numpy as np

from .tokens import lower_words

MERGE_SIM = 0.87   # cosine of MiniLM phrase vectors; 0.85 still joined "encoder-decoder" into "encoder"
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]+)*[a-z]*")


def numbers(phrase: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(the version numbers of a phrase: those inside a word, with the letters they carry: "yolov8",
    "yolo-v8" (8), "gpt-4o" (4o), "llama-3-8b" (3, 8b); the numbers that lead a word: "3d", "4-bit" (3, 4)),
    each sorted."""
    versions, leading = [], []
    for w in lower_words(phrase):
        for k, part in enumerate(w.split("-")):
            for m in _NUMBER.finditer(part):
                if k == 0 and m.start() == 0:
                    leading.append(m.group(0).rstrip("abcdefghijklmnopqrstuvwxyz"))
                else:
                    versions.append(m.group(0))
    return tuple(sorted(versions)), tuple(sorted(leading))


def same_numbers(a: tuple, b: tuple) -> bool:
    """Whether two phrases' ``numbers`` let them be one concept: the same versions, and the same leading
    numbers or none on one side."""
    return a[0] == b[0] and (a[1] == b[1] or not a[1] or not b[1])


def spelling(phrase: str) -> str:
    """A phrase without case, spaces and hyphens: "YOLO-v8", "yolo v8" and "YOLOv8" are one spelling."""
    return re.sub(r"[\s\-]+", "", phrase.lower())


def merge_phrases(phrases: list[str], vecs: np.ndarray, counts: list[int], *, sim: float = MERGE_SIM,
                  block: int = 2048) -> np.ndarray:
    """Leader of each phrase (an index into ``phrases``): phrases in descending ``counts`` order join the
    leader of an earlier phrase of the same spelling, else the most similar leader within cosine ``sim``
    with the same numbers (``same_numbers``), else lead a group of their own. ``vecs`` L2-normalised."""
    n = len(phrases)
    order = sorted(range(n), key=lambda i: (-counts[i], phrases[i]))
    leader = np.full(n, -1, dtype=np.int64)
    leaders: list[int] = []
    lv = np.zeros((0, vecs.shape[1]), dtype=np.float32)
    pending: list[int] = []          # new leaders not yet stacked into lv (stacking each time is quadratic)
    nums = [numbers(p) for p in phrases]
    # a group's numbers: its leader's, and the first leading number a member brings ("gaussian splatting"
    # takes "3d gaussian splatting", and then not "2d gaussian splatting")
    group_nums: dict[int, tuple] = {}
    spelt: dict[str, int] = {}
    for i in order:
        v = vecs[i]
        best, best_s = spelt.get(spelling(phrases[i]), -1), sim
        if best >= 0:
            leader[i] = leader[best]
            continue
        spelt[spelling(phrases[i])] = i
        if len(lv):
            s = lv @ v
            for j in np.flatnonzero(s >= best_s)[np.argsort(-s[s >= best_s], kind="stable")]:
                if same_numbers(group_nums[leaders[j]], nums[i]):
                    best, best_s = leaders[j], float(s[j])
                    break
        for j in pending:
            s = float(vecs[j] @ v)
            if s >= best_s and same_numbers(group_nums[j], nums[i]):
                best, best_s = j, s
        if best < 0:
            leader[i] = i
            group_nums[i] = nums[i]
            pending.append(i)
            if len(pending) >= 64:
                leaders += pending
                lv = np.vstack([lv, vecs[pending]])
                pending = []
        else:
            leader[i] = best
            if nums[i][1] and not group_nums[best][1]:
                group_nums[best] = (group_nums[best][0], nums[i][1])
    return leader
