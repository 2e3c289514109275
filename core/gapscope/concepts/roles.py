"""How a text uses a phrase: as a technique ("using <X>", "via <X>", "we adopt <X>", "<X>-based", "<X>
methods", "<X> prompting") or as a problem it works on ("for <X>", "address <X>", "<X> task"). Pair rule 6
(concepts/pair_rules.techniques) counts, per problem concept, the papers doing each.

The words right before and after each occurrence of the phrase's words are read from the titles and
abstracts of the papers that mention it (word tokens as the FTS index splits them, lower case, a plural
"s" dropped on both sides), so "using the <X>" is not found: the share over many papers decides, not one
paper. A pure scan of texts already read, not FTS queries: the phrase queries cost a minute and a half per
context list on the 10,653-paper library, the scan a few seconds."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Callable, Iterable, Mapping, Optional, Sequence

from ..jobs import ProgressFn, counted

TECHNIQUE_BEFORE = ("using", "uses", "use", "via", "through", "with", "apply", "applying", "applies", "applied",
                    "employ", "employing", "employs", "adopt", "adopting", "adopts", "leverage", "leveraging",
                    "leverages", "utilize", "utilizing", "utilizes", "based on", "trained with", "fine-tuned with",
                    "combined with", "combining", "integrate", "integrating", "integrates", "incorporate",
                    "incorporating", "incorporates", "relies on", "rely on", "relying on")
TECHNIQUE_AFTER = ("based", "technique", "paradigm", "strategy", "strategies", "method", "approach", "approaches",
                   "framework", "algorithm", "prompting")     # "chain-of-thought prompting": prompting with it
# after a task ("motion generation methods", "survival prediction framework") these name methods FOR it
METHOD_HEADS = ("technique", "paradigm", "strategy", "strategies", "method", "approach", "approaches", "framework",
                "algorithm")
TASK_BEFORE = ("for", "address", "addresses", "addressing", "tackle", "tackles", "tackling", "solve", "solves",
               "solving", "mitigate", "mitigates", "mitigating", "reduce", "reduces", "reducing", "alleviate",
               "alleviates", "prevent", "prevents", "avoid", "avoids", "challenge of", "problem of", "task of",
               "suffer from", "suffers from", "prone to", "improve", "improves", "improving", "enhance", "enhances",
               "enhancing")
TASK_AFTER = ("task", "problem", "challenge", "issue")

# what a text takes in rather than works on: "<X> images / frames / cameras / data", "from <X>"; a phrase
# written so ("RGB images", "from RGB", "RGB cameras") names an input modality, no problem (pair_rules.inputs)
INPUT_BEFORE = ("from", "given", "raw", "input", "captured", "acquired")
INPUT_AFTER = ("image", "frame", "video", "camera", "input", "data", "sensor", "scan", "map", "signal", "modality",
               "stream", "observation", "channel", "measurement", "recording", "reading")

# what a method works on or in, or produces, rather than applies: a space ("in the latent space"), a quantity
# estimated or generated ("estimate camera poses", "SQL generation"); with the input contexts above, a method
# concept written so far more often than as a technique is no method (pair_rules.not_methods)
PLACE_BEFORE = ("in", "in the", "into", "into the", "within", "within the", "onto the")
TARGET_BEFORE = ("estimate", "estimating", "estimation of", "predict", "predicting", "recover", "recovering",
                 "generate", "generating", "generates", "reconstruct", "reconstructing", "known", "given", "without")
TARGET_AFTER = ("estimation", "prediction", "reconstruction", "generation", "recovery", "synthesis")

# what a model is built of or is, rather than a problem it works on: "<X> layers / architecture / models /
# backbone", "each / individual / across <X>", "prune <X>"; with the technique contexts, a problem concept
# written so far more often than as a problem is no problem (pair_rules.not_problems: "Mixture-of-Experts MoE")
PART_BEFORE = ("each", "every", "individual", "across", "prune", "pruning", "insert", "inserting", "replace",
               "replacing", "stack", "stacking", "number of")
PART_AFTER = ("layer", "architecture", "model", "module", "block", "backbone", "network", "weight", "parameter",
              "component", "variant")

_WORD = re.compile(r"\w+", flags=re.UNICODE)


def _norm(word: str) -> str:
    w = word.lower()
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


def words(text: str) -> list[str]:
    """Word tokens as the FTS index splits them ("in-context" is "in", "context"), lower case, singular."""
    return [_norm(w) for w in _WORD.findall(text or "")]


class Contexts:
    """The words around each phrase occurrence in a set of texts ({paper id: title and abstract})."""

    def __init__(self, texts: Mapping[int, str], before: Iterable[str], after: Iterable[str], cancel=None):
        self._texts = texts
        self._cancel = cancel     # a jobs.CancelToken: each concept's reading is a point to stop at
        self._tokens: dict[int, list[str]] = {}
        self._where: dict[int, dict[str, list[int]]] = {}
        self._before: dict[int, set[tuple]] = defaultdict(set)
        for b in before:
            seq = tuple(words(b))
            if seq:
                self._before[len(seq)].add(seq)
        self._after = {w for a in after for w in words(a)[:1]}
        self._unless: Optional[Callable[[str], bool]] = None

    def reading(self, before: Iterable[str], after: Iterable[str],
                unless_after: Optional[Callable[[str], bool]] = None) -> "Contexts":
        """Other contexts over the same texts, sharing this one's token index (each text split once).
        ``unless_after``: an occurrence right before a word it holds true of is in no "before" context ("for
        hyperspectral image classification" names no work on the image)."""
        other = Contexts(self._texts, before, after, self._cancel)
        other._tokens, other._where = self._tokens, self._where
        other._unless = unless_after
        return other

    def _index(self, pid: int) -> tuple[list[str], dict[str, list[int]]]:
        if pid not in self._tokens:
            toks = words(self._texts.get(pid, ""))
            where: dict[str, list[int]] = defaultdict(list)
            for i, t in enumerate(toks):
                where[t].append(i)
            self._tokens[pid], self._where[pid] = toks, where
        return self._tokens[pid], self._where[pid]

    def in_context(self, pid: int, forms: Sequence[str]) -> bool:
        """Whether paper ``pid`` has one of ``forms`` right after a "before" context or right before an
        "after" one."""
        toks, where = self._index(pid)
        for f in forms:
            seq = words(f)
            if not seq:
                continue
            k = len(seq)
            for i in where.get(seq[0], ()):
                if toks[i:i + k] != seq:
                    continue
                if i + k < len(toks) and toks[i + k] in self._after:
                    return True
                if self._unless is not None and i + k < len(toks) and self._unless(toks[i + k]):
                    continue
                if any(i >= n and tuple(toks[i - n:i]) in seqs for n, seqs in self._before.items()):
                    return True
        return False

    def papers(self, forms: Sequence[str], among: Iterable[int]) -> set[int]:
        """The papers of ``among`` (ids of ``texts``) with one of ``forms`` in context."""
        if self._cancel is not None:
            self._cancel.raise_if_cancelled()
        return {int(p) for p in among if int(p) in self._texts and self.in_context(int(p), forms)}


def task_head(phrase: str) -> bool:
    """A phrase headed by the name of a task ("motion generation", "survival prediction", "deepfake
    detection"): "<X> methods" are methods for it, no sign that it is one (CONCEPT_TASK_HEADS). Not a way to
    do the task ("retrieval-augmented generation", "diffusion-based generation": HOW_SUFFIXES): "RAG
    framework", "RAG methods" use it as a technique, as "LoRA methods" do."""
    from ..vocabulary import CONCEPT_TASK_HEADS

    toks, parts = words(phrase), phrase.lower().split()
    return (len(toks) >= 2 and toks[-1] in CONCEPT_TASK_HEADS
            and not (len(parts) >= 2 and parts[-2].endswith(HOW_SUFFIXES)))


def _indexed(texts: Mapping[int, str] | Contexts) -> Contexts:
    return texts if isinstance(texts, Contexts) else Contexts(texts, (), ())


def technique_and_task_papers(texts: Mapping[int, str] | Contexts, forms_of: Mapping[int, Sequence[str]],
                              among_of: Mapping[int, Iterable[int]], *,
                              progress: Optional[ProgressFn] = None) -> tuple[dict[int, set], dict[int, set]]:
    """({key: papers using one of its forms as a technique}, {key: papers naming it as a problem}), reading
    the papers ``among_of[key]`` only (those mentioning it). ``forms_of[key][0]`` is the concept's phrase:
    for a task (``task_head``) "<X> methods" is no technique context. ``texts``: or a Contexts whose token
    index to share."""
    tech = _indexed(texts).reading(TECHNIQUE_BEFORE, TECHNIQUE_AFTER)
    task = tech.reading(TASK_BEFORE, TASK_AFTER)
    tech_of_task = tech.reading(TECHNIQUE_BEFORE, [a for a in TECHNIQUE_AFTER if a not in METHOD_HEADS])
    as_tech, as_task = {}, {}
    for key, forms in counted(forms_of.items(), progress, "reading each as a technique or a problem", unit="concepts"):
        among = list(among_of.get(key, ()))
        uses = tech_of_task if forms and task_head(forms[0]) else tech
        as_tech[key], as_task[key] = uses.papers(forms, among), task.papers(forms, among)
    return as_tech, as_task


def input_papers(texts: Mapping[int, str] | Contexts, forms_of: Mapping[int, Sequence[str]],
                 among_of: Mapping[int, Iterable[int]], *,
                 progress: Optional[ProgressFn] = None) -> dict[int, set]:
    """{key: the papers of ``among_of[key]`` writing one of its forms as an input they take in ("RGB images",
    "from RGB", "RGB cameras")}. ``texts``: or a Contexts whose token index to share."""
    inputs = _indexed(texts).reading(INPUT_BEFORE, INPUT_AFTER)
    return {key: inputs.papers(forms, list(among_of.get(key, ())))
            for key, forms in counted(forms_of.items(), progress, "reading each as an input", unit="concepts")}


def thing_papers(texts: Mapping[int, str] | Contexts, forms_of: Mapping[int, Sequence[str]],
                 among_of: Mapping[int, Iterable[int]], *,
                 progress: Optional[ProgressFn] = None) -> tuple[dict[int, set], dict[int, set]]:
    """({key: the papers of ``among_of[key]`` using one of its forms as a technique}, {key: those writing it as
    a thing a method takes in, works in or produces: "from point clouds", "point cloud data", "in the latent
    space", "estimate camera poses", "SQL generation"}). ``texts``: or a Contexts whose token index to share."""
    tech = _indexed(texts).reading(TECHNIQUE_BEFORE, TECHNIQUE_AFTER)
    thing = tech.reading(INPUT_BEFORE + PLACE_BEFORE + TARGET_BEFORE, INPUT_AFTER + TARGET_AFTER)
    as_tech, as_thing = {}, {}
    for key, forms in counted(forms_of.items(), progress, "reading each as a thing used or made", unit="concepts"):
        among = list(among_of.get(key, ()))
        as_tech[key], as_thing[key] = tech.papers(forms, among), thing.papers(forms, among)
    return as_tech, as_thing


# a way to train a model or a model family, though its name ends as a process's does: "<X> models" are no
# task's models ("self-supervised learning", "video diffusion")
TRAINING_HEADS = ("learning", "training", "tuning", "diffusion")


def process_head(phrase: str) -> bool:
    """A task (``task_head``) or a process named by its last word ("inpainting", "watermarking", "video
    compression", "re-identification"): "<X> models / networks / modules" are models for it, no sign that it is
    one; a way to train ("self-supervised learning", "post-training") or a model family ("video diffusion") is
    no such process."""
    toks = words(phrase)
    return task_head(phrase) or (bool(toks) and toks[-1].endswith(("ing", "tion", "sion"))
                                 and toks[-1] not in TRAINING_HEADS)


# the heads of a task's whole name ("gesture recognition", "optical flow estimation", "formal verification",
# "simultaneous localization and mapping", "natural language inference"): the task heads of vocabulary.py and
# the judgements and matchings a method makes. Using a gesture recogniser is still work on gesture recognition,
# so the part reading does not judge a concept so named (pair_rules.not_problems)
TASK_NAME_HEADS = ("verification", "identification", "registration", "matching", "mapping", "inference", "parsing")
# a hyphenated modifier right before that head saying how the task is done names a method for it, no task:
# "retrieval-augmented generation" (RAG), "diffusion-based generation"
HOW_SUFFIXES = ("-augmented", "-based", "-guided", "-driven", "-conditioned", "-assisted", "-enhanced", "-aware",
                "-informed")
# what a task does to its object: "estimate <X>", "<X> estimation / recognition / detection"
OBJECT_BEFORE = ("estimate", "estimating", "estimation of", "predict", "predicting", "detect", "detecting",
                 "recognize", "recognizing", "segment", "segmenting", "track", "tracking", "recover", "recovering",
                 "reconstruct", "reconstructing", "verify", "verifying", "localize", "localizing")


def task_name(phrase: str) -> bool:
    """A phrase naming a task whole: headed by a task noun (CONCEPT_TASK_HEADS, TASK_NAME_HEADS: "gesture
    recognition", "formal verification", "simultaneous localization and mapping"), not by a way to do one
    ("retrieval-augmented generation")."""
    from ..vocabulary import CONCEPT_TASK_HEADS

    toks, parts = words(phrase), phrase.lower().split()
    if len(toks) < 2 or (toks[-1] not in CONCEPT_TASK_HEADS and toks[-1] not in TASK_NAME_HEADS):
        return False
    return not (len(parts) >= 2 and parts[-2].endswith(HOW_SUFFIXES))


def object_papers(texts: Mapping[int, str] | Contexts, forms_of: Mapping[int, Sequence[str]],
                  among_of: Mapping[int, Iterable[int]], *,
                  progress: Optional[ProgressFn] = None) -> dict[int, set]:
    """{key: the papers of ``among_of[key]`` writing one of its forms as what a task works on: "optical flow
    estimation", "estimate optical flow", "optical flow prediction"}. ``texts``: or a Contexts whose token index
    to share."""
    from ..vocabulary import CONCEPT_TASK_HEADS

    obj = _indexed(texts).reading(OBJECT_BEFORE, sorted(CONCEPT_TASK_HEADS) + list(TASK_NAME_HEADS))
    return {key: obj.papers(forms, list(among_of.get(key, ())))
            for key, forms in counted(forms_of.items(), progress, "reading each as a task's object", unit="concepts")}


def own_task_papers(texts: Mapping[int, str] | Contexts, forms_of: Mapping[int, Sequence[str]],
                    among_of: Mapping[int, Iterable[int]], *,
                    progress: Optional[ProgressFn] = None) -> dict[int, set]:
    """{key: the papers of ``among_of[key]`` naming one of its forms as a problem itself ("address <X>", "<X>
    task"), not as what another noun right after it names ("for hyperspectral image classification", "for
    whole-slide image analysis", "for WSI super resolution": the task is on it)}. ``texts``: or a Contexts whose
    token index to share."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    little = frozenset(_norm(w) for w in ENGLISH_STOP_WORDS)
    own = _indexed(texts).reading(TASK_BEFORE, TASK_AFTER, lambda w: w not in little)
    return {key: own.papers(forms, list(among_of.get(key, ())))
            for key, forms in counted(forms_of.items(), progress, "reading each as a problem itself", unit="concepts")}


def part_papers(texts: Mapping[int, str] | Contexts, forms_of: Mapping[int, Sequence[str]],
                among_of: Mapping[int, Iterable[int]], *,
                progress: Optional[ProgressFn] = None) -> dict[int, set]:
    """{key: the papers of ``among_of[key]`` writing one of its forms as a technique or as a model or a part of
    one: "MoE layers", "MoE architecture", "using MoE", "across attention heads"}. ``forms_of[key][0]`` is the
    concept's phrase: for a task or a process (``process_head``: "pose estimation", "inpainting") "<X> models /
    networks / methods" are models for it, no sign. ``texts``: or a Contexts whose token index to share."""
    part = _indexed(texts).reading(TECHNIQUE_BEFORE + PART_BEFORE, TECHNIQUE_AFTER + PART_AFTER)
    part_of_task = part.reading(TECHNIQUE_BEFORE + PART_BEFORE,
                                [a for a in TECHNIQUE_AFTER if a not in METHOD_HEADS])
    return {key: (part_of_task if forms and process_head(forms[0]) else part).papers(forms, list(among_of.get(key, ())))
            for key, forms in counted(forms_of.items(), progress, "reading each as a model part", unit="concepts")}
