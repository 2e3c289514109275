"""Pairs of concepts that are no gap, read from the library's text and topics (the concept rules are in
quality.py). Both `gaps find` and the backtest apply them, from the papers before the date only.

1. Joined in text (``joined_in_text``): KeyBERT names only a paper's top phrases, so established practice
   ("KV cache" x "inference latency") can have no paper that names both as concepts while abstracts talk
   about both all the time. A pair that ``TEXT_JOINED_MIN`` or more titles and abstracts mention together
   (any form of each: the phrase or a merged variant, stemmed, its words near each other; found through
   the library's FTS index, ``Library.papers_mentioning``) is combined already.
2. One inside the other's area (``contained``): a small concept whose papers lie almost all in the topics
   where a much broader one is over-represented is part of that area's work ("annotation pipeline" x
   "MLLMs", "multi-agent pipeline" x "LLM agents"), not a new combination of two things.
3. A data set at either end (``data_sets``): "Apply LoRA to ImageNet" is an experiment, not a problem.
   A concept is a data set when it is a name (a capital or a digit in it: "ImageNet-1K", "COCO",
   "nuScenes") and at least ``DATA_SHARE`` of the papers mentioning it name it as data: "on <X>",
   "<X> dataset / benchmark / test set / split", "datasets such as <X>", "<X> and <Y> datasets"
   (``Library.papers_naming_as_data``). The plural of an acronym ("MCQs") is a kind of item, no one set.
   A task written as a name ("Text-to-SQL", "NER", "RGB-D") is also "evaluated on" and has its
   "benchmarks", but in a smaller share of its mentions. A phrase whose head is "dataset", "benchmark"
   or "corpus" ("QA benchmarks", "medical imaging datasets") is one by its shape. It stays a concept
   (evidence, neighbours).
4. A building block as the method (``components``): a part that methods across areas contain ("latent
   space", "feature fusion", "bounding boxes", "loss function") is used everywhere but proposed almost
   nowhere: its papers spread over the areas (``COMPONENT_SPREAD`` of chance or more, the spread of
   quality.topic_spread) and few of them (at most ``COMPONENT_AIM_SHARE``) name it in their title or
   objective sentences, where a paper says what it proposes. A method a paper builds on ("LoRA",
   "contrastive learning", "data augmentation") is named there in a quarter to half of its papers.
5. Implausible (``closeness_ranks``, a floor, the last rule): a gap is two concepts in one neighbourhood of the
   field that nobody has joined; a pair nobody joins because they have nothing to do with each other
   ("MRI" x "remote sensing", "diffusion transformer" x "visual question answering") is no gap. Each
   pair's closeness is where it stands among the concepts each end could be paired with: the share of
   problem concepts whose papers (mean abstract vector) lie further from the method's papers than this
   problem's, and the share of method concepts further from the problem's; the pair's plausibility is
   the smaller of the two (a rank, so a broad concept close to everything gains nothing). A pair below
   ``PLAUSIBLE_MIN`` is not listed by `gaps find`; the backtest ranks the pairs above it first, over the
   same candidates as the baselines (gaps/concept_backtest.py). The threshold keeps 97% of the pairs the
   field has joined (the top-300 candidates of the 10,653-paper library that 3+ abstracts of the
   74,566-abstract arXiv file mention together: 5th percentile 0.765; benchmarks/results/gaps/README.txt).
6. A technique as the problem (``techniques``): the extractor gives a concept the side of the sentences it
   was picked from, so a technique named in objective or result sentences ("prompt engineering",
   "in-context learning", "continual learning") became a problem, and "Apply GRPO to prompt engineering"
   applies a method to a method. A problem concept is a technique when at least ``TECHNIQUE_SHARE`` of the
   papers mentioning it use it as one ("using <X>", "via <X>", "we adopt <X>", "<X>-based", "<X> methods":
   concepts/roles.TECHNIQUE_*) and they are more than ``TECHNIQUE_OVER`` times those naming it as a problem
   ("for <X>", "address <X>", "<X> task": TASK_*). A task is also written "<X> methods" ("anomaly detection
   methods") but as often "for <X>" or "<X> task". Both thresholds were read at the validation date
   2025-09-01 (benchmarks/results/gaps/README.txt).
(The measure as the problem, "answer accuracy", is a concept-level check: quality.metric; one the library's
sentences write as a measure, "FLOPs", "chamfer distance", "token consumption": concepts/measures.py.)"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Optional, Sequence

import numpy as np

from ..settings import SETTINGS
from .acronyms import is_plural_capitals

TEXT_JOINED_MIN = 2      # abstracts mentioning both that make a pair "already combined" (one may be chance)
AREA_LIFT = 2.0          # a topic is in a concept's area when the concept is this many times denser there
CONTAIN_SHARE = 0.8      # ... and a concept lies inside another's area when this share of its papers is there
BROADER = 4.0            # only inside a concept with this many times its papers (an area, not a peer)
DATA_SHARE = 0.35        # papers naming a concept as data / papers mentioning it, for a data set (set by reading
                         # the names at the validation date 2025-09-01: data sets 0.39-0.67, the rest <= 0.29)
DATA_MIN_MENTIONS = 5    # fewer mentions say nothing
DATA_HEADS = frozenset({"dataset", "benchmark", "corpus", "corpora", "testset", "leaderboard"})
DATA_MODIFIER_PREFIXES = frozenset({"cross", "multi", "inter", "intra", "in", "out", "single", "per", "within"})
COMPONENT_SPREAD = 0.6   # set by reading the method concepts at the validation date 2025-09-01 (15+ papers):
COMPONENT_AIM_SHARE = 0.3   # building blocks named in 4-26% of their papers' aims, methods in 32-75%
COMPONENT_MIN_PAPERS = 15
PLAUSIBLE_MIN = SETTINGS["gaps_plausible_min"].default   # 0.75, the floor of rule 5 (0 turns it off)
TRAIN_PLAUSIBLE_MIN = 0.0   # the ranker learns from every candidate of the earlier slice, the floor only orders
SHARED_NEIGHBOURS = 3    # concepts named as the pair's shared neighbourhood (the evidence of rule 5)
TECHNIQUE_SHARE = 0.15   # papers using a problem concept as a technique / papers mentioning it, and
TECHNIQUE_OVER = 2.0     # ... more than this many times those naming it as a problem (read at 2025-09-01 over 59
                         # problem concepts with 8+ mentions read by hand: 40 of 46 techniques, 2 of 13 problems)
TECHNIQUE_MIN_MENTIONS = 5


class ConceptMentions(dict):
    """{concept id: papers mentioning it}, ``as_data``: {concept id: papers naming it as data},
    ``in_aim``: {concept id: papers naming it in the title or an objective sentence}, ``as_technique`` /
    ``as_task``: {concept id: papers using it as a technique / naming it as a problem} (None: not
    read); ``as_input``: {concept id: papers writing it as an input they take in} (None: not read);
    ``as_used`` / ``as_thing``: {method concept id: papers using it as a technique / writing it as a thing a
    method takes in, works in or produces} (None: not read; pair_rules.not_methods); ``as_part``: {problem
    concept id: papers writing it as a technique or a model part} (None: not read; pair_rules.not_problems);
    ``task_named``: the problem concepts read whose phrase or acronym expansion names a task ("gesture
    recognition", "SLAM": simultaneous localization and mapping); ``as_object``: {problem concept id: papers
    writing it as what a task works on ("optical flow estimation")}, for those a merged variant names a task on;
    ``as_measure``: {problem concept id: papers writing it as an evaluation measure} (None: not read;
    concepts/measures.py)."""

    def __init__(self, mentions=(), as_data: Optional[Mapping[int, frozenset]] = None,
                 in_aim: Optional[Mapping[int, frozenset]] = None,
                 as_technique: Optional[Mapping[int, frozenset]] = None,
                 as_task: Optional[Mapping[int, frozenset]] = None,
                 as_input: Optional[Mapping[int, frozenset]] = None,
                 as_used: Optional[Mapping[int, frozenset]] = None,
                 as_thing: Optional[Mapping[int, frozenset]] = None,
                 as_part: Optional[Mapping[int, frozenset]] = None, task_named: Iterable[int] = (),
                 as_object: Optional[Mapping[int, frozenset]] = None,
                 as_measure: Optional[Mapping[int, frozenset]] = None):
        super().__init__(mentions)
        self.as_data = dict(as_data or {})
        self.in_aim = None if in_aim is None else dict(in_aim)
        self.as_technique = None if as_technique is None else dict(as_technique)
        self.as_task = None if as_task is None else dict(as_task)
        self.as_input = None if as_input is None else dict(as_input)
        self.as_used = None if as_used is None else dict(as_used)
        self.as_thing = None if as_thing is None else dict(as_thing)
        self.as_part = None if as_part is None else dict(as_part)
        self.task_named = frozenset(task_named)
        self.as_object = dict(as_object or {})
        self.as_measure = None if as_measure is None else dict(as_measure)
        self.data_named: frozenset = frozenset()      # problem concepts named as data (data_named)
        self.as_own_task: Optional[dict] = None        # ... and the papers naming them as a problem (data_problems)


def concept_mentions(lib, concepts: Sequence, n_forms: int = 10, listing: bool = True,
                     cancel=None, progress=None) -> ConceptMentions:
    """{concept id: ids of the papers whose title or abstract mentions the concept (its phrase or one of
    its merged variants), and the papers the extractor named it in}; ``as_data``: the papers naming it
    as a data set, for the concepts that are names (the only ones ``data_sets`` can flag); ``as_technique``
    / ``as_task``: the papers using it as a technique / naming it as a problem, for the concepts with
    TECHNIQUE_MIN_MENTIONS papers; ``as_used`` / ``as_thing``: the papers using a method concept as a technique /
    writing it as data, a space or an output, for the method concepts with THING_MIN_MENTIONS mentions;
    ``as_part``: the papers writing a problem concept as a technique or a model part, for those read, with
    ``task_named`` and ``as_object`` (the problem concepts named as a task; the papers writing one as a task's
    object); ``as_measure``: the papers writing a problem concept as an evaluation measure (concepts/measures.py).
    ``listing`` False (the backtest) leaves as_input, as_used, as_thing, as_part and as_measure unread (None).
    ``cancel`` (a jobs.CancelToken) is read before each concept's query and reading, and ``progress`` told
    every batch of concepts of each reading, as one bar over all of them: on a large library this takes
    minutes, and Ctrl-C / Cancel must not wait for it, nor the user wonder whether it still runs."""
    from ..jobs import check, report, stages
    from .quality import text_mentions
    from .measures import measure_papers
    from .acronyms import read_acronyms
    from .roles import Contexts, input_papers, own_task_papers, part_papers, technique_and_task_papers, thing_papers

    stage = stages(progress, 11 if listing else 5)

    def part(i: int):
        """The progress of the i-th reading, its messages under the step's name."""
        sub = stage(i)
        return None if sub is None else lambda d, t, m="": sub(d, t, f"concept mentions in the abstracts: {m}")

    forms = {c.id: [c.phrase, *c.synonyms[:n_forms]] for c in concepts}
    hits = lib.papers_mentioning(forms, cancel=cancel, progress=part(0))
    as_data = lib.papers_naming_as_data({k: v for k, v in forms.items() if is_name(v[0])}, cancel=cancel,
                                        progress=part(1))
    check(cancel)
    report(part(2), 0, 1, "reading the aims and results")
    rows = lib.paper_title_abstracts()
    aims = {pid: title for pid, title, _ in rows}
    results: dict[int, str] = {}          # where a measure is written with its number (concepts/measures.py)
    for r in lib.effective_sentences():
        if r["role"] == "objective":
            aims[r["paper_id"]] = aims.get(r["paper_id"], "") + " " + r["text"]
        elif r["role"] == "result":
            results[r["paper_id"]] = results.get(r["paper_id"], "") + " " + r["text"]
    check(cancel)
    in_aim = text_mentions([c for c in concepts if c.kind == "method"], aims, n_forms)
    check(cancel)
    mentioned = {c.id: hits.get(c.id, set()) | set(c.papers) for c in concepts}
    # both kinds: rule 6 reads the problem concepts', the concreteness check (concreteness.py) every end's
    read = {c.id: forms[c.id] for c in concepts if c.n_papers >= TECHNIQUE_MIN_MENTIONS}
    sentences = {pid: f"{t or ''}. {a or ''}" for pid, t, a in rows}      # where an acronym's definition is read
    problems = [c for c in concepts if c.kind == "problem" and c.id in read]
    # read once: the task and data readings below take a subset of these concepts, in the same sentences
    acronyms = read_acronyms(problems, sentences, progress=part(3), cancel=cancel)
    read.update(reading_forms(problems, read, sentences, acronyms=acronyms))
    texts = {pid: f"{t or ''} {a or ''}" for pid, t, a in rows}
    index = Contexts(texts, (), (), cancel)              # each abstract split into words once, for both readings
    as_technique, as_task = technique_and_task_papers(index, read, mentioned, progress=part(4))
    out = ConceptMentions(_frozen(mentioned), _frozen(as_data), _frozen(in_aim), _frozen(as_technique), _frozen(as_task))
    if not listing:              # the backtest scores link prediction: the listing's end checks are not read
        return out
    problems_read = {c.id: forms[c.id] for c in concepts if c.kind == "problem" and c.id in read}
    # both kinds: a sensor is no method either ("LiDAR", candidates.not_method_ids)
    out.as_input = _frozen(input_papers(index, read, mentioned, progress=part(5)))
    out.as_measure = _frozen(measure_papers(texts, results, problems_read, mentioned, cancel, progress=part(6)))
    # every method concept mentioned often enough, small ones too: a gap names them as related methods
    as_used, as_thing = thing_papers(index, {c.id: forms[c.id] for c in concepts if c.kind == "method"
                                             and len(mentioned[c.id]) >= THING_MIN_MENTIONS}, mentioned,
                                     progress=part(7))
    out.as_used, out.as_thing = _frozen(as_used), _frozen(as_thing)
    # the problem concepts as_task reads: a gap names them as related problems too
    parts_read = {k: v for k, v in problems_read.items() if len(mentioned[k]) >= THING_MIN_MENTIONS}
    out.as_part = _frozen(part_papers(index, parts_read, mentioned, progress=part(8)))
    read_problems = [c for c in concepts if c.id in parts_read]
    out.task_named, out.as_object = task_readings(read_problems, forms, index, mentioned, sentences, acronyms,
                                                  progress=part(9))
    out.data_named = data_named(read_problems, acronyms)
    out.as_own_task = _frozen(own_task_papers(index, {k: forms[k] for k in out.data_named}, mentioned,
                                              progress=part(10)))
    report(progress, 1, 1, "concept mentions in the abstracts: read")
    return out


