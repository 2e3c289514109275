"""How a gap's lines read: no possessive glued to a concept ending in s, a verb that agrees with one."""

from __future__ import annotations


def test_the_plausibility_line_puts_no_possessive_on_a_concept():
    from gapscope.gaps.candidates import plausibility_line

    pl = {"plausibility": 0.97, "floor": 0.75, "problem_closer_than": 1.0, "method_closer_than": 0.97,
          "shared_neighbours": ["LMs"]}
    line = plausibility_line(pl, "OLMo", "low-resource languages")
    assert "languages's" not in line and "'s " not in line
    assert ("the papers on low-resource languages are closer to those on OLMo than the papers on 100% of the "
            "problems are, and the papers on OLMo closer to those on low-resource languages than the papers on "
            "97% of the methods are; shared neighbours: LMs") in line


def test_gaps_show_says_one_reference_abstract_mentions_both(library):
    from click.testing import CliRunner

    from gapscope.cli import main
    from gapscope.gaps.model import Gap
    from gapscope.gaps.store import save_gaps

    ref = {"co_mentions": 1, "size": 74566, "min_co_mentions": 3, "papers": []}
    save_gaps(library, [Gap(type="method_x_problem", score=0.5, statement="Apply A to B.", method=None, problem=None, evidence=[],
                            details={"reference": ref})])
    from gapscope.gaps import list_gaps

    gid = list_gaps(library)[0].id
    r = CliRunner().invoke(main, ["--library", str(library.path), "gaps", "show", str(gid)])
    assert r.exit_code == 0, r.output
    assert ("reference corpus: 1 of its 74,566 abstracts mentions both (done from 3: Preferences \u201cGap done at "
            "(reference abstracts naming both)\u201d, setting gaps_established_min)") in r.output



def test_a_concept_ending_in_its_acronym_reads_with_brackets_in_the_statement():
    """The extractor keeps “whole-slide images WSIs” without the brackets its papers write: the statement
    gives them back; a phrase whose last word is no acronym of the others stays as it is."""
    from types import SimpleNamespace

    from gapscope.concepts.acronyms import readable_phrase
    from gapscope.gaps.candidates import statement

    m = SimpleNamespace(phrase="SAM", n_papers=31)
    p = SimpleNamespace(phrase="whole-slide images WSIs", n_papers=12)
    s = statement(m, p, 0, [], [], expansions={"SAM": "segment anything model"})
    assert s.startswith("Apply “SAM (segment anything model)” to “whole-slide images (WSIs)”: 31 papers in the "
                        "library mention SAM and 12 mention whole-slide images (WSIs), yet none"), s
    assert readable_phrase("Mixture-of-Experts MoE") == "Mixture-of-Experts (MoE)"
    assert readable_phrase("flow matching NVS") == "flow matching NVS"
    assert readable_phrase("YOLOv8") == "YOLOv8"
