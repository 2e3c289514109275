"""`analyze`: facets, embed, maps and gaps in one core call (and `gapscope analyze`), each step only
where something is missing; a second run does nothing. Real papers, the shipped facet model and encoder."""

from __future__ import annotations

import gzip
import itertools
import json

import pytest
from click.testing import CliRunner

N = 160


def _slice(shared_data, out, n, skip=0):
    src = shared_data / "arxiv" / "arxiv-cs-2025-2026.jsonl.gz"
    with gzip.open(src, "rt", encoding="utf-8") as f, open(out, "w", encoding="utf-8") as g:
        for line in itertools.islice(f, skip, skip + n):
            g.write(line)
    return out


@pytest.fixture(scope="module")
def analysed(tmp_path_factory, shared_data):
    """A library analysed once through the CLI (no terminal: plain progress lines)."""
    from gapscope.cli import main
    from gapscope.commands import plain_progress
    from gapscope.ingest import import_file
    from gapscope.store import Library

    d = tmp_path_factory.mktemp("analyze")
    path = d / "lib.sqlite"
    with Library(path) as lib:
        import_file(lib, _slice(shared_data, d / "slice.jsonl", N), fmt="arxiv")
    # a clock that moves on 10 s at each reading: every update is a line, however fast this computer runs
    # (the lines are at most one each 5 s of the real clock, so their number is the machine's speed)
    ticks = itertools.count(0.0, 10.0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(plain_progress, "monotonic_clock", lambda: next(ticks))
        r = CliRunner().invoke(main, ["--library", str(path), "analyze"])
    assert r.exit_code == 0, r.output
    return path, r


def test_the_first_run_does_every_step_and_shows_plain_progress(analysed):
    from gapscope.store import Library

    path, r = analysed
    assert "facets: done" in r.stdout and "embed: done" in r.stdout and "map:topic: done" in r.stdout
    assert "gaps: done" in r.stdout
    # the gaps are between concepts: extracted from the facet sentences before the gaps
    assert "concepts: done" in r.stdout, r.stdout
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("analyze:")]
    assert len(lines) >= 4 and "\ranalyze" not in r.stderr            # lines, not a redrawn bar
    assert any("classifying" in ln for ln in lines) and any("clustering" in ln for ln in lines)
    with Library(path) as lib:
        assert all(lib.latest_map_id(f) is not None for f in ("topic", "method", "result"))
        # the gaps step ran (one day of papers: no time-based gap, and the notices say why when none is found)
        from gapscope.gaps.store import last_find

        assert last_find(lib) is not None
        batch = lib.latest_concept_batch()
        assert batch is not None and lib.concept_run(batch)["fingerprint"] == lib.library_fingerprint()
        assert lib.load_concepts(batch)
        # the maps were clustered before the concepts existed: their labels were made again from them
        from gapscope.maps import latest_map

        maps = [latest_map(lib, f) for f in ("topic", "method", "result")]
        assert all(m.params["label_concept_batch"] == batch for m in maps)
        # a list of concept phrases, or one phrase from them (maps/phrase_labels.py, its cover recorded)
        assert any(c.label_kind == "concepts" and (c.label == ", ".join(c.concepts[:3])
                                                   or str(c.id) in m.params["label_cover"])
                   for m in maps for c in m.clusters)
    assert "labels: done" in r.stdout, r.stdout


def test_a_second_run_does_nothing(analysed, monkeypatch):
    from gapscope import embed
    from gapscope.analyze import analyze
    from gapscope.cli import main
    from gapscope.store import Library
    from gapscope.vocabulary import MAP_FACETS

    def no_model(*_a, **_k):
        raise AssertionError("nothing to encode: the model must not load")

    monkeypatch.setattr(embed.encoder.Encoder, "__init__", no_model)
    path, _ = analysed
    with Library(path) as lib:
        before = {f: lib.latest_map_id(f) for f in MAP_FACETS}
        batch = lib.latest_gap_batch()
        rep = analyze(lib)
        assert rep.ran == []
        assert {f: lib.latest_map_id(f) for f in before} == before and lib.latest_gap_batch() == batch
        assert rep.maps == {f: i for f, i in before.items() if i is not None}
    r = CliRunner().invoke(main, ["--library", str(path), "analyze"])
    assert r.exit_code == 0 and "nothing to do" in r.stdout, r.output


