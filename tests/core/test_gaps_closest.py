"""The paraphrase-aware "already done" check (gaps/closest.py): abstracts close to a concept pair in the
encoder's space that are about both concepts make the pair established even when none names both phrases
(the phrase check, gaps/reference.py, sees nothing); below the count, the closest abstracts are the gap's
"closest existing work". `gaps show --json` carries them as ``closest_work``; a library or reference
without abstract vectors is named in a notice with the command that makes them."""

from __future__ import annotations

import json
import zlib
from dataclasses import replace

import numpy as np
import pytest

from tests.core.test_gaps_rank import constructed_graph
from tests.core.test_gaps_reference import FILLER, _pair, make_reference
from tests.core.test_gaps_reference import spread_with_topics  # noqa: F401  (a fixture)

# Medical image segmentation by learning from bags of patches with bag-level labels (multiple-instance
# learning), never written "instance learning": the phrase check sees only one concept in each
PARAPHRASES = [
    ("Bag-level classification with attention pooling for medical image segmentation",
     "Weak supervision with bags of instances and a single label each: attention pooling over patch embeddings "
     "predicts the slide label of whole-slide histopathology images, and the instance scores give a medical "
     "image segmentation."),
    ("Bags of patch instances for weakly supervised medical image segmentation",
     "Bag-level classification on histopathology: a transformer aggregates instance features into one "
     "prediction per whole-slide image, and its attention over the instances yields medical image "
     "segmentation masks."),
    ("Whole-slide classification with instance pooling as medical image segmentation",
     "Each whole-slide image is a bag of instances with a single label; attention pooling over patch "
     "embeddings predicts the slide label, and the pooled instance weights serve as medical image "
     "segmentation."),
    ("Weak bag labels, dense masks: medical image segmentation by attention pooling",
     "Bag-level classification under weak supervision: bags of instances with a single label each, attention "
     "pooling over patch embeddings and a transformer that aggregates instance features; the instance "
     "attention gives medical image segmentation."),
    ("Instance aggregation for medical image segmentation from slide labels",
     "A transformer aggregates instance features of each whole-slide image into one bag-level prediction under "
     "weak supervision; the instance scores give medical image segmentation of cancerous tissue."),
    ("From bag-level labels to masks: medical image segmentation of histopathology",
     "Weak supervision with bags of instances: a transformer aggregates instance features into one bag-level "
     "prediction with attention pooling over patch embeddings; the instance attention yields medical image "
     "segmentation."),
]
OTHER = [
    ("Speech recognition for low-resource languages", "An acoustic model transcribes spoken Swahili and Yoruba."),
    ("Traffic forecasting with graph networks", "Road sensors' speed readings are predicted an hour ahead."),
    ("Code generation benchmarks", "Large language models write Python functions from docstrings."),
    ("Robot grasping of deformable objects", "A robot arm learns to pick up cloth and cables from demonstrations."),
]
# the library's own papers on each side (their mean vector is each concept's content)
MIL_PAPERS = ["Multiple instance learning for whole-slide image classification: attention pooling over patch "
              "embeddings predicts the slide label.",
              "Bag-level classification with multiple instance learning on histopathology: a transformer aggregates "
              "instance features into one prediction.",
              "Instance learning under weak supervision: bags of instances with a single label each."]
SEG_PAPERS = ["U-Net variants for medical image segmentation of abdominal organs in CT with a Dice loss.",
              "A foundation model for medical image segmentation: prompts outline organs and lesions in MRI and CT.",
              "Semi-supervised medical image segmentation with consistency regularisation on unlabelled scans.",
              "Retinal vessel segmentation in fundus photographs with a lightweight convolutional network.",
              "Nucleus segmentation in histology tiles: a benchmark of medical image segmentation models.",
              "Cardiac MRI segmentation of the left ventricle across scanners and hospitals."]
SPEECH_PAPERS = ["Automatic speech recognition with self-supervised audio encoders for many languages.",
                 "Streaming speech recognition on device with low latency transducers.",
                 "Speech recognition errors on accented English and how to reduce them."]