def reading_forms(problems: Sequence, forms: Mapping[int, Sequence[str]],
                  texts: Mapping[int, str], *, progress=None, cancel=None,
                  acronyms: Optional[Mapping] = None) -> dict[int, list[str]]:
    """{id: the forms rule 6 reads each of ``problems`` by}: its own, and for an acronym its papers define
    ("CoT": chain-of-thought; acronyms.read_acronyms over ``texts``) that expansion too. Papers put the context
    before the expansion ("via chain-of-thought (CoT)"), where the word before the acronym is "thought": read by
    the acronym alone, a technique used so by most of its papers passed as a problem. ``acronyms``: their
    readings when the caller has read them already (``progress`` and ``cancel`` then unread)."""
    from .acronyms import DEFINED, read_acronyms

    if acronyms is None:
        acronyms = read_acronyms(problems, texts, progress=progress, cancel=cancel)
    out = {}
    for c in problems:
        r = acronyms.get(c.id)
        extra = [r.dominant] if r is not None and r.verdict == DEFINED and r.dominant else []
        out[c.id] = [*forms[c.id], *extra]
    return out


def task_readings(problems: Sequence, forms: Mapping[int, Sequence[str]], index, mentioned: Mapping[int, set],
                   texts: Mapping[int, str], acronyms: Optional[Mapping] = None, *,
                   progress=None) -> tuple[frozenset, dict[int, frozenset]]:
    """The ids of the ``problems`` named as a task (roles.task_name) by their phrase or by the expansion their
    papers agree an acronym stands for ("SLAM": simultaneous localization and mapping), and {id: the papers
    writing one as a task's object} for the others whose merged variants name a task on them ("optical flow":
    "optical flow estimation"). ``acronyms``: the acronyms' readings over ``texts`` when read already."""
    from .acronyms import DEFINED, read_acronyms
    from .roles import object_papers, task_name

    acronyms = read_acronyms(problems, texts) if acronyms is None else acronyms
    named = frozenset(c.id for c in problems if task_name(c.phrase)
                      or ((r := acronyms.get(c.id)) is not None and r.verdict == DEFINED and task_name(r.dominant)))
    objects = {c.id: forms[c.id] for c in problems if c.id not in named and any(task_name(f) for f in forms[c.id][1:])}
    return named, _frozen(object_papers(index, objects, mentioned, progress=progress))


