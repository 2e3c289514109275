"""classify_library over real papers: sentences, labels, corrections, resume, and the shared encoder pass."""

import json

from gapscope.embed import Encoder, embed_library, load_vectors
from gapscope.facets import FACET_LABELS, SHORTCOMINGS, classify_library, facet_texts, paper_sentences
from gapscope.facets.model import load_model

from .facets_helpers import add_papers, arxiv_records


def test_classify_correct_and_embed_facets(library, shared_data):
    recs = arxiv_records(str(shared_data), 8)
    ids = add_papers(library, recs)
    enc = Encoder()
    model = load_model()
    stats = classify_library(library, model=model, encoder=enc)
    assert stats["classified"] == 8 and stats["sentences"] > 30
    sents = paper_sentences(library, ids[0])
    abstract = recs[0][1]
    assert sents and all(s["role"] in FACET_LABELS and 0 < s["role_confidence"] <= 1 for s in sents)
    assert all(s["shortcoming"] in SHORTCOMINGS and 0 < s["shortcoming_confidence"] <= 1 for s in sents)
    assert all(" ".join(abstract[s["start"]:s["end"]].split()) == s["text"] for s in sents)
    labels = {s["role"] for i in ids for s in paper_sentences(library, i)}
    assert {"method", "result"} <= labels

    # one pass gave the abstract vectors too: embedding abstracts now encodes nothing
    before = enc.calls
    assert embed_library(library, kinds=("abstract",), encoder=enc)["embedded"] == 0 and enc.calls == before
    got, vecs = load_vectors(library, "abstract", model_id=enc.model_id)
    assert list(got) == ids
    direct = enc.encode([f"{recs[0][0].strip()}. {recs[0][1].strip()}"])[0]
    assert float(direct @ vecs[0]) > 0.999

    # a user's correction wins in paper_sentences and facet_texts, for the shortcoming and the role apart
    from gapscope.triage import correct_facet

    target = sents[0]
    correct_facet(library, ids[0], target["start"], target["end"], "open")
    fixed = paper_sentences(library, ids[0])[0]
    assert fixed["shortcoming"] == "open" and fixed["shortcoming_corrected"] and not fixed["role_corrected"]
    assert fixed["role"] == target["role"]
    correct_facet(library, ids[0], target["start"], target["end"], "method")
    fixed = paper_sentences(library, ids[0])[0]
    assert (fixed["role"], fixed["shortcoming"]) == ("method", "open") and fixed["role_corrected"]
    texts = facet_texts(library)
    assert set(texts) == set(ids) and texts[ids[0]]["shortcoming"].startswith(target["text"])
    assert texts[ids[0]]["method"].startswith(target["text"])
    correct_facet(library, ids[0], target["start"], target["end"], "none")
    assert not facet_texts(library)[ids[0]]["shortcoming"].startswith(target["text"])
    correct_facet(library, ids[0], target["start"], target["end"], "limitation")      # the old name: own
    assert paper_sentences(library, ids[0])[0]["shortcoming"] == "own"

    stats = embed_library(library, kinds=("method", "shortcoming"), encoder=enc)
    assert stats["embedded"] > 0
    got, _ = load_vectors(library, "shortcoming", model_id=enc.model_id)
    assert ids[0] in got

    # nothing to redo; a changed abstract is classified again
    assert classify_library(library, model=model, encoder=enc)["classified"] == 0
    with library.transaction() as conn:
        conn.execute("UPDATE papers SET abstract = abstract || ' We leave robustness to future work.' WHERE id = ?", (ids[1],))
    assert classify_library(library, model=model, encoder=enc)["classified"] == 1
    assert paper_sentences(library, ids[1])[-1]["text"] == "We leave robustness to future work."


def test_review_lists_the_least_certain_uncorrected_labels(library, shared_data):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.facets import uncertain_sentences

    ids = add_papers(library, arxiv_records(str(shared_data), 6, offset=40))
    classify_library(library, model=load_model(), encoder=Encoder())
    every = [dict(s, paper_id=i) for i in ids for s in paper_sentences(library, i)]
    rows = uncertain_sentences(library, limit=len(every) + 5)
    assert len(rows) == len(every)
    confs = [min(r["role_confidence"], r["shortcoming_confidence"]) for r in rows]
    assert confs == sorted(confs) and confs[0] == min(min(s["role_confidence"], s["shortcoming_confidence"]) for s in every)

    # the top of the list is the lowest-confidence sentences of the whole library, with where to correct them
    top = uncertain_sentences(library, limit=3)
    assert [(r["paper_id"], r["idx"]) for r in top] == [(r["paper_id"], r["idx"]) for r in rows[:3]]
    assert all(r["title"] and library._conn.execute("SELECT substr(abstract, ?, ?) FROM papers WHERE id = ?",
               (r["start"] + 1, r["end"] - r["start"], r["paper_id"])).fetchone()[0].split() == r["text"].split()
               for r in top)

    # a label filter and a confidence ceiling narrow it; a corrected sentence is settled and leaves the list
    label = rows[0]["role"]
    assert all(r["role"] == label for r in uncertain_sentences(library, role=label, limit=100))
    by_short = uncertain_sentences(library, shortcoming="none", by="shortcoming", limit=100)
    assert by_short and all(r["shortcoming"] == "none" for r in by_short)
    assert [r["shortcoming_confidence"] for r in by_short] == sorted(r["shortcoming_confidence"] for r in by_short)
    mid = sorted(confs)[len(confs) // 2]
    assert all(min(r["role_confidence"], r["shortcoming_confidence"]) < mid
               for r in uncertain_sentences(library, below=mid, limit=100))
    first = rows[0]
    from gapscope.triage import correct_facet

    correct_facet(library, first["paper_id"], first["start"], first["end"], first["role"])
    assert (first["paper_id"], first["idx"]) not in {(r["paper_id"], r["idx"]) for r in uncertain_sentences(library, limit=100)}

    res = CliRunner().invoke(main, ["-L", str(library.path), "facets", "review", "--limit", "2", "--json"])
    assert res.exit_code == 0, res.output
    assert [(r["paper_id"], r["idx"]) for r in json.loads(res.output)["sentences"]] == \
        [(r["paper_id"], r["idx"]) for r in rows[1:3]]
    res = CliRunner().invoke(main, ["-L", str(library.path), "facets", "review", "--shortcoming", "none", "--by",
                                    "shortcoming", "--limit", "3", "--json"])
    assert res.exit_code == 0 and json.loads(res.output)["sentences"] == \
        uncertain_sentences(library, shortcoming="none", by="shortcoming", limit=3)
    res = CliRunner().invoke(main, ["-L", str(library.path), "facets", "review", "--limit", "1"])
    assert res.exit_code == 0 and f"paper {rows[1]['paper_id']} [{rows[1]['start']}..{rows[1]['end']}]" in res.output
