"""A concept listed under its acronym in one gap and spelled out in another ("LoRA" / "low-rank adaptation"):
each counts only its own name's papers, so `gaps list` and `gaps show` say the other gap lists it too."""

from __future__ import annotations


def _gap(method, problem, expansions=None):
    from gapscope.gaps.model import Gap

    return Gap(type="method_x_problem", score=0.5, statement=f"Apply {method} to {problem}.", method=None,
               problem=None, evidence=[], details={"level": "concept", "method_concept": method,
                                                   "problem_concept": problem, "expansions": expansions or {}})


def test_gaps_list_and_show_say_an_end_is_listed_under_its_other_name(library):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.gaps import list_gaps
    from gapscope.gaps.aliases import other_names
    from gapscope.gaps.store import save_gaps

    save_gaps(library, [_gap("LoRA", "open-vocabulary object detection", {"LoRA": "low-rank adaptation"}),
                        _gap("low-rank adaptation", "image-text alignment"), _gap("KV cache", "continual learning")])
    ids = {g.details["method_concept"]: g.id for g in list_gaps(library)}
    notes = other_names((g.id, g.details) for g in list_gaps(library))
    assert notes == {
        ids["LoRA"]: [f"“LoRA” is also listed as “low-rank adaptation” (gap #{ids['low-rank adaptation']}): each "
                      "counts only the papers that use its own name"],
        ids["low-rank adaptation"]: [f"“low-rank adaptation” is also listed as “LoRA” (gap #{ids['LoRA']}): each "
                                     "counts only the papers that use its own name"]}
    run = lambda *a: CliRunner().invoke(main, ["--library", str(library.path), "gaps", *a])  # noqa: E731
    r = run("list")
    assert r.exit_code == 0 and r.output.count("also listed: ") == 2, r.output
    r = run("show", str(ids["low-rank adaptation"]))
    assert r.exit_code == 0 and f"also listed: “low-rank adaptation” is also listed as “LoRA” (gap #{ids['LoRA']})" \
        in r.output, r.output
    r = run("show", str(ids["KV cache"]))
    assert r.exit_code == 0 and "also listed" not in r.output