def data_named(problems: Sequence, acronyms: Mapping) -> frozenset:
    """The ids of the ``problems`` whose phrase, or the expansion their papers agree an acronym stands for, is
    headed by a noun for data (roles.INPUT_AFTER, TEXT_HEADS: "hyperspectral image", "WSI": whole-slide images)."""
    from .acronyms import DEFINED

    heads = _data_heads()
    return frozenset(c.id for c in problems if thing_head(c.phrase, heads)
                     or ((r := acronyms.get(c.id)) is not None and r.verdict == DEFINED and r.dominant
                         and thing_head(r.dominant, heads)))


def _frozen(papers: Mapping[int, Iterable[int]]) -> dict[int, frozenset]:
    return {k: frozenset(v) for k, v in papers.items()}


def is_name(phrase: str) -> bool:
    """A name rather than a description: a capital or a digit in it ("ImageNet", "CIFAR-10", "nuScenes")."""
    return any(ch.isupper() or ch.isdigit() for ch in phrase)


def data_sets(concepts: Sequence, mentions: Mapping[int, frozenset], as_data: Mapping[int, frozenset],
              papers: Optional[set] = None) -> np.ndarray:
    """Per concept (with ``id`` and ``phrase``): a data set or benchmark, counting only ``papers`` (all
    when None). Hardware ("on NVIDIA Jetson") is no data set."""
    from .quality import hardware

    out = np.zeros(len(concepts), dtype=bool)
    for i, c in enumerate(concepts):
        if data_head(c.phrase):
            out[i] = True
            continue
        if not is_name(c.phrase) or is_plural_capitals(c.phrase) or hardware(c.phrase):
            continue
        men, dat = mentions.get(c.id, frozenset()), as_data.get(c.id, frozenset())
        if papers is not None:
            men, dat = men & papers, dat & papers
        n = len(men | dat)
        out[i] = n >= DATA_MIN_MENTIONS and len(dat) >= DATA_SHARE * n
    return out