@pytest.fixture(scope="module")
def encoded(tmp_path_factory):
    """A reference library of paraphrases and other work, embedded with the bundled encoder; the library's
    concepts "instance learning" (method), "medical image segmentation" and "speech recognition" (problems)
    with their own papers' vectors."""
    from gapscope.concepts.model import Concept
    from gapscope.embed import Encoder, embed_library
    from gapscope.store.library import ReadOnlyLibrary

    enc = Encoder(device="cpu")
    rows = [(t, a, 2025) for t, a in PARAPHRASES + OTHER] + FILLER
    path = make_reference(tmp_path_factory.mktemp("closest") / "ref.gapscope", rows)
    from gapscope.store import Library

    lib = Library(path)
    embed_library(lib, kinds=["abstract"], encoder=enc)
    lib.close()
    texts = MIL_PAPERS + SEG_PAPERS + SPEECH_PAPERS
    ids = np.arange(101, 101 + len(texts), dtype=np.int64)
    vecs = enc.encode(texts)
    phrases = enc.encode(["instance learning", "medical image segmentation", "speech recognition"])

    def concept(i, kind, phrase, syn, papers):
        return Concept(id=i, kind=kind, phrase=phrase, synonyms=syn, vector=phrases[i - 1],
                       papers={int(p): kind for p in papers}, scores={int(p): 1.0 for p in papers})

    m = concept(1, "method", "instance learning", ["multiple instance learning"], ids[0:len(MIL_PAPERS)])
    n_mil, n_seg = len(MIL_PAPERS), len(SEG_PAPERS)
    p = concept(2, "problem", "medical image segmentation", [], ids[n_mil:n_mil + n_seg])
    other = concept(3, "problem", "speech recognition", [], ids[n_mil + n_seg:])
    ref = ReadOnlyLibrary(path, create=False)
    yield ref, (ids, vecs), m, p, other
    ref.close()


def test_paraphrased_abstracts_make_a_pair_established_that_the_phrase_check_misses(encoded):
    from gapscope.gaps.closest import AbstractSource, ClosestWork, ConceptVectors, default_params
    from gapscope.gaps.reference import ReferenceCorpus

    ref, paper_vecs, m, p, other = encoded
    phrase = ReferenceCorpus(ref).check(m, p)
    assert phrase["co_mentions"] == 0 and not phrase["established"]        # no abstract names both phrases
    src = AbstractSource.load("reference", ref)
    assert src is not None and len(src) == len(PARAPHRASES) + len(OTHER) + len(FILLER)
    params = default_params()                 # the calibrated reading
    cw = ClosestWork([src], ConceptVectors(paper_vecs), params)
    r = cw.check(m, p)
    assert r["established"] and r["done"] >= r["min_done"] == default_params().min_done == 5
    titles = {t for t, _ in PARAPHRASES}
    assert {x["title"] for x in r["closest_work"] if x["did_both"]} <= titles
    assert r["closest_work"][0]["title"] in titles and r["closest_work"][0]["year"] == 2025
    # the same method with an unrelated problem: nothing did both, the nearest abstracts are evidence only
    r2 = cw.check(m, other)
    assert not r2["established"] and r2["done"] < r2["min_done"]
    assert r2["closest_work"] and all({"title", "year", "arxiv_id", "similarity", "source"} <= set(x)
                                      for x in r2["closest_work"])
    # fewer paraphrases than the count: not established, they are the closest work
    cw.params = replace(params, min_done=r["done"] + 1)
    r3 = cw.check(m, p)
    assert not r3["established"] and sum(x["did_both"] for x in r3["closest_work"]) >= 1


def _synthetic_source(tmp_path, cs, m, p, n_done, abstract="We carry one idea over to another field, in words of our own.",
                      arxiv=()):
    """A reference whose ``n_done`` abstracts (``abstract``: by default naming neither phrase; ``arxiv``: their
    arXiv ids) lie between the pair's phrase vectors among filler abstracts pointing elsewhere."""
    from gapscope.gaps.closest import AbstractSource
    from gapscope.store.library import ReadOnlyLibrary

    rows = [(f"Paraphrase {i}", abstract, 2026, *arxiv[i:i + 1]) for i in range(n_done)] + FILLER
    path = make_reference(tmp_path / f"ref{n_done}-{zlib.crc32(abstract.encode())}.gapscope", rows)
    lib = ReadOnlyLibrary(path, create=False)
    rng = np.random.default_rng(0)
    mid = m.vector / np.linalg.norm(m.vector) + p.vector / np.linalg.norm(p.vector)
    vecs = [mid / np.linalg.norm(mid)] * n_done
    vecs += [v / np.linalg.norm(v) for v in rng.normal(size=(len(FILLER), len(mid)))]
    ids = np.array(sorted(x.id for x in lib.get_papers(list(range(1, len(rows) + 10)))), dtype=np.int64)
    return lib, AbstractSource("reference", lib, ids, np.stack(vecs).astype(np.float32))


def top_pair_and_params():
    """The constructed graph (seed 2), its listed gaps, the concepts of the first, and closest-work
    parameters that count 3 abstracts about both as done."""
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.closest import ClosestParams

    cs, dates, pv = constructed_graph(seed=2)
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0)
    by_id = cs.by_id()
    m0, p0 = by_id[listed[0].method.cluster], by_id[listed[0].problem.cluster]
    params = ClosestParams(query="phrase", side="phrase", k=10, relative=False, both=0.55, named=0.55, min_done=3)
    return cs, dates, pv, listed, m0, p0, params


