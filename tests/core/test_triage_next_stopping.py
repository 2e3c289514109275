"""`triage next --json --stopping` carries the stopping figures `triage stats --json` gives (one object, made
by one function; `--json` alone is the list of papers it always was), and neither it nor `triage stats`
imports scipy.stats for them: the stopping test's
hypergeometric CDF is scipy's own kernel, to the bit, without scipy.stats' 0.6 s import. A `triage next` in a
state already ranked (its fit kept on disk) therefore imports no scikit-learn, scipy.stats or pandas."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.triage import decide
from gapscope.triage.stopping import assess, hypergeom_cdf

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sklearn", "scipy.stats", "pandas")


@pytest.fixture
def cache(tmp_path, monkeypatch):
    path = tmp_path / "triage-cache"
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(path))
    return path


def _cli(lib, *args):
    r = CliRunner().invoke(main, ["--library", str(lib.path), *args])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def _screened(lib, truth, n_relevant=3, n_irrelevant=30):
    for p in [p for p, v in truth.items() if v][:n_relevant] + [p for p, v in truth.items() if not v][:n_irrelevant]:
        decide(lib, p, "include" if truth[p] else "exclude")


def test_hypergeom_cdf_is_scipys_to_the_bit():
    from scipy.stats import hypergeom

    rng = np.random.default_rng(7)
    # the stopping test's own calls: windows of n screened papers holding k relevant, m relevant unseen
    n = rng.integers(1, 3000, 4000)
    k = np.minimum(rng.integers(0, 60, 4000), n)
    unseen, m = rng.integers(0, 80000, 4000), rng.integers(0, 500, 4000)
    args = (k, unseen + n, m + k, n)
    np.testing.assert_array_equal(hypergeom_cdf(*args), hypergeom.cdf(*args))
    # every rule of the support: below it, at and above its top, and arguments that make no distribution
    grid = np.array(np.meshgrid(np.arange(-2, 9), np.arange(0, 9), np.arange(-1, 10), np.arange(-1, 10))).reshape(4, -1)
    np.testing.assert_array_equal(hypergeom_cdf(*grid), hypergeom.cdf(*grid))
    assert np.isnan(hypergeom_cdf(1, 5, 6, 2)) and hypergeom_cdf(3, 10, 3, 5) == 1.0


def test_the_stopping_figures_are_scipys_on_a_screening(monkeypatch):
    """assess() with the kernel and with scipy.stats' hypergeom: the same estimate, bound and p-value."""
    from scipy.stats import hypergeom

    from gapscope.triage import stopping

    rng = np.random.default_rng(3)
    labels = (rng.random(900) < np.linspace(0.4, 0.01, 900)).astype(int)
    ours = assess(labels, 5000)
    monkeypatch.setattr(stopping, "hypergeom_cdf", lambda *a: hypergeom.cdf(*a))
    assert assess(labels, 5000) == ours and ours.upper is not None


def test_triage_next_json_carries_the_stopping_figures_of_triage_stats(adhd, cache):
    lib, truth = adhd
    _screened(lib, truth)
    nxt = _cli(lib, "triage", "next", "--n", "3", "--json", "--stopping")
    stats = _cli(lib, "triage", "stats", "--json")
    assert len(nxt["papers"]) == 3 and nxt["papers"][0]["ranked_by"] == "classifier"
    assert nxt["stopping"] == stats["stopping"]
    assert {"estimable", "needs_screened", "needs_relevant", "interval_narrow", "screened",
            "estimated_relevant_unseen", "unseen_relevant_upper", "suggest_stop"} <= set(nxt["stopping"])
    assert nxt["stopping"]["relevant_found"] == 3 and nxt["stopping"]["screened"] == 33


def test_triage_next_json_before_any_decision_and_of_an_empty_scope_has_the_stopping_object_too(adhd, cache):
    """Before anything is screened it says what the estimate still needs; a scope without papers has one too."""
    lib, _truth = adhd
    nxt = _cli(lib, "triage", "next", "--json", "--stopping")
    assert nxt["stopping"] == _cli(lib, "triage", "stats", "--json")["stopping"]
    assert nxt["stopping"]["estimable"] is False and nxt["stopping"]["needs_screened"] > 0
    empty = _cli(lib, "triage", "next", "--json", "--stopping", "--query", "zyxwordlessly")
    assert empty == {"papers": [], "stopping": _cli(lib, "triage", "stats", "--json", "--query",
                                                    "zyxwordlessly")["stopping"]}


def _modules_after(lib, cache, *args) -> tuple[dict, list[str]]:
    """(the JSON a CLI command prints, the heavy modules loaded) in a fresh Python, as a command runs."""
    code = ("import json, sys\nfrom gapscope.cli import main\n"
            "try:\n    main(sys.argv[1:], standalone_mode=False)\n"
            f"finally:\n    print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)\n")
    env = dict(os.environ, GAPSCOPE_TRIAGE_CACHE=str(cache), HF_HUB_OFFLINE="1",
               PYTHONPATH=os.pathsep.join([str(ROOT / "core"), os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run([sys.executable, "-c", code, "--library", str(lib.path), *args], env=env,
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout), json.loads(r.stderr.strip().splitlines()[-1])


def test_triage_next_in_a_ranked_state_and_triage_stats_import_no_heavy_module(adhd, cache):
    """The fast path: `triage next --json --stopping` again in the same state (another --n) reads the kept fit and
    computes the stopping figures; `triage stats` computes them too. scikit-learn (its own import pulls
    scipy.stats and pandas) is only for a new fit."""
    lib, truth = adhd
    _screened(lib, truth)
    first, loaded = _modules_after(lib, cache, "triage", "next", "--json", "--stopping")      # a new state: fitted
    assert "sklearn" in loaded and first["papers"][0]["ranked_by"] == "classifier"
    again, loaded = _modules_after(lib, cache, "triage", "next", "--n", "5", "--json", "--stopping")
    assert loaded == [] and again["papers"][0] == first["papers"][0]
    assert again["stopping"] == first["stopping"] and again["stopping"]["relevant_found"] == 3
    stats, loaded = _modules_after(lib, cache, "triage", "stats", "--json")
    assert loaded == [] and stats["stopping"] == again["stopping"]


def test_triage_next_json_without_stopping_is_the_list_of_papers_scripts_read(adhd, cache, monkeypatch):
    """A script written for `triage next --json` (a list: `[0]["paper_id"]`, `jq '.[0].paper_id'`) reads
    it as before: the same papers --stopping carries, and no stopping figures computed for it."""
    from gapscope.triage import TriageSession

    lib, truth = adhd
    _screened(lib, truth)
    with_stopping = _cli(lib, "triage", "next", "--n", "3", "--json", "--stopping")

    def not_asked(self):
        raise AssertionError("the stopping figures were computed for a plain --json")

    monkeypatch.setattr(TriageSession, "stopping", not_asked)
    plain = _cli(lib, "triage", "next", "--n", "3", "--json")
    assert isinstance(plain, list) and len(plain) == 3 and plain[0]["paper_id"] is not None
    assert plain == with_stopping["papers"]


def test_stopping_without_json_is_refused_naming_the_command_that_says_it(adhd, cache):
    lib, _truth = adhd
    r = CliRunner().invoke(main, ["--library", str(lib.path), "triage", "next", "--stopping"])
    assert r.exit_code == 2 and "--stopping goes with --json" in r.output and "triage stats" in r.output