def technique_shares(concepts: Sequence, mentions: Mapping[int, frozenset], as_technique: Mapping[int, frozenset],
                     as_task: Mapping[int, frozenset], papers: Optional[set] = None) -> list[tuple[int, int, int]]:
    """Per concept: (papers mentioning it, of them using it as a technique, naming it as a problem),
    counting only ``papers`` (all when None)."""
    out = []
    for c in concepts:
        men = mentions.get(c.id, frozenset())
        tech, task = as_technique.get(c.id, frozenset()), as_task.get(c.id, frozenset())
        if papers is not None:
            men, tech, task = men & papers, tech & papers, task & papers
        out.append((len(men | tech | task), len(tech), len(task)))
    return out


def technique_phrase(phrase: str) -> bool:
    """A phrase of two or more words headed by a noun for a way of doing things ("CoT prompting", "chain-of-thought
    prompting", "distillation strategy"; roles.TECHNIQUE_AFTER less "based"): a technique by its very phrase,
    whatever its abstracts write around it (they write "CoT prompting" alone, seldom "using CoT prompting")."""
    from .roles import TECHNIQUE_AFTER, words

    return bool(phrase) and thing_head(phrase, {w for a in TECHNIQUE_AFTER if a != "based" for w in words(a)})


def techniques(concepts: Sequence, mentions: Mapping[int, frozenset], as_technique: Mapping[int, frozenset],
               as_task: Mapping[int, frozenset], papers: Optional[set] = None) -> np.ndarray:
    """Per problem concept (with ``id``): a technique, used as one by its papers far more than named as a
    problem (rule 6), counting only ``papers`` (all when None), or one by its phrase (``technique_phrase``)."""
    out = np.zeros(len(concepts), dtype=bool)
    for i, (n, tech, task) in enumerate(technique_shares(concepts, mentions, as_technique, as_task, papers)):
        out[i] = (n >= TECHNIQUE_MIN_MENTIONS and tech >= TECHNIQUE_SHARE * n and tech > TECHNIQUE_OVER * task) \
            or technique_phrase(getattr(concepts[i], "phrase", ""))
    return out


