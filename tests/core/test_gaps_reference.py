"""The "already done" check against a reference corpus (gaps/reference.py): a pair of concepts that enough
abstracts of a bigger reference library mention together is established practice and not listed; one with
fewer stays, with those reference papers as its evidence. The `gaps find --reference` option and the
``gaps_reference`` setting (command line > environment > library > user file)."""

from __future__ import annotations

import json

import pytest

from tests.core.test_gaps_rank import constructed_graph


def make_reference(path, rows):
    """A reference library at ``path`` holding ``rows`` (title, abstract, year[, arXiv id]), through the
    normal import."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper
    from gapscope.store import Library

    lib = Library(path)
    ingest_papers(lib, [Paper(title=r[0], abstract=r[1], year=r[2], source="ref", source_key=str(i),
                              arxiv_id=r[3] if len(r) > 3 else None)
                        for i, r in enumerate(rows)], kind="import", source="ref", target="test")
    lib.close()
    return path


FILLER = [(f"Unrelated study {i}", "We measure the weather on a small island and nothing else.", 2024) for i in range(6)]


def _pair(g):
    return g.details["method_concept"], g.details["problem_concept"]


def test_established_pair_is_dropped_and_a_rarer_one_kept_with_its_reference_papers(tmp_path):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.reference import ReferenceCorpus, established_min

    cs, dates, pv = constructed_graph(seed=2)
    # no plausibility floor: in the small constructed graph it leaves too few gaps to walk past one
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0)
    (m0, p0), (m1, p1) = _pair(listed[0]), _pair(listed[1])
    n = established_min(20)
    assert n == 3                          # a small reference corpus: the count, not the share
    rows = ([(f"Done {i}", f"We apply {m0} to {p0} with success.", 2025) for i in range(n)]
            + [(f"Tried {i}", f"A first try of {m1} on {p1}.", 2026) for i in range(n - 1)] + FILLER)
    ref = ReferenceCorpus.open(make_reference(tmp_path / "ref.gapscope", rows))
    assert ref.lib.read_only and ref.n_papers == len(rows) and ref.min_co_mentions == n
    notices: list[str] = []
    steps = []
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, reference=ref, notices=notices,
                         progress=lambda done, total, msg="": steps.append((done, total, msg)))
    steps = [s for s in steps if not s[2].startswith("listing the gaps:")]   # the listing's own steps
    assert steps and all(d <= t == 10 and "reference corpus" in msg for d, t, msg in steps)
    pairs = [_pair(g) for g in again]
    assert (m0, p0) not in pairs                              # n reference abstracts: established
    kept = again[pairs.index((m1, p1))]                       # n - 1: still a gap, with what was tried
    r = kept.details["reference"]
    assert r["co_mentions"] == n - 1 and not r["established"] and r["size"] == len(rows)
    assert sorted(p["title"] for p in r["papers"]) == [f"Tried {i}" for i in range(n - 1)]
    assert all(p["year"] == 2026 and isinstance(p["id"], int) for p in r["papers"])
    assert kept.details["evidence_counts"]["reference"] == n - 1
    # they combine the pair: counted once, in the statement's count of the abstracts that combine it
    assert kept.details["combined_by"]["count"] == n - 1
    assert f"yet only {n - 1} abstracts combine them so far (all in the reference corpus; e.g. \u201cTried " in kept.statement
    assert "Already tried" not in kept.statement
    # untouched pairs say none was found; the walk went past the dropped pair to keep as many gaps
    assert all(g.details["reference"]["co_mentions"] == 0 for g in again if _pair(g) != (m1, p1))
    assert len(again) == len(listed)
    assert any("1 established" in x for x in notices)
    # a larger threshold keeps the pair, with its n papers
    ref.min_co_mentions = n + 1
    loose = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, reference=ref)
    assert (m0, p0) in [_pair(g) for g in loose]
    # a reference that mentions every pair together leaves no gap, and says so
    ref.min_co_mentions = 1
    ref._mentions = {c.id: frozenset({1}) for c in cs.concepts}
    notices = []
    assert concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, reference=ref, notices=notices) == []
    assert any(x.startswith("only 0 concept gaps among the best") for x in notices)
    ref.close()


def test_a_reference_paper_the_library_holds_is_counted_as_the_librarys(tmp_path):
    """A library inside the reference corpus is common: a reference abstract that names both concepts and
    is one of the library's papers (its arXiv id) is counted and listed as the library's, once."""
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.reference import ReferenceCorpus

    cs, dates, pv = constructed_graph(seed=2)
    listed = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0)
    m1, p1 = _pair(listed[1])
    rows = [("Ours", f"A first try of {m1} on {p1}.", 2026, "2601.00001"),
            ("Theirs", f"A second try of {m1} on {p1}.", 2026, "2601.00002")] + FILLER
    ref = ReferenceCorpus.open(make_reference(tmp_path / "ref.gapscope", rows))
    mine = max(dates) + 1                                   # the library's copy of "Ours"
    again = concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, reference=ref,
                         held=lambda ids: {a: mine for a in ids if a == "2601.00001"})
    ref.close()
    kept = next(g for g in again if _pair(g) == (m1, p1))
    papers = {p["title"]: p for p in kept.details["reference"]["papers"]}
    assert papers["Ours"]["library_id"] == mine and "library_id" not in papers["Theirs"]
    assert kept.details["combined_by"] == {"count": 2, "papers": [mine]}
    assert kept.roles[mine] == "both"
    assert "yet only 2 abstracts combine them so far (1 in the library, 1 in the reference corpus" in kept.statement


def test_threshold_is_a_share_of_a_large_reference():
    from gapscope.gaps.reference import ESTABLISHED_MIN, established_min

    assert established_min(0) == established_min(1000) == ESTABLISHED_MIN
    assert established_min(10_000_000) > ESTABLISHED_MIN
    assert established_min(2 * 10_000_000) >= 2 * established_min(10_000_000) - 1


def test_reference_check_cancels(tmp_path):
    from gapscope.gaps.candidates import concept_gaps
    from gapscope.gaps.reference import ReferenceCorpus
    from gapscope.jobs import CancelToken, Cancelled

    cs, dates, pv = constructed_graph(seed=2)
    ref = ReferenceCorpus.open(make_reference(tmp_path / "ref.gapscope", FILLER))
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        concept_gaps(cs, dates, top=10, min_support=3, paper_vecs=pv, plausible_min=0.0, reference=ref, cancel=token)
    assert ref.checked == 0                                   # cancelled before the first reference query
    ref.close()


def test_missing_reference_library_is_named(tmp_path):
    from gapscope.gaps.reference import ReferenceCorpus
    from gapscope.store import LibraryError

    with pytest.raises(LibraryError, match="no reference library at .*nowhere.gapscope"):
        ReferenceCorpus.open(tmp_path / "nowhere.gapscope")
    assert not (tmp_path / "nowhere.gapscope").exists()


# --- the setting -------------------------------------------------------------------------------------
def test_reference_setting_resolves_command_line_env_library_user(library):
    from gapscope.settings import Settings

    user = {"gaps/reference_library": "/u.gapscope"}
    assert Settings(None, environ={}, user={}, command_line={}).lookup("gaps_reference") == (None, "default")
    assert Settings(library, environ={}, user=user, command_line={}).lookup("gaps_reference") == ("/u.gapscope", "user settings")
    library.set_setting("gaps.reference", "/l.gapscope")
    assert Settings(library, environ={}, user=user, command_line={}).lookup("gaps_reference") == ("/l.gapscope", "library")
    env = {"GAPSCOPE_GAPS_REFERENCE": "/e.gapscope"}
    assert Settings(library, environ=env, user=user, command_line={}).lookup("gaps_reference") == ("/e.gapscope", "environment")
    assert Settings(library, environ=env, user=user, command_line={"gaps_reference": "/c.gapscope"}).lookup(
        "gaps_reference") == ("/c.gapscope", "command line")


def test_reference_setting_read_from_the_user_settings_file(tmp_path, monkeypatch):
    from gapscope import settings

    f = tmp_path / "GapScope.ini"
    f.write_text("[gaps]\nreference_library=/data/arxiv-ref.gapscope\n")
    monkeypatch.setenv("GAPSCOPE_SETTINGS", str(f))
    monkeypatch.delenv("GAPSCOPE_GAPS_REFERENCE", raising=False)
    assert settings.get("gaps_reference") == "/data/arxiv-ref.gapscope"


# --- gaps find and the CLI on a real slice -----------------------------------------------------------
@pytest.fixture(scope="module")
def spread_with_topics(tmp_path_factory, shared_data):
    from gapscope.concepts.model import from_rows
    from gapscope.maps import build_maps

    from .test_gaps_concepts import spread_library

    lib, _ids, _rows, data = spread_library(tmp_path_factory.mktemp("refgaps") / "lib.gapscope", shared_data)
    build_maps(lib, data=data, stability_seeds=1, facets=["topic"])
    yield lib, data, from_rows(lib.load_concepts(), lib.latest_concept_batch())
    lib.close()


def test_gaps_find_reference_option_library_setting_and_no_reference(spread_with_topics, tmp_path, monkeypatch):
    from click.testing import CliRunner

    import gapscope.embed as embed_mod
    import gapscope.gaps.find as find_mod
    from gapscope.cli import main
    from gapscope.gaps import find_gaps

    lib, data, _ = spread_with_topics

    def vectors(_lib, kind, *a, **kw):
        return data["topic" if kind == "abstract" else kind][:2]

    monkeypatch.setattr(find_mod, "load_vectors", vectors)
    monkeypatch.setattr(embed_mod, "load_vectors", vectors)
    plain = [g for g in find_gaps(lib, data=data, save=False, reference=False) if g.details.get("level") == "concept"]
    assert plain and all(g.details["reference"] is None for g in plain)
    m0, p0 = _pair(plain[0])
    ref_path = make_reference(tmp_path / "ref.gapscope",
                              [(f"Done {i}", f"We apply {m0} to {p0}.", 2025) for i in range(3)] + FILLER)
    run = lambda *a: CliRunner().invoke(main, ["--library", str(lib.path), *a])  # noqa: E731

    r = run("gaps", "find", "--reference", str(ref_path), "--json")
    assert r.exit_code == 0, r.output
    found = [g for g in json.loads(r.output)["gaps"] if g["details"].get("level") == "concept"]
    assert found and (m0, p0) not in [(g["details"]["method_concept"], g["details"]["problem_concept"]) for g in found]
    assert all(g["details"]["reference"]["size"] == 9 for g in found)
    # `gaps show` prints the reference line of a stored gap
    r = run("gaps", "show", str(found[0]["id"]))
    assert r.exit_code == 0 and "reference corpus: 0 of its 9 abstracts mention both" in r.output

    # the library setting (as the GUI's "Find gaps" reads it) applies without the option ...
    lib.set_setting("gaps.reference", str(ref_path))
    r = run("gaps", "find", "--json")
    assert r.exit_code == 0, r.output
    assert all(g["details"]["reference"]["size"] == 9 for g in json.loads(r.output)["gaps"]
               if g["details"].get("level") == "concept")
    # ... and --no-reference turns it off
    r = run("gaps", "find", "--no-reference", "--json")
    assert r.exit_code == 0, r.output
    again = [g for g in json.loads(r.output)["gaps"] if g["details"].get("level") == "concept"]
    assert (m0, p0) in [(g["details"]["method_concept"], g["details"]["problem_concept"]) for g in again]
    assert all(g["details"]["reference"] is None for g in again)
    # a reference that is not there is named, and nothing is stored over the last gaps
    r = run("gaps", "find", "--reference", str(tmp_path / "missing.gapscope"))
    assert r.exit_code != 0 and "missing.gapscope" in r.output
    lib.set_setting("gaps.reference", None)


def test_gaps_find_openalex_option_drops_an_established_pair_and_shows_the_count(spread_with_topics, replay_server,
                                                                                  monkeypatch, shared_data):
    """`gaps find --openalex N` against the recorded OpenAlex works lists (gaps/world_check.py)."""
    from click.testing import CliRunner

    import gapscope.embed as embed_mod
    import gapscope.gaps.find as find_mod
    from gapscope.cli import main
    from gapscope.gaps.world_check import pair_query

    from .citations_fixtures import CITED_BY_PAGES, JSON, point_at

    lib, data, _ = spread_with_topics

    def vectors(_lib, kind, *a, **kw):
        return data["topic" if kind == "abstract" else kind][:2]

    monkeypatch.setattr(find_mod, "load_vectors", vectors)
    monkeypatch.setattr(embed_mod, "load_vectors", vectors)
    run = lambda *a: CliRunner().invoke(main, ["--library", str(lib.path), *a])  # noqa: E731
    r = run("gaps", "find", "--no-reference", "--json")
    assert r.exit_code == 0, r.output
    plain = [g for g in json.loads(r.output)["gaps"] if g["details"].get("level") == "concept"]
    assert plain and all(g["details"]["openalex"] is None for g in plain)    # off by default: offline
    pairs = [(g["details"]["method_concept"], g["details"]["problem_concept"]) for g in plain]
    folder = shared_data / "fixtures" / "paperqa-api-cassettes" / "decoded"
    two, one = (json.loads((folder / CITED_BY_PAGES[i]).read_text()) for i in (0, 2))
    answers = {pair_query([m], [p]): page for (m, p), page in zip(pairs[:2], (two, one))}
    zero = {"meta": {**one["meta"], "count": 0}, "results": []}    # the recorded list, emptied: nobody did both

    def works(params):
        return 200, json.dumps(answers.get(params["filter"].split(":", 1)[1], zero)).encode()

    replay_server.add("/works", works, content_type=JSON)
    point_at(lib, replay_server, monkeypatch)
    r = run("gaps", "find", "--no-reference", "--openalex", "2", "--json")
    assert r.exit_code == 0, r.output
    found = [g for g in json.loads(r.output)["gaps"] if g["details"].get("level") == "concept"]
    got = [(g["details"]["method_concept"], g["details"]["problem_concept"]) for g in found]
    assert pairs[0] not in got and pairs[1] in got                # 2 works: established; 1: a gap still
    second = found[got.index(pairs[1])]
    assert second["details"]["openalex"]["works"] == 1 and "OpenAlex lists 1 work" in second["statement"]
    r = run("gaps", "show", str(second["id"]))
    assert r.exit_code == 0 and "OpenAlex: 1 work mentions both (done from 2: Preferences" in r.output


EV_ABSTRACT = (
    "This paper presents a multi-modal large language model (LLM)-based framework to process multimodal sensor "
    "data - such as object detection, semantic segmentation, and vehicular telemetry - and generate "
    "natural-language alerts for drivers. By combining visual perception (YOLOv8), geocoded positioning, and CAN "
    "bus telemetry, the framework bridges raw sensor data and driver comprehension.\n  Index Terms - Electric "
    "vehicles, visual perception, large language models, YOLOv8, semantic segmentation, CAN bus, smart grid.")


def test_an_abstract_naming_two_concepts_apart_is_no_example_of_combining_them(tmp_path):
    """#2 of the 10,653-paper top 20, "Apply YOLOv8 to semantic segmentation", gave as its example of an
    abstract combining them an LLM framework for grid-integrated EVs, which lists "semantic segmentation" among
    its sensor data, uses YOLOv8 for detection and names both side by side only in its keyword list. An
    abstract naming them in one sentence comes first; one naming them only apart is said to."""
    from types import SimpleNamespace

    from gapscope.gaps.candidates import statement
    from gapscope.gaps.reference import ReferenceCorpus, named_together
    from gapscope.store import Library

    yolo = SimpleNamespace(id=1, phrase="YOLOv8", synonyms=["yolo-v8"])
    seg = SimpleNamespace(id=2, phrase="semantic segmentation", synonyms=["semantic segmentations"])
    together = "We fine-tune YOLOv8 for semantic segmentation of rails in tram camera images."
    assert not named_together(EV_ABSTRACT, ["YOLOv8"], ["semantic segmentation"])
    assert named_together(together, ["YOLOv8"], ["semantic segmentation"])
    path = make_reference(tmp_path / "ref.gapscope", [("Rail segmentation", together, 2025),
                                                       ("Grid-integrated EVs", EV_ABSTRACT, 2025), *FILLER])
    ref = ReferenceCorpus(Library(path), min_co_mentions=3)
    found = ref.check(yolo, seg)
    assert found["co_mentions"] == 2
    assert [(x["title"], x["together"]) for x in found["papers"]] == [("Rail segmentation", True),
                                                                      ("Grid-integrated EVs", False)]
    ref.close()
    m = SimpleNamespace(phrase="YOLOv8", n_papers=3)
    p = SimpleNamespace(phrase="semantic segmentation", n_papers=5)
    s = statement(m, p, 1, [], [], example="Grid-integrated EVs", in_library=0, example_apart=True)
    assert "e.g. \u201cGrid-integrated EVs\u201d, which names them in no one sentence" in s


def test_an_abbreviation_s_dot_ends_no_sentence_for_the_example():
    # "e.g." and "vs." inside one sentence: the example names the two in one sentence, and says nothing else
    from gapscope.gaps.reference import named_together

    assert named_together("We adapt LoRA to several tasks, e.g. machine translation.", ["LoRA"], ["machine translation"])
    assert named_together("LoRA vs. full fine-tuning for machine translation.", ["LoRA"], ["machine translation"])
    assert not named_together("We study LoRA. It helps machine translation.", ["LoRA"], ["machine translation"])
