"""A facet correction removed (Remove Correction in Check Facet Labels, `gapscope annotate uncorrect-facet`)
can be put back exactly as it was: its labels, its place and the words it was made on, which for a
correction that labels no sentence are no longer in the abstract. A correction set at its place since stays."""

from __future__ import annotations

import json
import shlex

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.integrity import check_library
from gapscope.triage import correct_facet, restore_facet_correction, take_facet_correction

from .facets_helpers import add_papers
from .test_correction_anchors import _classify

ABSTRACT = ("We study sparse matrix reordering. We compare two factorization methods on many matrices. "
            "Both methods leave the largest matrices unsolved.")


def _stray(library):
    """A paper whose last sentence carries a correction (method, own) made on words since rewritten outside
    GapScope: (paper id, the correction as stored)."""
    pid = add_papers(library, [("Reordering for sparse factorization", ABSTRACT)])[0]
    _classify(library, pid)
    last = ABSTRACT.rindex("Both")
    correct_facet(library, pid, last, len(ABSTRACT), "method")
    correct_facet(library, pid, last, len(ABSTRACT), "own")
    other = ("We leave the largest matrices to a later study and " * 3)[:len(ABSTRACT) - last - 1] + "."
    with library.transaction() as conn:        # other words, as long, at its place
        conn.execute("UPDATE papers SET abstract = ? WHERE id = ?", (ABSTRACT[:last] + other, pid))
    (c,) = library.facet_corrections(pid)
    assert (c["role"], c["shortcoming"], c["text"]) == ("method", "own", ABSTRACT[last:])
    return pid, c


def test_a_removed_correction_is_put_back_exactly_and_one_set_since_stays(library):
    pid, before = _stray(library)
    taken = take_facet_correction(library, pid, before["start"], before["end"], before["text"])
    assert taken == {"paper_id": pid, **before} and library.facet_corrections(pid) == []
    assert restore_facet_correction(library, taken)
    assert library.facet_corrections(pid) == [before]          # labels, place, words and date as they were
    assert [c["text"] for c in check_library(library).facet_corrections] == [before["text"]]   # stray again

    again = take_facet_correction(library, pid, before["start"], before["end"], before["text"])
    correct_facet(library, pid, before["start"], before["end"], "result")     # set there since, on today's words
    assert not restore_facet_correction(library, again)
    (now,) = library.facet_corrections(pid)
    assert (now["role"], now["shortcoming"]) == ("result", None) and now["text"] != before["text"]


def test_uncorrect_facet_prints_the_command_that_puts_the_correction_back(library):
    pid, before = _stray(library)
    run = lambda *a: CliRunner().invoke(main, ["-L", str(library.path), *a])  # noqa: E731
    r = run("annotate", "uncorrect-facet", str(pid), str(before["start"]), str(before["end"]))
    assert r.exit_code == 0, r.output
    assert library.facet_corrections(pid) == []
    line = next(x for x in r.output.splitlines() if x.startswith("to put it back as it was: "))
    argv = shlex.split(line.split(": ", 1)[1])
    assert argv[:5] == ["gapscope", "-L", str(library.path.resolve()), "annotate", "restore-facet"]
    r = run(*argv[1:])
    assert r.exit_code == 0, r.output
    assert "restored the correction (role method, shortcoming own)" in r.output
    assert library.facet_corrections(pid) == [before]
    r = run(*argv[1:])                                          # a correction stands there now: it stays
    assert r.exit_code != 0 and "already" in r.output and library.facet_corrections(pid) == [before]

    r = run("annotate", "uncorrect-facet", "--json", str(pid), str(before["start"]), str(before["end"]))
    assert r.exit_code == 0, r.output
    shown = json.loads(r.output)
    assert {k: shown[k] for k in before} == before and "annotate restore-facet" in shown["restore"]
    r = run("annotate", "restore-facet", str(pid), str(before["start"]), str(before["end"]))
    assert r.exit_code != 0 and "--role" in r.output and library.facet_corrections(pid) == []


def test_restore_facet_refuses_a_date_that_is_no_date_or_is_to_come(library):
    """The date is the correction's own (the maps' and gaps' staleness reads the latest one): a mistyped or
    future one would hide every later label change from them. It is refused by name; nothing is written."""
    pid, before = _stray(library)
    take_facet_correction(library, pid, before["start"], before["end"], before["text"])
    run = lambda *a: CliRunner().invoke(main, ["-L", str(library.path), *a])  # noqa: E731
    for bad in ("yesterday", "9999-01-01T00:00:00+00:00"):
        r = run("annotate", "restore-facet", str(pid), str(before["start"]), str(before["end"]), "--role", "method",
                "--corrected-at", bad)
        assert r.exit_code == 2 and f"--corrected-at: {bad!r}" in r.output, r.output
        assert library.facet_corrections(pid) == []
    r = run("annotate", "restore-facet", str(pid), str(before["start"]), str(before["end"]), "--role", "method",
            "--corrected-at", before["corrected_at"])
    assert r.exit_code == 0, r.output
    assert library.facet_corrections(pid)[0]["corrected_at"] == before["corrected_at"]
