"""Which concepts a map label may write as "X for Y": X a technique, Y a task, judged by the rules that refuse
a gap's ends (concepts/quality.refused_end; gaps/candidates: data, a sensor or modality, a model part, a measure,
a problem used as a technique). "LiDAR for pose estimation" (a sensor), "MRI for medical image" (an
imaging modality), "satellite imagery for remote sensing" (data) name no method applied to a task; those pairs are
written "A / B" (maps/phrase_labels.joined)."""

from __future__ import annotations

from typing import Sequence

from ..concepts.model import ConceptSet


def technique_or_task(lib, cs: ConceptSet, phrases: Sequence[str], cancel=None) -> dict[str, bool]:
    """{phrase: whether it reads as what its kind says}: a method concept as a technique, a problem concept as a
    task. The library's mentions are read for these concepts only (concepts/pair_rules.concept_mentions)."""
    from ..concepts.pair_rules import concept_mentions, data_sets, techniques
    from ..concepts.quality import refused_end
    from .candidates import input_ids, measure_ids, not_method_ids, not_problem_ids

    wanted, first = set(phrases), {}
    for c in cs.concepts:            # the concept whose kind the labels read (analyze.map_concepts: the first)
        if c.phrase in wanted:
            first.setdefault(c.phrase, c)
    picked = list(first.values())
    if not picked:
        return {}
    sub = ConceptSet(picked, cs.batch, cs.fingerprint, cs.encoder)
    mentions = concept_mentions(lib, picked, cancel=cancel)
    refused = set(not_method_ids(sub, mentions)) | not_problem_ids(sub, mentions) | measure_ids(sub, mentions)
    refused |= input_ids(sub, mentions)
    as_data = getattr(mentions, "as_data", None)
    if as_data is not None:
        refused |= {c.id for c, d in zip(picked, data_sets(picked, mentions, as_data, None)) if d}
    problems = [c for c in picked if c.kind == "problem"]
    as_technique, as_task = getattr(mentions, "as_technique", None), getattr(mentions, "as_task", None)
    if problems and as_technique is not None and as_task is not None:
        refused |= {c.id for c, t in zip(problems, techniques(problems, mentions, as_technique, as_task, None)) if t}
    return {c.phrase: c.id not in refused and not refused_end(c.phrase, c.kind) for c in picked}
