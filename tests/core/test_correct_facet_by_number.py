"""`gapscope annotate correct-facet PAPER --sentence N LABEL` (and `uncorrect-facet --sentence N`) take a
sentence by the number `gapscope facets show PAPER` prints before it, so that no one needs the character
offsets only `--json` gives; START END keep working."""

from __future__ import annotations

from click.testing import CliRunner

from gapscope.cli import main

from .facets_helpers import add_papers
from .test_correction_anchors import _classify

ABSTRACT = ("We study sparse matrix reordering. We compare two factorization methods on many matrices. "
            "Both methods leave the largest matrices unsolved.")


def _paper(library) -> int:
    pid = add_papers(library, [("Reordering for sparse factorization", ABSTRACT)])[0]
    _classify(library, pid)
    return pid


def _run(library, *args):
    return CliRunner().invoke(main, ["-L", str(library.path), *args])


def test_facets_show_numbers_the_sentences_that_correct_facet_takes(library):
    pid = _paper(library)
    shown = _run(library, "facets", "show", str(pid)).output.splitlines()
    third = next(line for line in shown if line.split()[0] == "3")
    assert third.endswith("Both methods leave the largest matrices unsolved.")

    r = _run(library, "annotate", "correct-facet", str(pid), "--sentence", "3", "own")
    assert r.exit_code == 0, r.output
    (c,) = library.facet_corrections(pid)
    assert (c["start"], c["end"], c["shortcoming"]) == (ABSTRACT.index("Both"), len(ABSTRACT), "own")
    assert _run(library, "facets", "show", str(pid)).output.splitlines()[2].split()[:5] == \
        ["3", "background", "0.50", "own", "*"]

    r = _run(library, "annotate", "uncorrect-facet", str(pid), "--sentence", "3")
    assert r.exit_code == 0, r.output
    assert library.facet_corrections(pid) == []


def test_the_offsets_form_still_works_and_mixing_or_missing_either_is_refused(library):
    pid = _paper(library)
    second = (ABSTRACT.index("We compare"), ABSTRACT.index(" Both"))
    r = _run(library, "annotate", "correct-facet", str(pid), *map(str, second), "method")
    assert r.exit_code == 0, r.output
    assert [(c["start"], c["end"], c["role"]) for c in library.facet_corrections(pid)] == [(*second, "method")]

    both = _run(library, "annotate", "correct-facet", str(pid), *map(str, second), "--sentence", "2", "none")
    neither = _run(library, "annotate", "correct-facet", str(pid), "none")
    bad_label = _run(library, "annotate", "correct-facet", str(pid), "--sentence", "2", "nonsense")
    too_far = _run(library, "annotate", "correct-facet", str(pid), "--sentence", "4", "none")
    assert (both.exit_code, neither.exit_code, bad_label.exit_code, too_far.exit_code) == (2, 2, 2, 4)
    assert "has 3 sentences" in too_far.output and "nonsense" in bad_label.output
    assert [(c["start"], c["end"], c["role"], c["shortcoming"]) for c in library.facet_corrections(pid)] == \
        [(*second, "method", None)]                 # nothing refused was written