def test_concept_gaps_leave_out_a_pair_done_in_other_words_and_keep_closest_work(tmp_path):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.closest import ClosestWork, ConceptVectors
    from gapscope.gaps.reference import ReferenceCorpus

    cs, dates, pv, listed, m0, p0, params = top_pair_and_params()
    lib, src = _synthetic_source(tmp_path, cs, m0, p0, n_done=3)
    ref = ReferenceCorpus(lib)
    notices: list[str] = []
    cw = ClosestWork([src], ConceptVectors(pv), params)
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, reference=ref,
                         closest=cw, notices=notices)
    pairs = [_pair(g) for g in again]
    assert ref.check(m0, p0)["co_mentions"] == 0                 # the phrase check alone keeps it ...
    assert (m0.phrase, p0.phrase) not in pairs                   # ... the dense check leaves it out
    assert len(again) == len(listed)                             # the walk went on to keep as many gaps
    assert any("closest existing work" in x and "1 left out as already done" in x for x in notices), notices
    for g in again:
        assert isinstance(g.details["closest_work"], list) and g.details["closest_work"]
        assert g.details["closest_check"]["min_done"] == 3 and not g.details["closest_check"]["established"]
        assert g.details["evidence_counts"]["closest"] == len(g.details["closest_work"])
    # without the dense check the pair is listed, with no closest work
    plain = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, reference=ref)
    assert (m0.phrase, p0.phrase) in [_pair(g) for g in plain]
    assert all(g.details["closest_work"] is None for g in plain)
    lib.close()


def test_a_reference_abstract_the_library_holds_is_the_librarys_paper(tmp_path):
    """A library inside the reference corpus is common: an abstract the reference holds that is one of the
    library's papers (its arXiv id) is reported as the library's (source, id), counted with the library's
    papers that did both, and listed once; only the abstracts naming both concepts are "named_both"."""
    from gapscope.gaps.closest import AbstractSource, ClosestWork, ConceptVectors
    from gapscope.store.library import ReadOnlyLibrary

    cs, dates, pv, _listed, m0, p0, params = top_pair_and_params()
    text = f"We apply {m0.phrase} to {p0.phrase}."
    ref_lib, ref_src = _synthetic_source(tmp_path, cs, m0, p0, n_done=2, abstract=text,
                                         arxiv=["2601.00001", "2601.00002"])
    own = ReadOnlyLibrary(make_reference(tmp_path / "lib.gapscope", [("Paraphrase 0", text, 2026, "2601.00001")]
                                         + FILLER[:3]), create=False)
    ids = np.array(sorted(p.id for p in own.get_papers(list(range(1, 10)))), dtype=np.int64)
    far = np.random.default_rng(1).normal(size=(len(ids), len(m0.vector))).astype(np.float32)
    lib_src = AbstractSource("library", own, ids, far / np.linalg.norm(far, axis=1, keepdims=True))
    try:
        r = ClosestWork([ref_src, lib_src], ConceptVectors(pv), params).check(m0, p0)
        copy = own.paper_with_ids("2601.00001", None)
        theirs = ref_lib.paper_with_ids("2601.00002", None)
    finally:
        own.close()
        ref_lib.close()
    assert copy is not None and theirs is not None
    assert sorted((x["source"], x["id"]) for x in r["named_both"]) == [("library", copy), ("reference", theirs)]
    mine = [x for x in r["closest_work"] if x["arxiv_id"] == "2601.00001"]
    assert len(mine) == 1 and (mine[0]["source"], mine[0]["id"]) == ("library", copy) and mine[0]["names_both"]
    assert r["done_library"] == [copy] and r["done_elsewhere"] == 1


def test_a_library_and_reference_without_vectors_are_named_in_a_notice(tmp_path):
    from gapscope.gaps.closest import open_closest
    from gapscope.gaps.reference import ReferenceCorpus

    ref = ReferenceCorpus.open(make_reference(tmp_path / "ref.gapscope", FILLER))
    from gapscope.store import Library

    lib = Library(tmp_path / "lib.gapscope")
    notices: list[str] = []
    assert open_closest(lib, ref, notices=notices) is None          # neither has vectors: no check
    assert len(notices) == 2
    assert any(str(tmp_path / "ref.gapscope") in n and "no abstract vectors" in n
               and f"gapscope -L {tmp_path / 'ref.gapscope'} embed --kinds abstract" in n for n in notices)
    assert any("the library" in n and "embed --kinds abstract" in n for n in notices)
    # with the library's vectors the check runs on the library, and names only the reference
    ids, vecs = np.array([1, 2], dtype=np.int64), np.eye(2, 4, dtype=np.float32)
    notices = []
    cw = open_closest(lib, ref, paper_vecs=(ids, vecs), notices=notices)
    assert cw is not None and [s.name for s in cw.sources] == ["library"]
    assert len(notices) == 1 and "reference" in notices[0] and "embed --kinds abstract" in notices[0]
    ref.close()
    lib.close()


