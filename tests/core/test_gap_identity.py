"""A link to a gap by id (an experiment run's gap_id) after gaps are found again: the same gap (kind and
both ends) is followed to its new id, a gap no longer listed is said gone (never another gap), and the runs
that tested a gap are found through either id."""

from __future__ import annotations


def concept_gap(method: str, problem: str, statement: str):
    from gapscope.gaps.model import ClusterRef, Gap

    return Gap(type="method_x_problem", score=0.5, statement=statement, evidence=[],
               method=ClusterRef(facet="method_concept", map_id=1, cluster=len(method), label=method, keywords=[]),
               problem=ClusterRef(facet="problem_concept", map_id=1, cluster=len(problem), label=problem, keywords=[]),
               details={"level": "concept"})


def found_twice(lib):
    """Batch 1: LoRA x KV cache (#1), RAG x hallucination (#2); batch 2 finds LoRA x KV cache again and a
    new gap. A run tested #1."""
    from gapscope.gaps.store import save_gaps

    first = [concept_gap("LoRA", "KV cache", "Apply LoRA to KV cache."),
             concept_gap("RAG", "hallucination", "Apply RAG to hallucination.")]
    save_gaps(lib, first)
    lib.insert_run(run_id="r1", name="mlp", spec_path=None, spec="", folder="runs/r1", status="done",
                   gap_id=first[0].id, created_at="2026-05-01T10:00:00+00:00", papers=[])
    again = [concept_gap("LoRA ", "kv  cache", "Apply LoRA to KV cache (found again)."),
             concept_gap("GRPO", "reward hacking", "Apply GRPO to reward hacking.")]
    save_gaps(lib, again)
    return first, again


def test_a_link_follows_the_same_gap_found_again_and_says_when_it_is_gone(library):
    from gapscope.gaps.identity import gap_key, resolve_gap

    first, again = found_twice(library)
    assert gap_key(first[0]) == gap_key(again[0]) != gap_key(first[1])
    assert gap_key(first[0]) == gap_key(first[0].to_dict())
    moved = resolve_gap(library, first[0].id)
    assert moved.gap.id == again[0].id and moved.moved and moved.was.statement == first[0].statement
    gone = resolve_gap(library, first[1].id)
    assert gone.gap is None and gone.was.statement == "Apply RAG to hallucination."
    assert gone.listed_since and gone.listed_since[:4].isdigit()
    here = resolve_gap(library, again[1].id)
    assert here.gap.id == again[1].id and not here.moved
    assert resolve_gap(library, 999).gap is None and resolve_gap(library, 999).was is None


def test_the_runs_of_a_gap_include_those_of_its_earlier_copy(library):
    from gapscope.gaps import list_gaps
    from gapscope.gaps.identity import runs_of_gaps

    _first, again = found_twice(library)
    assert runs_of_gaps(library, list_gaps(library)) == {again[0].id: ["r1"]}


def test_gaps_show_names_the_runs_that_tested_the_gap_through_either_id(library):
    """The window's gap details name the runs that tested a gap; `gapscope gaps show N` (and its --json) did not,
    so from the command line a gap found again read as never tested."""
    import json

    from click.testing import CliRunner

    from gapscope.cli import main

    _first, again = found_twice(library)
    lib = ["--library", str(library.path)]
    out = CliRunner().invoke(main, [*lib, "gaps", "show", str(again[0].id)])
    assert out.exit_code == 0, out.output
    assert "    runs (gapscope runs show ID):\n      r1" in out.output
    shown = json.loads(CliRunner().invoke(main, [*lib, "gaps", "show", str(again[0].id), "--json"]).stdout)
    assert shown["runs"] == ["r1"]
    other = CliRunner().invoke(main, [*lib, "gaps", "show", str(again[1].id)])
    assert "runs (gapscope runs show ID)" not in other.output
    assert json.loads(CliRunner().invoke(main, [*lib, "gaps", "show", str(again[1].id), "--json"]).stdout)["runs"] == []


def test_runs_list_by_gap_finds_the_runs_of_its_earlier_copy_as_gaps_show_does(library):
    """`runs list --gap N` matched the exact id only: a gap found again listed no runs there, while
    `gaps show N` named them. Both now go through either id, and a gap id no longer stored keeps its own runs."""
    import json

    from click.testing import CliRunner

    from gapscope.cli import main

    first, again = found_twice(library)
    library.insert_run(run_id="r2", name="mlp", spec_path=None, spec="", folder="runs/r2", status="done",
                       gap_id=again[0].id, created_at="2026-05-02T10:00:00+00:00", papers=[])
    library.insert_run(run_id="r3", name="mlp", spec_path=None, spec="", folder="runs/r3", status="done",
                       gap_id=again[1].id, created_at="2026-05-03T10:00:00+00:00", papers=[])
    library.insert_run(run_id="r4", name="mlp", spec_path=None, spec="", folder="runs/r4", status="done",
                       gap_id=999, created_at="2026-05-04T10:00:00+00:00", papers=[])
    lib = ["--library", str(library.path)]

    def listed(gap_id):
        out = CliRunner().invoke(main, [*lib, "runs", "list", "--gap", str(gap_id), "--json"])
        assert out.exit_code == 0, out.output
        return [r["id"] for r in json.loads(out.stdout)]

    def shown(gap_id):
        return json.loads(CliRunner().invoke(main, [*lib, "gaps", "show", str(gap_id), "--json"]).stdout)["runs"]

    assert listed(again[0].id) == ["r2", "r1"] and sorted(shown(again[0].id)) == ["r1", "r2"]
    assert listed(first[0].id) == ["r2", "r1"]          # through the old id too
    assert listed(again[1].id) == ["r3"] == shown(again[1].id)
    assert listed(first[1].id) == []                    # a gap no run tested
    assert listed(999) == ["r4"]                        # no such gap stored: its own runs still list
