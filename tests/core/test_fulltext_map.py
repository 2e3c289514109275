"""The shortcoming map reads a paper's full text: the Limitations sentences of the EACL 2023 PDF (a real
shared PDF) join its shortcoming text and vector, the map rebuilt on them names the section, and the
papers without a PDF keep their vectors. The shipped facet model and encoder."""

from __future__ import annotations

import numpy as np
import pytest

from gapscope.fulltext import attach as attach_mod
from gapscope.fulltext import extract as extract_mod
from gapscope.models import Paper

from .facets_helpers import arxiv_records
from .fulltext_helpers import cached_extract

EACL = "cs/2023.eacl-main.121.pdf"
EACL_DOI = "10.18653/v1/2023.eacl-main.121"


def _add(lib, **fields) -> int:
    from gapscope.ingest import ingest_papers

    rep = ingest_papers(lib, [Paper(source="test", source_key=fields["title"], **fields)], kind="import",
                        source="test", target="test")
    return rep.added_ids[0]


def _vector(lib, kind: str, pid: int):
    from gapscope.embed import load_vectors

    ids, vecs = load_vectors(lib, kind, paper_ids=[pid])
    return vecs[0] if len(ids) else None


@pytest.fixture(scope="module")
def models():
    from gapscope.embed import Encoder
    from gapscope.facets.model import load_model

    model = load_model()
    return model, Encoder()