# a task as the method: the extractor gives a concept the side of the sentences it was picked from, so a task a
# paper names in its method sentences ("we propose a report generation framework") became a method, and "Apply
# report generation to visual reasoning" applies a task to a task
TASK_METHOD_TECH_SHARE = 0.05   # of the abstracts mentioning it, at most this share use it as a technique. Read on
                                # the 10,653-paper CS library's task-named method concepts: tasks 0-2% ("report
                                # generation" 1 of 64, "scene reconstruction" 0 of 128, "path planning" 0 of 21);
                                # methods stay ("flow matching" 39%, "uncertainty estimation" 10%, "conformal
                                # prediction" 54%, "bayesian inference" 35%)


def tasks_as_methods(concepts: Sequence, mentions: Mapping[int, frozenset], as_technique: Mapping[int, frozenset],
                     as_task: Mapping[int, frozenset]) -> np.ndarray:
    """Per method concept (with ``id`` and ``phrase``): a task, no method one applies: its phrase names a task
    (roles.task_name: "report generation", "scene reconstruction"), under TASK_METHOD_TECH_SHARE of the abstracts
    mentioning it use it as a technique ("using <X>", "<X>-based") and more name it as a problem ("for <X>", "<X>
    task") than use it. Only the gap listing reads it (the backtest scores link prediction)."""
    from .roles import task_name

    out = np.zeros(len(concepts), dtype=bool)
    for i, (n, tech, task) in enumerate(technique_shares(concepts, mentions, as_technique, as_task)):
        out[i] = (n >= TECHNIQUE_MIN_MENTIONS and tech < TASK_METHOD_TECH_SHARE * n and task > tech
                  and task_name(getattr(concepts[i], "phrase", "")))
    return out


INPUT_SHARE = 0.35   # of the abstracts mentioning a problem concept, those writing it as an input ("RGB images") ...
INPUT_OVER = 2.0     # ... more than this many times those naming it as a problem: an input modality ("RGB": 56%
                     # of its 16 abstracts as input, 6% as a problem, on a 630-paper library; "remote sensing"
                     # 50% and 50%, a field, stays)


def inputs(concepts: Sequence, mentions: Mapping[int, frozenset], as_input: Mapping[int, frozenset],
           as_task: Mapping[int, frozenset]) -> np.ndarray:
    """Per problem concept (with ``id``): an input modality its papers take in ("RGB", "LiDAR scans"), written
    as one ("<X> images / frames / cameras / data", "from <X>") by INPUT_SHARE of the abstracts mentioning it
    and far more than name it as a problem: data, not a problem a method could be applied to. Only the gap
    listing reads it (the backtest scores link prediction, where a modality links like any other)."""
    return _mostly_written_as(concepts, mentions, as_input, as_task, TECHNIQUE_MIN_MENTIONS, INPUT_SHARE, INPUT_OVER)


def _mostly_written_as(concepts: Sequence, mentions: Mapping[int, frozenset], as_this: Mapping[int, frozenset],
                       as_that: Mapping[int, frozenset], min_mentions: int, share: float, over: float) -> np.ndarray:
    """Per concept: of the ``min_mentions``+ abstracts mentioning it, at least ``share`` write it as this, and
    more than ``over`` times as many as write it as that."""
    out = np.zeros(len(concepts), dtype=bool)
    for i, c in enumerate(concepts):
        this, that = as_this.get(c.id, frozenset()), as_that.get(c.id, frozenset())
        n = len(mentions.get(c.id, frozenset()) | this | that)
        out[i] = n >= min_mentions and len(this) >= share * n and len(this) > over * len(that)
    return out


def input_compounds(concepts: Sequence, modalities: Iterable[str]) -> np.ndarray:
    """Per concept: a phrase of two or more words each of which names an input ("camera LiDAR", "sensor data":
    a word roles.INPUT_AFTER lists, "camera", or the phrase of an input modality ``inputs`` found, "LiDAR"):
    sensors named together are a sensor setup, no problem, however seldom the abstracts write the pair as an
    input ("camera-LiDAR fusion" is its own concept)."""
    from .roles import INPUT_AFTER, words

    known = {w for m in modalities for w in [" ".join(words(m))] if w} | {w for a in INPUT_AFTER for w in words(a)}
    out = np.zeros(len(concepts), dtype=bool)
    for i, c in enumerate(concepts):
        toks = words(c.phrase)
        out[i] = len(toks) >= 2 and all(t in known for t in toks)
    return out


# what a model has rather than applies: "gaussian parameters", "pre-trained weights"
PARAMETER_HEADS = ("parameter", "weight")


def data_phrases(concepts: Sequence) -> np.ndarray:
    """Per concept: a phrase headed by a noun for what a method takes in (roles.INPUT_AFTER: "tabular data",
    "preference data", "video frames", "reward signals") or for what a model has (PARAMETER_HEADS: "gaussian
    parameters"): data or a model's values whatever its abstracts write around it, no method one applies. A
    hyphenated last word is a modifier or a task ("dual-stream", "image-to-video"), not such a noun."""
    from .roles import INPUT_AFTER, words

    nouns = {w for a in INPUT_AFTER for w in words(a)} | set(PARAMETER_HEADS)
    out = np.zeros(len(concepts), dtype=bool)
    for i, c in enumerate(concepts):
        parts = c.phrase.split()
        last = words(parts[-1]) if len(parts) >= 2 and "-" not in parts[-1] else []
        out[i] = len(last) == 1 and last[0] in nouns
    return out


