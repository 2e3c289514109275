"""Evaluation measures as problem ends: "Apply knowledge distillation to FLOPs", "Apply 3D gaussians to chamfer
distance", "Apply RL to token consumption" score a method, they are no problem one applies it to.

quality.metric catches a measure by its head word ("answer accuracy", "dice score"); the library's own sentences
catch the rest (``measure_papers``): a paper writes a measure with a number next to it in its results ("FLOPs by
40%", "nDCG@10 of 0.52", "reduces token consumption by 30%", "3.1 dB higher PSNR") or names it as one ("in terms of
chamfer distance", "measured by BLEU", "the FID metric"). A problem is seldom written so ("object detection",
"hallucination": 0-5% of the papers naming the phrase on the 10,653-paper library); a measure is, in 16-62% ("FLOPs"
41%, "token consumption" 57%, "chamfer distance" 29%, "inference latency" 19%, "memory usage" 18%). A property one
works to improve and seldom scores with a number stays a problem: "energy efficiency" (10%), "latency" (13%).
``METRIC_ACRONYMS``: the well-known measures named alone, refused whatever the library says (a small library has
too few mentions to read)."""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

import numpy as np

MEASURE_SHARE = 0.15        # papers writing a problem concept as a measure / papers mentioning it (read on the
                            # 10,653-paper library: measures 0.16-0.62, problems 0.00-0.09, energy efficiency 0.10)
MEASURE_MIN_MENTIONS = 5    # fewer mentions say nothing

# measures every field scores by, written as their acronym (the case matters: "mAP" is a measure, "map" no):
# named alone (or "nDCG@10", "PSNR/SSIM") no problem end
METRIC_ACRONYMS = frozenset("""
FLOPs FLOPS GFLOPs GFLOPS TFLOPs MACs nDCG NDCG MRR BLEU ROUGE METEOR CIDEr SPICE BERTScore chrF mAP AP50 PSNR SSIM
LPIPS FID FVD KID WER CER EER MAE MSE RMSE MAPE AUC AUROC AUPRC mIoU IoU SNR SINR
""".split())

_NUMBER = r"[-+]?\d"
_UNIT = r"(?:\d+(?:\.\d+)?\s*(?:%|x|×|dB|times|points?|pp)?)"
# between a measure and its number: "nDCG@10 of 0.52", "FID (lower is better) to 12.3", "FLOPs by 40%"
_AFTER = (r"(?:@\d+)?\s*(?:\([^)]{0,20}\)\s*)?(?:of|to|at|by|=|:|is|from|reaches|below|under|within)?\s*"
          r"(?:up to\s+|only\s+|just\s+|about\s+|over\s+|~)?" + _NUMBER)
# a number before: "40% fewer FLOPs", "3.1 dB higher PSNR", "a 2x reduction in token consumption"
_BEFORE = _UNIT + (r"\s+(?:lower|higher|fewer|less|more|better|reduction in|improvement in|gains? in|increase in|"
                   r"decrease in|drop in)?\s*")
# named as a measure anywhere in the abstract
_NAMED_BEFORE = r"(?:in terms of|measured (?:by|in|with)|evaluated (?:by|with|using)|metrics? (?:such as|like|including))"
_NAMED_AFTER = r"\s+(?:metric|measure|score)s?\b"


def _form_pattern(form: str) -> str:
    return re.escape(form).replace(r"\ ", r"[\s-]+") + r"s?(?![\w])"


def _case(forms: Sequence[str]) -> int:
    # an acronym with a capital after its first letter ("nDCG", "FLOPs", "BLEU") is read as written
    return 0 if any(any(ch.isupper() for ch in f[1:]) for f in forms) else re.IGNORECASE


def _readers(forms: Sequence[str]) -> tuple[re.Pattern, re.Pattern]:
    """(in a result sentence: a number next to one of ``forms``; in the abstract: one named as a measure)."""
    alt = "(?:" + "|".join(_form_pattern(f) for f in forms if f.strip()) + ")"
    flags = _case(forms)
    start = r"(?<![\w-])"
    numbered = re.compile(rf"{start}{alt}{_AFTER}|{_BEFORE}{alt}", flags)
    named = re.compile(rf"{_NAMED_BEFORE}\s+(?:the\s+)?(?:[\w@-]+\s*(?:,|and|or)\s+)*{alt}|{start}{alt}{_NAMED_AFTER}",
                       flags)
    return numbered, named


def measure_papers(texts: Mapping[int, str], results: Mapping[int, str], forms_of: Mapping[int, Sequence[str]],
                   among_of: Mapping[int, Iterable[int]], cancel=None, progress=None) -> dict[int, set]:
    """{key: the papers of ``among_of[key]`` writing one of its forms as a measure: with a number next to it in
    their result sentences (``results``: {paper id: those sentences}) or named as one in their title and abstract
    (``texts``)}. ``cancel`` (a jobs.CancelToken) is read before each key, ``progress`` told every batch of keys."""
    from ..jobs import counted

    out = {}
    for key, forms in counted(forms_of.items(), progress, "reading each as a measure", cancel=cancel, unit="concepts"):
        forms = [f for f in forms if f and f.strip()]
        if not forms:
            out[key] = set()
            continue
        numbered, named = _readers(forms)
        out[key] = {int(p) for p in among_of.get(key, ())
                    if numbered.search(results.get(int(p), "")) or named.search(texts.get(int(p), ""))}
    return out


def metric_acronym(phrase: str) -> bool:
    """A phrase naming only well-known measures by their acronym ("FLOPs", "nDCG@10", "PSNR/SSIM"), or one such
    measure spelt out before its acronym, as the extractor keeps "signal-to-noise ratio (SNR)" without its
    brackets ("signal-to-noise ratio SNR": acronyms.spells_out)."""
    from .acronyms import spells_out

    parts = [re.sub(r"@\d+$", "", p) for p in re.split(r"[\s/,]+", phrase.strip()) if p and p.lower() != "and"]
    if len(parts) >= 2 and parts[-1] in METRIC_ACRONYMS and spells_out(" ".join(parts[:-1]), parts[-1]):
        return True
    return bool(parts) and all(p in METRIC_ACRONYMS for p in parts)


def measures(concepts: Sequence, mentions: Mapping[int, frozenset], as_measure: Mapping[int, frozenset] | None
             ) -> np.ndarray:
    """Per problem concept (with ``id``): an evaluation measure, no problem. A well-known measure's acronym
    (``metric_acronym``), read or not; otherwise a concept ``as_measure`` read (``measure_papers``) that
    MEASURE_SHARE of the papers mentioning it write as a measure."""
    as_measure = as_measure or {}
    out = np.zeros(len(concepts), dtype=bool)
    for i, c in enumerate(concepts):
        if metric_acronym(c.phrase):
            out[i] = True
            continue
        if c.id not in as_measure:
            continue
        n = len(mentions.get(c.id, frozenset()) | as_measure[c.id])
        out[i] = n >= MEASURE_MIN_MENTIONS and len(as_measure[c.id]) >= MEASURE_SHARE * n
    return out