def test_limitations_sentences_join_the_shortcoming_vector_and_the_map(tmp_path, shared_data, monkeypatch, models):
    from gapscope.analyze import _map_fingerprint
    from gapscope.embed import embed_library
    from gapscope.facets import classify_library, facet_texts
    from gapscope.fulltext import label_fulltext
    from gapscope.maps import build_maps, latest_map
    from gapscope.store import Library
    from gapscope.vocabulary import FULLTEXT_SHORTCOMING_SECTIONS

    model, encoder = models
    extract = cached_extract(extract_mod.extract)
    monkeypatch.setattr(attach_mod, "extract", extract)
    doc = extract(shared_data / "pdfs" / EACL)
    abstract = " ".join(p.text for s in doc.sections if s.kind == "abstract" for p in s.paragraphs)
    assert abstract.startswith("While human evaluation remains best practice")       # the paper's own abstract
    lib = Library(tmp_path / "review.gapscope")
    try:
        eacl = _add(lib, title="LongEval: Guidelines for Human Evaluation of Faithfulness in Long-form Summarization",
                    abstract=abstract, doi=EACL_DOI)
        for title, abs_ in arxiv_records(str(shared_data), 30):
            _add(lib, title=title, abstract=abs_)
        classify_library(lib, model=model, encoder=encoder)
        embed_library(lib, kinds=("method", "shortcoming"), encoder=encoder)
        before_text = facet_texts(lib)[eacl]["shortcoming"]
        before = _vector(lib, "shortcoming", eacl)
        others_before = {p: h for p, h in lib.text_mapping(encoder.model_id, "shortcoming").items() if p != eacl}
        fp = {f: _map_fingerprint(lib, f) for f in ("method", "shortcoming")}

        res = attach_mod.attach_file(lib, shared_data / "pdfs" / EACL)
        assert res.paper_id == eacl
        label_fulltext(lib, attachment_ids=[res.attachment_id], kinds=FULLTEXT_SHORTCOMING_SECTIONS, model=model,
                       encoder=encoder)
        lim = [s for s in lib.fulltext_sentences(res.attachment_id, kinds=["limitations"]) if s["shortcoming"] != "none"]
        assert len(lim) >= 3, "the EACL Limitations section states the paper's own limitations"

        # the paper's shortcoming text: its abstract's sentences, then its full text's
        text = facet_texts(lib)[eacl]["shortcoming"]
        assert before_text and text.startswith(before_text)
        assert all(s["text"] in text for s in lim)

        # its vector is pooled from the two passes, nothing encoded again; the other papers keep theirs
        st = embed_library(lib, kinds=("method", "shortcoming"), encoder=encoder)
        assert st["composed"] == 1 and st["embedded"] == 0, st
        after = _vector(lib, "shortcoming", eacl)
        assert before is not None and after is not None
        own = encoder.encode([s["text"] for s in lim]).mean(axis=0)
        own /= np.linalg.norm(own)
        # the vector moved towards what the Limitations section says
        assert float(after @ own) > float(before @ own) + 0.05, (float(before @ own), float(after @ own))
        assert {p: h for p, h in lib.text_mapping(encoder.model_id, "shortcoming").items() if p != eacl} == others_before
        # the analysis sees the shortcoming map's input changed (and only that map's): `analyze` rebuilds it
        assert _map_fingerprint(lib, "shortcoming") != fp["shortcoming"]
        assert _map_fingerprint(lib, "method") == fp["method"]

        # an unaddressed-shortcoming gap with the paper as evidence quotes its Limitations section, named: its
        # surest sentence there
        from gapscope.gaps.find import quote_shortcomings
        from gapscope.gaps.model import Gap

        gap = Gap("unaddressed_shortcoming", 0.5, "A gap.", None, None, [eacl], roles={eacl: "shortcoming"})
        quote_shortcomings(lib, [gap])
        full = [q for q in gap.details["quotes"] if q.get("section")]
        surest = max(lim, key=lambda s: s["confidence"])       # max keeps the first of equals, as the quotes do
        assert [(q["text"], q["section"], q["page"]) for q in full] == [(surest["text"], "Limitations", 10)]
        assert "Limitations p. 10)" in gap.statement

        # the concept gaps' shortcoming evidence reads them too, with the section
        from gapscope.gaps.find import shortcoming_reader

        read = shortcoming_reader(lib)([eacl])[eacl]
        assert [(q["section"], q["page"]) for q in read if q["text"] == lim[0]["text"]] == [("Limitations", 10)]
        # the abstract's first, then the full text's; each labelled
        assert [bool(q.get("section")) for q in read] == sorted(bool(q.get("section")) for q in read)
        assert all(q["shortcoming"] != "none" and "confidence" in q for q in read)

        # the map: the paper is a member and its keywords' text holds the Limitations sentences
        from gapscope.maps.build import load_facet_data

        pids, _vecs, texts = load_facet_data(lib, "shortcoming", None)
        assert eacl in pids.tolist() and lim[0]["text"] in texts[eacl]

        # with the abstract's shortcoming sentences corrected away, the paper's shortcoming is its Limitations
        # section: a map with one paper per cluster shows it as the representative, naming the section
        from gapscope.facets import paper_sentences
        from gapscope.store.library import now_iso

        for s in paper_sentences(lib, eacl):
            if s["shortcoming"] != "none":
                lib.set_facet_correction(eacl, s["start"], s["end"], None, "none", now_iso())
        st = embed_library(lib, kinds=("shortcoming",), encoder=encoder)
        assert st["embedded"] == 0, st                        # the full text's own pooled vector
        build_maps(lib, facets=("shortcoming",), k=10_000, stability_seeds=0)
        m = latest_map(lib, "shortcoming")                    # read back from the library
        c = m.cluster(m.assignments[eacl])
        assert c.representative_paper == eacl and c.size == 1
        assert lim[0]["text"].startswith(c.representative.rstrip("\u2026"))       # Limitations come first
        assert c.representative_where == "Limitations p. 10"
        assert all(not x.representative_where for x in m.clusters if x.id != c.id)
    finally:
        lib.close()
    from click.testing import CliRunner

    from gapscope.cli import main

    run = CliRunner().invoke(main, ["-L", str(tmp_path / "review.gapscope"), "map", "show", "--facet", "shortcoming",
                                    "--cluster", str(c.id)])
    assert run.exit_code == 0 and "(Limitations p. 10)" in run.output, run.output


