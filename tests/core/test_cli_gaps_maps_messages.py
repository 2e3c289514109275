"""What `map`, `gaps list / show`, `facets` and `annotate` say when there is little or nothing to work on:
each reason once, in words, naming what is missing."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from .maps_fixtures import cs_rows, facet_data, insert_papers  # noqa: F401 (cs_rows is a fixture)


def _run(lib, *args):
    from gapscope.cli import main

    return CliRunner().invoke(main, ["--library", str(lib.path), *args])


@pytest.fixture
def small(tmp_path, cs_rows):
    from gapscope.store import Library

    lib = Library(tmp_path / "lib.gapscope")
    rows = cs_rows[:60]
    ids = insert_papers(lib, rows)
    yield lib, ids, facet_data(ids, rows)
    lib.close()


def test_gaps_list_after_a_find_that_found_none_says_so_and_why(small, monkeypatch):
    import gapscope.gaps.find as find_mod
    from gapscope.gaps import find_gaps, list_gaps, save_gaps
    from gapscope.gaps.model import Gap
    from gapscope.maps import build_maps

    lib, ids, data = small
    build_maps(lib, facets=("topic",), data=data, stability_seeds=0)
    save_gaps(lib, [Gap("thin_growing", 1.0, "An older gap.", None, None, [ids[0]])])   # an earlier list

    def none_found(maps, dates, notices=None, **kw):
        notices.append("no 'thin and growing' gaps: the papers span 3 days")
        return []

    monkeypatch.setattr(find_mod, "detect_all", none_found)
    assert find_gaps(lib, data=data) == []
    assert list_gaps(lib) == []                                # not the earlier list, as if it were current
    r = _run(lib, "gaps", "list")
    assert r.exit_code == 0, r.output
    assert "found no gaps" in r.output and "the papers span 3 days" in r.output
    assert "run `gapscope map`" not in r.output and "An older gap." not in r.output


def test_gaps_show_prints_details_as_indented_lines(small):
    from gapscope.gaps import save_gaps
    from gapscope.gaps.model import Gap

    lib, ids, _ = small
    g = Gap("method_x_problem", 0.9, "Apply X to Y.", None, None, [ids[0]], roles={ids[0]: "method"},
            details={"method_papers": 6, "features": {"jaccard": 0.12, "growth_m": -0.07},
                     "predicting_methods": [{"concept": "synthetic data", "papers_with_problem": 1}],
                     "shared": ["a", "b"], "reference": None})
    save_gaps(lib, [g])
    r = _run(lib, "gaps", "show", str(g.id))
    assert r.exit_code == 0, r.output
    assert "{'" not in r.output and "[{" not in r.output
    lines = r.output.splitlines()
    at = lines.index("    details:")
    assert lines[at + 1:at + 9] == ["      method_papers: 6", "      features:", "        jaccard: 0.12",
                                    "        growth_m: -0.07", "      predicting_methods:",
                                    "        - concept: synthetic data", "          papers_with_problem: 1",
                                    "      shared: a, b"]


def test_map_on_an_empty_library_says_why_once(tmp_path):
    from gapscope.store import Library

    lib = Library(tmp_path / "empty.gapscope")
    r = _run(lib, "map")
    assert r.exit_code != 0
    assert r.output.count("the library has no papers yet") == 1, r.output
    lib.close()


def test_map_k_above_the_papers_is_capped_with_a_note(small, monkeypatch):
    import gapscope.maps as maps_mod

    lib, ids, data = small
    real = maps_mod.build_maps
    monkeypatch.setattr(maps_mod, "build_maps", lambda lib, **kw: real(lib, data=data, **kw))   # stand-in vectors
    r = _run(lib, "map", "--facet", "topic", "--k", "500", "--stability-seeds", "0")
    assert r.exit_code == 0, r.output
    n = len(data["topic"][0])
    assert f"note: --k 500 asks for more clusters than the {n} papers with topic vectors: k={n}" in r.output
    r = _run(lib, "map", "--facet", "topic", "--k", "5", "--stability-seeds", "0")
    assert r.exit_code == 0 and "note:" not in r.output


def test_map_of_a_collection_that_does_not_exist_names_the_ones_that_do(small):
    lib, ids, _ = small
    lib.add_to_collection("half", ids[::2])
    r = _run(lib, "map", "--collection", "typo")
    assert r.exit_code == 4
    assert "no collection named 'typo' (the library has 'half')" in r.output
    assert "scope" not in r.output and "{" not in r.output


def test_facets_on_a_library_without_abstracts_says_so(tmp_path):
    from gapscope.store import Library

    lib = Library(tmp_path / "empty.gapscope")
    r = _run(lib, "facets", "-q")
    assert r.exit_code == 0, r.output
    assert "roles:" not in r.output and "the library has no papers yet" in r.output
    with lib.transaction() as conn:
        conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES ('A PDF only', '', 'a', 'now')")
    r = _run(lib, "facets", "-q")
    assert "roles:" not in r.output and "the library has no abstracts (1 paper, none with an abstract)" in r.output
    lib.close()


def test_facets_show_of_a_paper_without_abstract_says_so_and_what_its_pdf_has(small):
    lib, ids, _ = small
    with lib.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES ('PDF only', '',"
                           " 'pdf only', 'now')").lastrowid
    r = _run(lib, "facets", "show", str(pid))
    assert "has no abstract" in r.output and "no PDF attached" in r.output and "run `gapscope facets`" not in r.output
    att = lib.add_attachment(pid, "0" * 64, "x.pdf", "x.pdf", source="file", match_how=None, match_score=None,
                             status="ok", message=None, pages=1)
    lib.put_fulltext(att, pid, [{"position": 0, "name": "Limitations", "kind": "limitations", "page": 1}],
                     [{"section_pos": 0, "page": 1, "paragraph": 0, "start": 0, "end": 9, "text": "It fails."}])
    r = _run(lib, "facets", "show", str(pid))
    assert "has no abstract" in r.output and "not labelled yet: run `gapscope pdf label`" in r.output
    with lib.transaction() as conn:
        conn.execute("UPDATE fulltext_sentences SET role = 'other', shortcoming = 'own', facet_model = 'm'")
    r = _run(lib, "facets", "show", str(pid))
    assert f"its PDF text is labelled (1 of 1 sentences): `gapscope pdf text {pid}`" in r.output


@pytest.mark.parametrize("args", [["annotate", "highlight", "{p}", "50", "10"],
                                  ["annotate", "correct-facet", "{p}", "130", "84", "method"]])
def test_a_reversed_span_says_the_start_must_come_first(small, args):
    lib, ids, _ = small
    r = _run(lib, *[a.format(p=ids[0]) for a in args])
    assert r.exit_code != 0
    assert "start must be before the end" in r.output and "outside" not in r.output


def test_a_batch_saved_after_a_find_that_found_none_is_listed(small, monkeypatch):
    import gapscope.gaps.find as find_mod
    from gapscope.gaps import find_gaps, list_gaps, save_gaps
    from gapscope.gaps.model import Gap
    from gapscope.maps import build_maps

    lib, ids, data = small
    build_maps(lib, facets=("topic",), data=data, stability_seeds=0)
    monkeypatch.setattr(find_mod, "detect_all", lambda maps, dates, notices=None, **kw: [])
    assert find_gaps(lib, data=data) == []
    save_gaps(lib, [Gap("thin_growing", 1.0, "A later gap.", None, None, [ids[0]])])
    assert [g.statement for g in list_gaps(lib)] == ["A later gap."]    # the flag is about its own run


def test_a_find_saves_its_gaps_and_its_record_together_or_not_at_all(small, monkeypatch):
    import gapscope.gaps.find as find_mod
    from gapscope.gaps import find_gaps
    from gapscope.gaps.model import Gap
    from gapscope.maps import build_maps

    lib, ids, data = small
    build_maps(lib, facets=("topic",), data=data, stability_seeds=0)
    monkeypatch.setattr(find_mod, "detect_all", lambda maps, dates, notices=None, **kw:
                        [Gap("thin_growing", 1.0, "A gap.", None, None, [ids[0]])])
    real_set = lib.set_setting

    def fails_on_the_record(key, value):
        if key == "gaps.last_find":
            raise OSError("disk gone")
        real_set(key, value)

    monkeypatch.setattr(lib, "set_setting", fails_on_the_record)
    with pytest.raises(OSError):
        find_gaps(lib, data=data)
    assert lib.latest_gap_batch() is None and lib.get_setting("gaps.notices") is None
    monkeypatch.setattr(lib, "set_setting", real_set)
    find_gaps(lib, data=data)
    assert lib.get_setting("gaps.last_find")["batch"] == lib.latest_gap_batch()


def test_gaps_list_topic_keeps_a_region_and_a_shortcoming_by_their_topics_as_the_gaps_view(small):
    """`gaps list --topic` follows the Gaps view's rule (gapscope.gaps.topics): a thin, growing region is its
    own topic, an unaddressed shortcoming belongs to its evidence papers' topics; it used to list neither."""
    from gapscope.gaps import save_gaps
    from gapscope.gaps.model import ClusterRef, Gap

    from .maps_fixtures import save_topic_map

    lib, ids, _data = small
    mid = save_topic_map(lib, ["diffusion, gpu", "speech"], {ids[0]: 0, ids[1]: 0, ids[2]: 1, ids[3]: 1})
    save_gaps(lib, [
        Gap("thin_growing", 0.9, "Region diffusion is thin.", None,
            ClusterRef("topic", mid, 0, "diffusion, gpu", []), [ids[0]], roles={ids[0]: "region"}),
        Gap("unaddressed_shortcoming", 0.8, "Nobody fixes accents.", None,
            ClusterRef("shortcoming", 9, 3, "accents", []), [ids[2]], roles={ids[2]: "shortcoming"}),
        Gap("method_x_problem", 0.7, "Apply A to B.", None, None, [ids[1]],
            details={"level": "concept", "topic": {"cluster": 0, "label": "diffusion, gpu"}})])

    def listed(text):
        out = _run(lib, "gaps", "list", "--topic", text).output
        return [s for s in ("Region diffusion is thin.", "Nobody fixes accents.", "Apply A to B.") if s in out]

    assert "topic: diffusion, gpu" in _run(lib, "gaps", "list").output.split("Region diffusion")[0]
    assert listed("diffusion") == ["Region diffusion is thin.", "Apply A to B."]
    assert listed("speech") == ["Nobody fixes accents."]
    assert listed("vision") == []