# a part of a model or people by the last word: no method one applies ("convolutional layers", "transformer
# decoder", "native speakers") when few of its papers name it where they say what they propose (rule 4's share)
METHOD_PART_HEADS = ("head", "layer", "module", "block", "neuron", "encoder", "decoder")


def part_phrases(concepts: Sequence, in_aim: Mapping[int, frozenset]) -> np.ndarray:
    """Per method concept (with ``id`` and ``papers``): a part of a model ("convolutional layers", "transformer
    decoder", "attention blocks": METHOD_PART_HEADS) or a group of people ("native speakers", "human
    participants": PEOPLE_HEADS) by its last word, that at most COMPONENT_AIM_SHARE of its papers name in their
    title or objective sentences (``in_aim``): a building block or the people a study involves, no method one
    applies; a part a paper proposes ("memory module" named in its aims) stays. Only the gap listing reads it."""
    out = np.zeros(len(concepts), dtype=bool)
    for i, c in enumerate(concepts):
        own = set(c.papers)
        if own and thing_head(c.phrase, METHOD_PART_HEADS + PEOPLE_HEADS):
            out[i] = len(own & in_aim.get(c.id, frozenset())) <= COMPONENT_AIM_SHARE * len(own)
    return out


THING_SHARE = 0.12   # of the abstracts mentioning a method concept, those writing it as data, a space or an output
THING_OVER = 1.5     # ... more than this many times those using it as a technique: no method. Set by reading the
                     # 10,653-paper CS library's method concepts: "point clouds" 20% thing / 4% technique,
                     # "latent space" 26% / 4%, "camera poses" 30% / 6%, "MRI" 35% / 4%, "SQL" 36% / 18%; methods
                     # stay ("LoRA" 4% / 28%, "KV cache" 8% / 8%, "VLMs" 11% / 11%, "contrastive learning" 1% / 37%)
THING_MIN_MENTIONS = 8


def not_methods(concepts: Sequence, mentions: Mapping[int, frozenset], as_used: Mapping[int, frozenset],
                as_thing: Mapping[int, frozenset]) -> np.ndarray:
    """Per method concept (with ``id``): no method but a thing a method takes in, works in or produces (data
    "point clouds", a modality "MRI", a space "latent space", an estimated quantity "camera poses", a language
    "SQL"), written so (roles.thing_papers) by THING_SHARE of the abstracts mentioning it and far more often
    than used as a technique. No method end of a listed gap nor a related method a gap names; it may still be a
    problem ("point cloud segmentation" is its own concept). Only the gap listing reads it (the backtest scores
    link prediction, where such a concept links like any other)."""
    return _mostly_written_as(concepts, mentions, as_thing, as_used, THING_MIN_MENTIONS, THING_SHARE, THING_OVER)


PART_SHARE = 0.12    # of the abstracts mentioning a problem concept, those writing it as a technique or a model part
PART_OVER = 3.0      # ... more than this many times those naming it as a problem: no problem. Set by reading the
                     # 10,653-paper CS library's problem concepts: "Mixture-of-Experts MoE" 46% part / 0% problem,
                     # "knowledge distillation" 37% / 1%, "gaussian splatting" 23% / 1%, "video diffusion" 55% / 5%;
                     # problems stay ("catastrophic forgetting" 1% / 52%, "Text-to-SQL" 16% / 56%, "depth
                     # estimation" 1% / 11%, "test-time adaptation" 16% / 14%)
# the last word of a part of a model ("attention heads", "hidden layers"): one that is never written as a
# problem (under PART_TASK_MIN of its abstracts) is a component, whatever contexts it is read in
PART_HEADS = ("head", "layer", "module", "block", "neuron", "encoder", "decoder", *PARAMETER_HEADS)
PART_TASK_MIN = 0.05
# the last word of another thing no one researches as such, by the same test: data (the input nouns of
# roles.INPUT_AFTER, and what people write: "social media posts"), a device ("edge devices"), people ("native
# speakers", "end users")
TEXT_HEADS = ("post", "tweet", "comment", "message", "document", "article", "imagery")
DEVICE_HEADS = ("device", "hardware")
PEOPLE_HEADS = ("speaker", "user", "participant", "annotator", "crowdworker", "patient", "clinician", "physician",
                "radiologist", "student", "teacher", "learner", "worker", "people", "children", "child", "adult")


# an interface or a piece of software named alone ("API", "GUI", "SDK", "toolkit"): what a method calls, runs
# in or is built into, no problem to apply a method to ("Apply RAG to API"). A curated list: no context tells
# it, as abstracts write "for <X>" and "<X> tasks" of an API ("tools for API calls") as of a task. A longer
# phrase names its problem ("API misuse detection", "GUI grounding", "brain-computer interface") and stays.
ARTIFACT_WORDS = frozenset("api gui ui sdk interface toolkit toolbox library software plugin app website webpage "
                           "browser codebase".split())


def artifact_word(phrase: str) -> bool:
    """A one-word phrase naming an interface or a piece of software (ARTIFACT_WORDS): "API", "APIs", "GUI"."""
    from .roles import words

    toks = words(phrase)
    return len(phrase.split()) == 1 and len(toks) == 1 and toks[0] in ARTIFACT_WORDS