def test_a_labelled_pdf_makes_the_shortcoming_map_and_its_gaps_stale(tmp_path, shared_data, monkeypatch, models):
    """The shortcoming map says it is stale once a PDF is labelled (`map show`, the Maps view), and only
    it; `analyze` (the window's "Build maps") rebuilds it, and only it; gaps found before say why they
    are stale."""
    from gapscope.analyze import analyze
    from gapscope.fulltext import label_fulltext
    from gapscope.gaps.model import Gap
    from gapscope.gaps.stale import made_with, stale_reasons
    from gapscope.maps import latest_map
    from gapscope.maps.stale import FULLTEXT_CHANGED, latest_maps_stale
    from gapscope.store import Library
    from gapscope.vocabulary import FULLTEXT_SHORTCOMING_SECTIONS, MAP_FACETS

    model, encoder = models
    extract = cached_extract(extract_mod.extract)
    monkeypatch.setattr(attach_mod, "extract", extract)
    doc = extract(shared_data / "pdfs" / EACL)
    abstract = " ".join(p.text for s in doc.sections if s.kind == "abstract" for p in s.paragraphs)
    lib = Library(tmp_path / "stale.gapscope")
    try:
        eacl = _add(lib, title="LongEval", abstract=abstract, doi=EACL_DOI)
        for title, abs_ in arxiv_records(str(shared_data), 30, offset=40):
            _add(lib, title=title, abstract=abs_)
        first = analyze(lib, gaps=False, encoder=encoder)
        assert {f"map:{f}" for f in MAP_FACETS} <= set(first.ran), first.to_dict()
        maps = {f: latest_map(lib, f) for f in MAP_FACETS}
        gap = Gap("unaddressed_shortcoming", 0.5, "A gap.", None, None, [eacl], roles={eacl: "shortcoming"},
                  details={"made_with": made_with(lib, maps)})
        assert stale_reasons(lib, gap) == []
        assert latest_maps_stale(lib) == {f: [] for f in MAP_FACETS}

        res = attach_mod.attach_file(lib, shared_data / "pdfs" / EACL)
        assert stale_reasons(lib, gap) == []                   # attached, not labelled: nothing read yet
        assert latest_maps_stale(lib) == {f: [] for f in MAP_FACETS}
        label_fulltext(lib, attachment_ids=[res.attachment_id], kinds=["introduction", "background"], model=model,
                       encoder=encoder)
        assert any(s["shortcoming"] != "none" for s in lib.fulltext_sentences(res.attachment_id, kinds=["background"]))
        assert stale_reasons(lib, gap) == []                   # sections the map does not read
        label_fulltext(lib, attachment_ids=[res.attachment_id], kinds=FULLTEXT_SHORTCOMING_SECTIONS, model=model,
                       encoder=encoder)
        assert stale_reasons(lib, gap) == [
            "a PDF was labelled since (the shortcoming map reads its full text): build the maps again"]
        assert latest_maps_stale(lib) == {**{f: [] for f in MAP_FACETS}, "shortcoming": [FULLTEXT_CHANGED]}

        again = analyze(lib, gaps=False, encoder=encoder)
        ran = set(again.ran)
        assert "map:shortcoming" in ran and not ran & {"map:topic", "map:method", "map:result"}, again.to_dict()
        embed = next(s for s in again.steps if s.step == "embed")
        assert embed.detail.startswith("0 texts embedded"), embed.detail      # pooled, not encoded again
        m = latest_map(lib, "shortcoming")
        assert m.id != maps["shortcoming"].id and eacl in m.assignments
        assert m.params["fulltext"] == lib.fulltext_shortcoming_stamp()
        rebuilt = Gap("unaddressed_shortcoming", 0.5, "A gap.", None, None, [eacl], roles={eacl: "shortcoming"},
                      details={"made_with": made_with(lib, {f: latest_map(lib, f) for f in MAP_FACETS})})
        assert stale_reasons(lib, rebuilt) == []
        assert "the shortcoming map was rebuilt" in stale_reasons(lib, gap)
        assert latest_maps_stale(lib) == {f: [] for f in MAP_FACETS}
    finally:
        lib.close()