def test_gaps_list_limit_0_lists_every_gap(small):
    """`gaps list --limit 0` has always listed every gap (the list is cut only at a limit): a script that
    asks for all of them is not refused."""
    import json

    from gapscope.gaps import save_gaps
    from gapscope.gaps.model import Gap

    lib, ids, _data = small
    save_gaps(lib, [Gap("thin_growing", 1.0 - i / 100, f"Gap number {i}.", None, None, [ids[i]]) for i in range(25)])
    r = _run(lib, "gaps", "list", "--limit", "0", "--json")
    assert r.exit_code == 0, r.output
    assert [g["statement"] for g in json.loads(r.output)] == [f"Gap number {i}." for i in range(25)]
    assert len(json.loads(_run(lib, "gaps", "list", "--json").output)) == 20


def test_gaps_list_with_no_gaps_names_only_the_steps_still_missing(small, tmp_path):
    """A library with its maps built but no gaps found: the hint is `gaps find` alone (it was "run
    `gapscope map` then `gapscope gaps find`" whatever the library had); without maps it names the steps
    to the maps first, without papers the import."""
    from gapscope.maps import build_maps
    from gapscope.store import Library

    lib, _ids, data = small
    r = _run(lib, "gaps", "list")
    assert r.exit_code == 0 and r.output.startswith("no maps yet") and r.output.rstrip().endswith(
        "`gapscope map`, then `gapscope gaps find`")
    build_maps(lib, facets=("topic",), data=data, stability_seeds=0)
    r = _run(lib, "gaps", "list")
    assert r.exit_code == 0, r.output
    assert r.output.strip() == "no gaps yet: run `gapscope gaps find`"
    with Library(tmp_path / "empty.gapscope") as empty:
        r = _run(empty, "gaps", "list")
    assert "no papers yet" in r.output and "gapscope map" not in r.output