def test_the_setting_turns_the_check_off(library):
    from gapscope.gaps.find import _closest
    from gapscope.settings import Settings

    assert Settings(None, environ={}, user={}, command_line={}).lookup("gaps_closest_min")[0] >= 1
    library.set_setting("gaps.closest_min", 0)
    notices: list[str] = []
    assert _closest(library, None, (np.array([1]), np.ones((1, 4), np.float32)), notices, None, None) is None
    assert notices == []


def test_gaps_find_names_missing_reference_vectors_and_show_json_has_closest_work(spread_with_topics, tmp_path,
                                                                               monkeypatch):
    from pathlib import Path

    from click.testing import CliRunner

    import gapscope.embed as embed_mod
    import gapscope.gaps.find as find_mod
    from gapscope.cli import main
    from gapscope.gaps import list_gaps

    lib, data, _ = spread_with_topics

    def vectors(l, kind, *a, **kw):       # the library's (stand-in) vectors; the reference has none
        if Path(l.path).resolve() != Path(lib.path).resolve():
            return np.zeros(0, np.int64), np.zeros((0, 0), np.float32)
        return data["topic" if kind == "abstract" else kind][:2]

    monkeypatch.setattr(find_mod, "load_vectors", vectors)
    monkeypatch.setattr(embed_mod, "load_vectors", vectors)
    ref_path = make_reference(tmp_path / "ref.gapscope", FILLER)
    run = lambda *a: CliRunner().invoke(main, ["--library", str(lib.path), *a])  # noqa: E731
    r = run("gaps", "find", "--reference", str(ref_path), "-q")
    assert r.exit_code == 0, r.output
    assert f"note: the reference {ref_path} has no abstract vectors" in r.output
    assert f"`gapscope -L {ref_path} embed --kinds abstract` makes them" in r.output
    assert "closest existing work: " in r.output and "abstracts of this library" in r.output
    print(r.output)
    gap = next(g for g in list_gaps(lib) if g.details.get("level") == "concept")
    r = run("gaps", "show", str(gap.id), "--json")
    assert r.exit_code == 0, r.output
    shown = json.loads(r.output)
    assert isinstance(shown["closest_work"], list) and shown["closest_work"]
    assert {"title", "year", "arxiv_id", "similarity", "source", "did_both"} <= set(shown["closest_work"][0])
    assert all(x["source"] == "library" for x in shown["closest_work"])
    r = run("gaps", "show", str(gap.id))
    assert r.exit_code == 0 and "closest existing work in this library:" in r.output and "closest (" in r.output
    # the setting at 0: no check, no closest work
    lib.set_setting("gaps.closest_min", 0)
    r = run("gaps", "find", "--reference", str(ref_path), "-q")
    assert r.exit_code == 0 and "no abstract vectors" not in r.output
    gap = next(g for g in list_gaps(lib) if g.details.get("level") == "concept")
    assert json.loads(run("gaps", "show", str(gap.id), "--json").output)["closest_work"] == []
    lib.set_setting("gaps.closest_min", None)


def test_the_check_cancels_and_reports_progress(tmp_path):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.closest import ClosestParams, ClosestWork, ConceptVectors, open_closest
    from gapscope.jobs import CancelToken, Cancelled

    cs, dates, pv = constructed_graph(seed=2)
    lib, src = _synthetic_source(tmp_path, cs, cs.concepts[0], cs.concepts[-1], n_done=1)
    cw = ClosestWork([src], ConceptVectors(pv), ClosestParams(query="phrase", side="phrase", relative=False))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, closest=cw, cancel=token)
    assert cw.checked == 0                                  # cancelled before the first pair
    with pytest.raises(Cancelled):                          # and while loading the vectors
        open_closest(lib, None, paper_vecs=pv, cancel=token)
    steps = []
    found = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, closest=cw,
                         progress=lambda done, total, msg="": steps.append((done, total, msg)))
    steps = [s for s in steps if not s[2].startswith("listing the gaps:")]   # the listing's own steps
    assert found and cw.checked >= len(found) and len(steps) >= cw.checked
    assert all(d <= t == 10 for d, t, _ in steps)
    lib.close()
