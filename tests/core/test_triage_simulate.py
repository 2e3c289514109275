"""Simulation metrics and the `gapscope triage simulate` command."""

from __future__ import annotations

import json

import numpy as np
import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.triage.dataset import DatasetError, read_labelled_csv
from gapscope.triage.simulate import pick_priors, recall_at, recall_curve, screening_labels, wss


def test_metrics_on_hand_made_orders():
    n, r = 100, 10
    perfect = np.array([1] * r + [0] * (n - r))
    assert recall_at(perfect, 0.10) == 1.0
    # T = 10 relevant: the model has them at record index 9, the rounded random line reaches 10 at index 95
    assert wss(perfect) == pytest.approx((95 - 9) / 100)
    worst = perfect[::-1].copy()
    assert wss(worst) < 0 and recall_at(worst, 0.10) == 0.0
    curve = recall_curve(perfect)
    assert curve[0] == 0 and curve[-1] == 1 and np.all(np.diff(curve) >= 0)


def test_priors_follow_the_asreview_protocol_and_leave_the_metrics():
    labels = np.array([0, 1, 0, 0, 1, 0, 1, 0, 0, 0])
    priors = pick_priors(labels, 3)
    assert labels[priors[0]] == 1 and labels[priors[1]] == 0
    assert priors == pick_priors(labels, 3)
    inc = np.random.RandomState(3).choice(np.flatnonzero(labels == 1), 1, replace=False)[0]
    assert priors[0] == inc
    others = [i for i in (1, 4, 6) if i != priors[0]]
    seq = screening_labels([priors[0], priors[1], *others], labels, priors)
    assert len(seq) == len(labels) - 2 and seq[:2].tolist() == [1, 1] and seq.sum() == 2


def test_bad_screening_files_name_the_problem(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("title,abstract,label_included\nA,x,1\nB,y,yes\n")
    with pytest.raises(DatasetError, match=r"bad.csv:3"):
        read_labelled_csv(bad)
    nolabel = tmp_path / "nolabel.csv"
    nolabel.write_text("title,abstract\nA,x\n")
    with pytest.raises(DatasetError, match="label column"):
        read_labelled_csv(nolabel)
    res = CliRunner().invoke(main, ["triage", "simulate", str(tmp_path / "missing.csv"), "--json"])
    assert res.exit_code == 4 and "no such file" in res.output


def test_simulate_cli_json_on_the_adhd_review(tmp_path, shared_data, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))
    csv_path = shared_data / "screening" / "cohen2006-adhd.csv"
    png = tmp_path / "curve.png"
    res = CliRunner().invoke(main, ["triage", "simulate", str(csv_path), "--runs", "1", "--seed", "2",
                                    "--no-embeddings", "--retrain-every", "5", "--json", "--plot", str(png)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out) >= {"wss95", "recall_at_10", "runs"}
    assert len(out["runs"]) == 1 and out["runs"][0]["seed"] == 2
    curve = out["runs"][0]["recall_curve"]
    assert len(curve) == 101 and curve[0] == 0 and curve[-1] == 1 and curve == sorted(curve)
    assert curve[10] == pytest.approx(out["recall_at_10"], abs=1e-4)
    for key in ("wss95", "recall_at_10"):
        assert 0.0 <= out[key] <= 1.0
        assert out[key] == pytest.approx(out["runs"][0][key], abs=1e-4)
    # active learning must beat screening in random order by a wide margin on this review
    assert out["wss95"] > 0.1 and out["recall_at_10"] > 0.3
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_simulation_reads_the_text_an_import_gives(shared_data):
    """The Kitchenham review's HTML (<p>, &#39;) is left out of the simulated texts as an import leaves it
    out of the library, so that a simulation judges the records the app screens."""
    from gapscope.triage.dataset import read_labelled_csv

    data = read_labelled_csv(shared_data / "screening" / "kitchenham2010-software-engineering.csv")
    texts = data.texts
    assert not any("<p>" in t or "&#39;" in t or "&nbsp;" in t for t in texts)
    assert any("customers' shopping" in t for t in texts)


def test_the_recall_plot_is_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """`triage simulate` refreshes its plot on every run (its name comes from the dataset), so it replaces the
    old one, but through a temporary file: a failure keeps the previous plot whole."""
    from types import SimpleNamespace

    from gapscope import outfiles
    from gapscope.triage.simulate import plot_curves

    run = SimpleNamespace(seed=1, wss95=0.5, curve=np.linspace(0, 1, 11))
    png = tmp_path / "review-recall.png"
    plot_curves([run], png)
    first = png.read_bytes()
    assert first[:8] == b"\x89PNG\r\n\x1a\n"

    def full_disk(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(outfiles.os, "replace", full_disk)
    with pytest.raises(OSError):
        plot_curves([run], png, title="again")
    assert png.read_bytes() == first and [p.name for p in tmp_path.iterdir()] == ["review-recall.png"]