def test_gaps_list_topic_finds_a_region_under_its_map_clusters_label_too(small):
    """A concept-level region is named by its concept ("preserve privacy") while the topic map calls its
    cluster "privacy risks": `gaps list --topic` finds it under either name (the Gaps view's rule)."""
    from gapscope.gaps import save_gaps
    from gapscope.gaps.model import ClusterRef, Gap

    from .maps_fixtures import save_topic_map

    lib, ids, _data = small
    mid = save_topic_map(lib, ["privacy risks", "speech"], {ids[0]: 0, ids[1]: 0, ids[2]: 1, ids[3]: 1})
    save_gaps(lib, [Gap("thin_growing", 0.9, "“preserve privacy” is thin but growing.", None,
                        ClusterRef("topic", mid, 0, "preserve privacy", []), [ids[0], ids[1]],
                        roles={ids[0]: "region", ids[1]: "region"},
                        details={"level": "concept", "region_concept": "preserve privacy"})])

    def listed(text):
        return "“preserve privacy” is thin" in _run(lib, "gaps", "list", "--topic", text).output

    assert listed("privacy risks") and listed("preserve privacy") and listed("privacy")
    assert not listed("speech")
    assert "topic: preserve privacy (on the topic map: privacy risks)" in _run(lib, "gaps", "list").output