def thing_head(phrase: str, heads: Iterable[str]) -> bool:
    """A phrase of two or more words whose last one is one of ``heads`` (singular, lower case); a hyphenated
    last word is a modifier ("multi-camera", "cross-device"), no such noun."""
    from .roles import words

    parts = phrase.split()
    toks = words(parts[-1]) if len(parts) >= 2 and "-" not in parts[-1] else []
    return len(toks) == 1 and toks[0] in set(heads)


def _data_heads() -> frozenset:
    from .roles import INPUT_AFTER, words

    return frozenset({w for a in INPUT_AFTER for w in words(a)} | set(TEXT_HEADS))


DATA_TASK_SHARE = 0.1   # of the abstracts mentioning a problem concept named as data, those naming it as a problem
                        # itself, not as what a noun after it names; fewer: data. Read on the 10,653-paper CS
                        # library's 39 such concepts with a problem reading: data 0-4% ("hyperspectral image" 0 of
                        # 50, "WSI" 1 of 52, "medical image" 2 of 311, "natural images" 5 of 120); a field stays
                        # ("earth observation" 8 of 40)


# a difficulty of the data is the problem a method addresses ("Apply focal loss to imbalanced data"), though its
# abstracts write it as data ("on imbalanced data", "from noisy images"), seldom in a task context: such data stays
DATA_DIFFICULTIES = frozenset("""
imbalanced unbalanced noisy out-of-distribution ood unseen long-tailed scarce limited missing incomplete corrupted
low-resource sparse degraded adversarial
""".split())


def data_problems(concepts: Sequence, mentions: Mapping[int, frozenset], named: Iterable[int],
                  as_own_task: Mapping[int, frozenset]) -> np.ndarray:
    """Per problem concept (with ``id``): data, no problem, though its abstracts write "for <X>" as often as of a
    task: a concept named as data (``named``, data_named: "hyperspectral image", "WSI") that under DATA_TASK_SHARE
    of the abstracts mentioning it name as a problem itself (``as_own_task``, roles.own_task_papers: "address
    <X>", "<X> task"; "for hyperspectral image classification" names the task on it), unless its phrase names a
    difficulty of the data (DATA_DIFFICULTIES: "imbalanced data"). Listing only."""
    named = frozenset(named)
    out = np.zeros(len(concepts), dtype=bool)
    for i, c in enumerate(concepts):
        if c.id not in named or c.id not in as_own_task or DATA_DIFFICULTIES & set(c.phrase.lower().split()):
            continue
        own = as_own_task[c.id]
        n = len(mentions.get(c.id, frozenset()) | own)
        out[i] = n >= THING_MIN_MENTIONS and len(own) < DATA_TASK_SHARE * n
    return out


def _problem_thing_heads() -> frozenset:
    from .roles import INPUT_AFTER, words

    return frozenset({w for a in INPUT_AFTER for w in words(a)} | set(TEXT_HEADS) | set(DEVICE_HEADS)
                     | set(PEOPLE_HEADS))


def not_problems(concepts: Sequence, mentions: Mapping[int, frozenset], as_part: Mapping[int, frozenset],
                 as_task: Mapping[int, frozenset], task_named: Iterable[int] = (),
                 as_object: Optional[Mapping[int, frozenset]] = None) -> np.ndarray:
    """Per problem concept (with ``id``): no problem a method could be applied to but a technique, a model or a
    part of one ("Mixture-of-Experts MoE": "MoE layers", "MoE architecture"; "attention heads"), written so
    (roles.part_papers) by PART_SHARE of the abstracts mentioning it and far more often than as a problem
    ("address <X>", "for <X>", "<X> task"), or a model part, data, a device or people by its last word
    (PART_HEADS, ``thing_head``: "attention heads", "social media posts", "edge devices") seldom written as a
    problem (under PART_TASK_MIN of its abstracts), or an interface or a piece of software named alone ("API",
    ``artifact_word``: by its word, read or not). Otherwise only read concepts (in ``as_part`` and ``as_task``)
    are judged. A task is used as a technique too ("using optical flow", "SLAM system", "with formal verification")
    and stays a problem: a concept named as a task (``task_named``: "gesture recognition", "SLAM") is not judged,
    and the papers writing one as a task's object (``as_object``: "optical flow estimation", "estimate optical
    flow") name it as a problem. No problem end of a listed gap nor a related problem a gap names; the backtest
    scores link prediction, where such a concept links like any other."""
    from .roles import words

    named, objects, things = frozenset(task_named), as_object or {}, _problem_thing_heads()
    out = np.zeros(len(concepts), dtype=bool)
    for i, c in enumerate(concepts):
        if artifact_word(c.phrase):
            out[i] = True
            continue
        if c.id not in as_part or c.id not in as_task or c.id in named:
            continue
        part, task = as_part[c.id], as_task[c.id] | objects.get(c.id, frozenset())
        n = len(mentions.get(c.id, frozenset()) | part | task)
        if n < THING_MIN_MENTIONS:
            continue
        toks = words(c.phrase)
        thing = (len(toks) >= 2 and toks[-1] in PART_HEADS) or thing_head(c.phrase, things)
        component = thing and len(task) < PART_TASK_MIN * n
        out[i] = component or (len(part) >= PART_SHARE * n and len(part) > PART_OVER * len(task))
    return out