def test_new_papers_rerun_what_depends_on_them(tmp_path, shared_data):
    from gapscope.analyze import analyze
    from gapscope.ingest import import_file
    from gapscope.store import Library

    with Library(tmp_path / "lib.sqlite") as lib:
        import_file(lib, _slice(shared_data, tmp_path / "a.jsonl", 60), fmt="arxiv")
        first = analyze(lib, facets=("topic",), gaps=False)
        assert first.ran == ["embed", "map:topic"]            # topic only: no facet sentences needed
        topic = lib.latest_map_id("topic")
        assert analyze(lib, facets=("topic",), gaps=False).ran == []
        import_file(lib, _slice(shared_data, tmp_path / "b.jsonl", 20, skip=60), fmt="arxiv")
        again = analyze(lib, facets=("topic",), gaps=False)
        assert again.ran == ["embed", "map:topic"] and lib.latest_map_id("topic") != topic
        assert json.loads(json.dumps(again.to_dict()))["maps"]["topic"] == lib.latest_map_id("topic")


def test_a_changed_citation_graph_reruns_only_the_gaps(analysed, tmp_path, monkeypatch):
    """Gaps carry citation evidence (gapscope.citations.gaps): new citation edges make the gaps step
    run again, and nothing before it."""
    from gapscope import embed
    from gapscope.analyze import analyze
    from gapscope.concepts import concreteness
    from gapscope.store import Library
    from gapscope.store.citations import VIA_S2

    def no_model(*_a, **_k):
        raise AssertionError("nothing to encode: the model must not load")

    monkeypatch.setattr(embed.encoder.Encoder, "__init__", no_model)
    # the concreteness check of the listed gaps encodes their concepts' head words (test_concept_concreteness);
    # off here, so that the guard above sees whether a step before the gaps encodes
    monkeypatch.setattr(concreteness, "load_model", lambda: None)
    path, _ = analysed
    with Library(path) as shared:
        copy = shared.backup_to(tmp_path / "copy.gapscope").library    # the module's library stays as it is
    with Library(copy) as lib:
        assert analyze(lib).ran == []
        a, b, c = (lib.upsert_work({"doi": f"10.1/x{i}"}, paper_id=pid) for i, pid in enumerate(lib.list_paper_ids()[:3]))
        lib.add_citations([(a, c), (b, c)], VIA_S2)
        batch = lib.latest_gap_batch()
        assert analyze(lib).ran == ["gaps"] and lib.latest_gap_batch() != batch
        assert analyze(lib).ran == []


def test_maps_and_gaps_made_by_their_own_commands_are_not_made_again(analysed, tmp_path, monkeypatch):
    """README step 2 run command by command (`map`, `gaps find`), then `analyze`: nothing changed, so
    nothing is clustered or found again; a map of other settings (`map --k 3`) is built again."""
    from gapscope.analyze import analyze
    from gapscope.cli import main
    from gapscope.concepts import concreteness
    from gapscope.store import Library

    monkeypatch.setattr(concreteness, "load_model", lambda: None)     # no encoder needed for this check
    path, _ = analysed
    with Library(path) as shared:
        copy = shared.backup_to(tmp_path / "copy.gapscope").library
    for args in (["map", "-q"], ["gaps", "find", "-q"]):
        r = CliRunner().invoke(main, ["--library", str(copy), *args])
        assert r.exit_code == 0, r.output
    with Library(copy) as lib:
        assert analyze(lib).ran == []
    r = CliRunner().invoke(main, ["--library", str(copy), "map", "-q", "--facet", "topic", "--k", "3"])
    assert r.exit_code == 0, r.output
    with Library(copy) as lib:
        assert analyze(lib, gaps=False).ran == ["map:topic"]