def co_mentions(mentions: Mapping[int, frozenset], m_ids: Sequence[int], p_ids: Sequence[int],
                papers: Optional[set] = None) -> np.ndarray:
    """(|m_ids|, |p_ids|) the number of papers (of ``papers``, all when None) mentioning both concepts."""
    import scipy.sparse as sp

    ids = list(m_ids) + list(p_ids)
    row_of: dict[int, int] = {}
    rows, cols = [], []
    for j, cid in enumerate(ids):
        for q in mentions.get(cid, ()):
            if papers is None or q in papers:
                rows.append(row_of.setdefault(q, len(row_of)))
                cols.append(j)
    a = sp.csc_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(row_of), len(ids)))
    a.sum_duplicates()
    a.data[:] = 1.0
    nm = len(m_ids)
    return (a[:, :nm].T @ a[:, nm:]).toarray().astype(np.float32)


def joined_in_text(co: np.ndarray) -> np.ndarray:
    """Pairs the library's text already combines."""
    return np.asarray(co) >= TEXT_JOINED_MIN


def contained(topics_m: np.ndarray, topics_p: np.ndarray, topic_sizes: np.ndarray) -> np.ndarray:
    """(|M|, |P|) bool: one concept lies inside the other's area. ``topics_*``: papers of each concept per
    topic (rows: concepts); ``topic_sizes``: the papers of each topic."""
    tm, tp = np.asarray(topics_m, np.float64), np.asarray(topics_p, np.float64)
    nt = np.asarray(topic_sizes, np.float64)
    total = max(float(nt.sum()), 1.0)

    def area(t):
        n = t.sum(axis=1, keepdims=True)
        lift = (t / np.maximum(nt, 1.0)) / np.maximum(n / total, 1e-12)
        return (lift >= AREA_LIFT) & (t >= 2)

    def share(t):
        return t / np.maximum(t.sum(axis=1, keepdims=True), 1.0)

    nm, np_ = tm.sum(axis=1), tp.sum(axis=1)
    m_in_p = (share(tm) @ area(tp).T.astype(np.float64) >= CONTAIN_SHARE) & (np_[None, :] >= BROADER * nm[:, None])
    p_in_m = (area(tm).astype(np.float64) @ share(tp).T >= CONTAIN_SHARE) & (nm[:, None] >= BROADER * np_[None, :])
    return m_in_p | p_in_m


def data_head(phrase: str) -> bool:
    """A phrase about data sets by its head word: "QA benchmarks", "medical imaging datasets"; not a
    modifier made of one ("cross-dataset", "multi-benchmark": what a setting or result spans)."""
    words = [w for w in re.split(r"[\s\-/]+", phrase.lower()) if w]
    if not words:
        return False
    last = phrase.lower().split()[-1] if phrase.split() else ""
    if "-" in last and last.split("-")[0] in DATA_MODIFIER_PREFIXES:
        return False
    head = words[-1][:-1] if words[-1].endswith("s") and words[-1] != "corpus" else words[-1]
    return head in DATA_HEADS or words[-2:] in (["test", "set"], ["data", "set"])


def components(concepts: Sequence, spread: np.ndarray, in_aim: Mapping[int, frozenset],
               papers: Optional[set] = None) -> np.ndarray:
    """Per method concept (with ``id`` and ``papers``; ``spread`` its quality.topic_spread): a building
    block, used across areas and rarely named where a paper says what it proposes. Counts only
    ``papers`` (all when None)."""
    out = np.zeros(len(concepts), dtype=bool)
    s = np.nan_to_num(np.asarray(spread, dtype=np.float64), nan=0.0)
    for i, c in enumerate(concepts):
        own = set(c.papers) if papers is None else set(c.papers) & papers
        if len(own) < COMPONENT_MIN_PAPERS or s[i] < COMPONENT_SPREAD:
            continue
        out[i] = len(own & in_aim.get(c.id, frozenset())) <= COMPONENT_AIM_SHARE * len(own)
    return out


def closeness_ranks(content_sim: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For a (|M|, |P|) matrix of content cosines: per pair, the share of the method's other problems that
    are further from it (row rank) and the share of the problem's other methods further from it (column
    rank), in [0, 1]; ties share their mean rank. The pair's plausibility is the smaller of the two."""
    from scipy.stats import rankdata

    s = np.asarray(content_sim, dtype=np.float64)
    nm, np_ = s.shape
    rows = (rankdata(s, axis=1) - 1.0) / max(np_ - 1, 1) if np_ else np.zeros(s.shape)
    cols = (rankdata(s, axis=0) - 1.0) / max(nm - 1, 1) if nm else np.zeros(s.shape)
    return rows.astype(np.float32), cols.astype(np.float32)


def shared_neighbours(content: np.ndarray, m: int, p: int, exclude: Sequence[int] = (),
                      n: int = SHARED_NEIGHBOURS) -> list[int]:
    """Indices (rows of ``content``, unit concept content vectors) of the ``n`` concepts closest to both
    ``m`` and ``p`` (by the smaller of the two cosines), neither end nor ``exclude`` among them: the
    neighbourhood the two concepts share, shown as why a pair passed the plausibility floor."""
    c = np.asarray(content)
    both = np.minimum(c @ c[m], c @ c[p])
    both[[m, p, *exclude]] = -np.inf
    order = np.argsort(-both)[:n]
    return [int(i) for i in order if np.isfinite(both[i])]
