"""Comparison statistics on known inputs, and drafting a spec from hand-made gaps."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gapscope.experiments.compare import CompareError, compare_runs, paired_stats, rank_biserial
from gapscope.experiments.draft import draft_spec_from_gap
from gapscope.experiments.spec import spec_from_text


def test_paired_stats_on_known_values():
    v = np.array([0.90, 0.92, 0.95, 0.91, 0.93])
    b = np.array([0.88, 0.90, 0.94, 0.90, 0.90])
    s = paired_stats(v, b)
    d = v - b  # 0.02 0.02 0.01 0.01 0.03
    assert s["mean_diff"] == pytest.approx(0.018)
    assert s["sd_diff"] == pytest.approx(math.sqrt(((d - 0.018) ** 2).sum() / 4))
    assert s["cohen_dz"] == pytest.approx(0.018 / s["sd_diff"])
    assert s["t"] == pytest.approx(s["cohen_dz"] * math.sqrt(5))
    assert s["t_p"] < 0.01
    assert s["rank_biserial"] == pytest.approx(1.0)  # every pair favours the variant
    assert s["wilcoxon_p"] == pytest.approx(0.0625)  # the exact test's floor with 5 pairs
    assert s["wilcoxon_min_p"] == pytest.approx(0.0625)
    assert s["ci"][0] > 0 and s["wins"] == 5


def test_rank_biserial_mixed_signs():
    # |d| ranks: 1 -> 1, -2 -> 2, 3 -> 3: (1 + 3 - 2) / 6
    assert rank_biserial(np.array([1.0, -2.0, 3.0, 0.0])) == pytest.approx(2 / 6)


def _summary(run_id, values, metric="accuracy", seeds=(0,)):
    folds, i = [], 0
    for s in seeds:
        for f in range(len(values) // len(seeds)):
            folds.append({"seed": s, "fold": f, "metrics": {metric: values[i]}, "n_test": 30})
            i += 1
    return {"run_id": run_id, "folds": folds}


def test_compare_runs_in_plain_words():
    v = _summary("var", [0.95, 0.96, 0.97, 0.95, 0.96, 0.97], seeds=(0, 1))
    b = _summary("base", [0.90, 0.91, 0.93, 0.90, 0.92, 0.91], seeds=(0, 1))
    r = compare_runs(v, b)
    assert r["metric"] == "accuracy" and r["n"] == 6
    assert "higher (better)" in r["summary"] and "paired t-test" in r["summary"] and "Cohen's d_z" in r["summary"]
    assert "large" in r["summary"]
    # lower is better for errors: a higher MAE is worse
    r2 = compare_runs(_summary("v", [2.0, 2.5, 3.0], "mae"), _summary("b", [1.0, 1.5, 1.7], "mae"))
    assert "higher (worse)" in r2["summary"]


def test_compare_identical_and_unpaired():
    same = _summary("a", [0.9, 0.8, 0.85])
    assert "no difference" in compare_runs(same, _summary("b", [0.9, 0.8, 0.85]))["summary"]
    other = {"run_id": "x", "folds": [{"seed": 9, "fold": 0, "metrics": {"accuracy": 1.0}}]}
    with pytest.raises(CompareError, match="share no"):
        compare_runs(same, other)
    with pytest.raises(CompareError, match="metric 'mae'"):
        compare_runs(same, same, metric="mae")


def _gap(method_label, method_kw, problem_label, problem_kw, gid=3):
    return {"id": gid, "type": "method_x_problem", "score": 0.7,
            "statement": f"{method_label} is rarely applied to {problem_label}",
            "method": {"cluster": 1, "label": method_label, "keywords": method_kw},
            "problem": {"cluster": 2, "label": problem_label, "keywords": problem_kw},
            "evidence": [11, 12, 13]}


@pytest.mark.parametrize("method, problem, family, dataset", [
    (("attention models", ["transformer", "self-attention"]), ("document classification", ["text", "topic"]),
     "transformer", "library_text"),
    (("convolutional networks", ["cnn", "resnet"]), ("handwriting recognition", ["digit", "ocr"]), "cnn", "digits"),
    (("logistic models", ["logistic", "lasso"]), ("breast cancer diagnosis", ["tumor"]), "linear", "breast_cancer"),
    (("tabular deep learning", ["mlp", "tabular"]), ("diabetes progression", ["regression"]), "mlp", "diabetes"),
    # a domain word is not a fit: these get the placeholder, and a text / image model becomes an MLP on it
    (("recurrent networks", ["lstm", "sequence"]), ("sentiment analysis", ["sentiment", "reviews"]), "mlp", "csv"),
    (("logistic models", ["logistic"]), ("clinical diagnosis", ["cancer", "patient", "medical"]), "linear", "csv"),
    (("attention models", ["transformer"]), ("medical diagnosis", ["tumor"]), "mlp", "csv"),
    (("convolutional networks", ["cnn"]), ("image recognition", ["vision", "object"]), "mlp", "csv"),
])
def test_draft_maps_clusters_to_runner_families(method, problem, family, dataset):
    text = draft_spec_from_gap(_gap(*method, *problem))
    spec = spec_from_text(text)  # the draft runs through the same validation as a user's spec
    assert spec["model"]["family"] == family
    assert spec["data"]["dataset"] == dataset
    assert spec["source"]["gap_id"] == 3 and spec["source"]["papers"] == [11, 12, 13]
    assert "# model:" in text and "# data:" in text  # each choice is explained
    assert bool(spec["data"]["placeholder"]) == (dataset == "csv")
    if dataset == "diabetes":
        assert spec.task == "regression" and spec["eval"]["metrics"] == ["mae", "rmse"]


def test_draft_for_a_gap_without_fitting_data_carries_the_placeholder_and_reason(tmp_path):
    """The EHR gap of issue 19 once became an MLP on the breast-cancer table "because 'medical'"."""
    from gapscope.experiments.runner import run_spec
    from gapscope.experiments.spec import SpecError

    gap = _gap("large language models", ["llm", "clinical llm"], "electronic health records",
               ["ehr", "medical", "clinical notes", "patient"])
    text = draft_spec_from_gap(gap)
    spec = spec_from_text(text)
    assert spec["data"]["dataset"] == "csv" and spec["data"]["path"].startswith("FILL-IN")
    assert "breast_cancer" not in text.split("[data]")[1].split("[model]")[0].replace("breast_cancer, ", "")
    reason = spec["data"]["placeholder"]
    assert "no bundled data set holds this problem's data" in reason
    assert "PLACEHOLDER" in text and "Hypothesis:" in text
    with pytest.raises(SpecError, match="placeholder"):
        run_spec(spec, runs_dir=tmp_path / "runs")


def test_draft_without_clusters_and_with_library_tags(library):
    gap = {"id": 9, "type": "unaddressed_shortcoming", "score": 0.5, "statement": "Small data \"limits\" everything",
           "method": None, "problem": None, "evidence": []}
    spec = spec_from_text(draft_spec_from_gap(gap))
    assert spec["model"]["family"] == "mlp" and spec["data"]["dataset"] == "csv" and spec["data"]["placeholder"]
    # with a library whose tags label enough papers, text classification learns the user's tags
    with library.transaction() as conn:
        ids = [conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES (?, ?, '2026')",
                            (f"p{i}", f"p{i}")).lastrowid for i in range(24)]
    library.add_tag(ids[:12], "relevant")
    library.add_tag(ids[12:], "background")
    text = draft_spec_from_gap(_gap("attention", ["transformer"], "text classification", ["document"]), lib=library)
    spec = spec_from_text(text)
    assert spec["data"]["labels"] == "tags" and "your tags" in text


def _paper_with_results(lib, title, results):
    """A paper whose abstract's sentences are labelled: ``results`` are its result sentences."""
    with lib.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES (?, ?, '2026')",
                           (title, title.lower())).lastrowid
    rows = [(0, 0, 10, f"We study {title}.", "objective", 0.9, "none", 0.9)]
    rows += [(i + 1, 20 * (i + 1), 20 * (i + 1) + 10, t, "result", 0.9, "none", 0.9) for i, t in enumerate(results)]
    lib.write_facet_sentences(pid, rows, "test", "h", "2026-01-01")
    return pid


def test_draft_evidence_and_metric_come_from_the_gap_sides_never_an_unrelated_paper(library):
    """Gap "data augmentation -> point cloud": its problem-side papers' result sentences state no figure and
    no metric, while a method-side paper (knowledge distillation on CIFAR-10) and a predicting neighbour
    report accuracy. The draft once quoted them as the gap's evidence and took "accuracy" from them."""
    kd = _paper_with_results(library, "Knowledge distillation with integrated gradients",
                             ["On CIFAR-10 the student reaches 92.5% classification accuracy."])
    nb = _paper_with_results(library, "Synthetic data for scene understanding",
                             ["Our model improves F1 by 4.2 points on the benchmark."])
    pc = [_paper_with_results(library, f"Point cloud paper {i}",
                              ["Extensive experiments show that our method is effective."]) for i in range(3)]
    gap = {"id": 1, "type": "method_x_problem", "score": 1.0,
           "statement": "Apply \u201cdata augmentation\u201d to \u201cpoint cloud\u201d",
           "method": {"cluster": 108, "label": "data augmentation", "keywords": []},
           "problem": {"cluster": 401, "label": "point cloud", "keywords": ["point clouds"]},
           "evidence": [kd, *pc, nb],
           "evidence_roles": {str(kd): "method", **{str(p): "problem" for p in pc}, str(nb): "neighbour"}}
    text = draft_spec_from_gap(gap, lib=library)
    head = text.split("\nname =")[0]
    problem_part, method_part = head.split("# Method-side papers")
    # the method-side paper is quoted only as the method side, never as the problem's evidence; the
    # neighbour (on neither side) is not quoted at all
    assert "Problem-side papers (point cloud): no result sentence with a figure found" in problem_part
    assert f"[{kd}]" not in problem_part and f"[{kd}] (method)" in method_part
    assert f"[{nb}]" not in head and "4.2" not in head
    # no metric is borrowed: the spec says the problem side states none, and names the papers it read
    metric_line = [line for line in head.splitlines() if line.startswith("# Metric")]
    assert len(metric_line) == 1 and "accuracy" not in metric_line[0] and "f1" not in metric_line[0]
    assert "Metric: none stated in the result sentences of the 3 problem-side papers" in metric_line[0]
    assert all(f"[{p}]" in metric_line[0] for p in pc)
    assert "the problem-side papers report" not in text          # no metric note in [eval]
    # once a problem-side paper states its metric, that is the one taken
    pc2 = _paper_with_results(library, "Point cloud segmentation",
                              ["Our network reaches 71.3 mIoU on ScanNet, 2.1 points above prior work."])
    gap["evidence"].append(pc2)
    gap["evidence_roles"][str(pc2)] = "both"
    text = draft_spec_from_gap(gap, lib=library)
    head = text.split("\nname =")[0]
    # one paper's metric is that paper's choice, not the field's: the metric stays a placeholder that says so
    assert "Metric: PLACEHOLDER - none is shared by a fair share of the 4 problem-side papers" in head
    assert f"mIoU 1 ([{pc2}])" in head                               # spelt as the papers spell it
    assert head.index(f"[{pc2}] (both)") < head.index("# Method-side papers")
    assert "metric: no metric is named by a fair share" in spec_from_text(text)["eval"]["placeholder"]
    # a second paper naming it makes it shared (2 of 5 papers)
    pc3 = _paper_with_results(library, "Point cloud segmentation again", ["We reach 68.0 mIoU on S3DIS."])
    gap["evidence"].append(pc3)
    gap["evidence_roles"][str(pc3)] = "problem"
    text = draft_spec_from_gap(gap, lib=library)
    head = text.split("\nname =")[0]
    assert f"share: mIoU (2 of 5 papers: [{pc2}], [{pc3}])" in head
    # the runner has no mIoU: said plainly, with what it reports instead, not a "nearest" metric it is not
    note = " ".join(line.lstrip("# ") for line in text.split("[eval]")[1].splitlines() if line.startswith("#"))
    assert "report mIoU, which the runner does not measure" in note and "nearest" not in text
    assert "reports accuracy and macro_f1 instead" in note and "not comparable with the papers' mIoU" in note
    assert "miou" not in text


def test_draft_says_which_runner_metric_a_paper_metric_is(library):
    """"top-1" is accuracy, which the runner measures; latency is no runner metric at all."""
    def eval_note(sentence):
        pids = [_paper_with_results(library, "A paper", [sentence]) for _ in range(2)]   # two papers share it
        gap = {"id": 2, "type": "method_x_problem", "score": 1.0, "statement": "Apply X to Y",
               "method": {"cluster": 1, "label": "x", "keywords": []},
               "problem": {"cluster": 2, "label": "y", "keywords": []},
               "evidence": pids, "evidence_roles": {str(p): "problem" for p in pids}}
        tail = draft_spec_from_gap(gap, lib=library).split("[eval]")[1]
        return " ".join(line.lstrip("# ") for line in tail.splitlines() if line.startswith("#"))

    assert "report top-1; the runner measures it (as accuracy)" in eval_note("Top-1 reaches 81.2% on ImageNet.")
    note = eval_note("Our method cuts latency by 35% on edge devices.")
    assert "report latency, which the runner does not measure" in note and "nearest" not in note
    assert "reports accuracy and macro_f1 instead" in note


def test_draft_header_names_each_side_without_empty_brackets():
    gap = _gap("data augmentation", [], "point cloud", ["point clouds", "point cloud", ""])
    gap["details"] = {"level": "concept"}
    text = draft_spec_from_gap(gap)
    assert "# Method concept: data augmentation\n" in text
    assert "# Problem concept: point cloud (point clouds)\n" in text   # the label is not repeated as a keyword
    assert "()" not in text
    bare = _gap("", [], "", ["lidar"])
    text = draft_spec_from_gap(bare)
    assert "# Method cluster: #1\n" in text and "# Problem cluster: #2 (lidar)\n" in text and "()" not in text


def test_draft_lists_each_figure_of_a_result_sentence_once(library):
    """"an accuracy of 91.824%" is one figure: read both as a percentage and as a number after a metric name,
    it was listed twice ("91.824%, 91.824"), as if the paper reported two."""
    from gapscope.experiments.draft import evidence_figures

    pid = _paper_with_results(library, "VR-FuseNet",
                              ["This fusion improves the diagnostic performance and achieves an accuracy of 91.824%.",
                               "It improves accuracy by up to 7.49% and F1 by 3.1 points over 7.49% of the baselines."])
    figs = evidence_figures(library, [pid])[0]["figures"]
    assert figs == ["91.824%", "7.49%", "3.1 points"]


def test_draft_states_a_hypothesis_for_a_shortcoming_gap_too():
    """A method x problem draft says what it tests; an unaddressed-shortcoming draft said nothing, leaving the
    researcher to guess what the baseline is the reference for. A thin and growing region says it has none."""
    gap = {"id": 9, "type": "unaddressed_shortcoming", "score": 0.5, "method": None,
           "statement": "12 papers state the shortcoming \u201cobject hallucination\u201d, yet few address it.",
           "problem": {"cluster": 3, "label": "object hallucination", "keywords": ["lvlms"]}, "evidence": []}
    hyp = [line for line in draft_spec_from_gap(gap).splitlines() if line.startswith("# Hypothesis")]
    assert len(hyp) == 1 and "\u201cobject hallucination\u201d" in hyp[0] and "baseline below" in hyp[0]
    thin = dict(gap, type="thin_growing", statement="\u201cpricing, nash\u201d is a thinly covered region",
                problem={"cluster": 4, "label": "pricing, nash", "keywords": []})
    hyp = [line for line in draft_spec_from_gap(thin).splitlines() if line.startswith("# Hypothesis")]
    assert len(hyp) == 1 and "none" in hyp[0] and "pricing, nash" in hyp[0]


def test_a_long_gap_statement_is_cut_at_a_word_with_an_ellipsis_in_the_spec():
    """The statement of an unaddressed shortcoming runs to hundreds of characters: the spec's comment,
    description and note (which the run's card quotes) end on a whole word and say they were cut, never
    "(describe a method close to it, or state i"."""
    import tomllib

    words = ("49 papers state the shortcoming “reasoning ability” (e.g. “However, the challenge of performing "
             "efficient language reasoning has drawn increasing attention.”), yet only 25 of the 192 papers listed "
             "after 2025-10-29 address it (describe a method close to it, or state it and propose a method): 0.51 "
             "per stating paper, against 0.59 for the typical shortcoming. Stated as: “However, the challenge "
             "of performing efficient language reasoning has drawn increasing attention.” (open)")
    gap = _gap("", [], "reasoning ability", ["reasoning"])
    gap.update(type="unaddressed_shortcoming", statement=words)
    text = draft_spec_from_gap(gap)
    spec = tomllib.loads(text)
    comment = next(x for x in text.splitlines() if x.startswith("# Gap: "))[len("# Gap: "):]
    for cut in (comment, spec["description"], spec["source"]["note"]):
        assert len(cut) <= 400 and cut.endswith("…"), cut
        body = cut[:-1].removeprefix("Baseline for gap #3: ")
        assert words.startswith(body) and words[len(body)] in " ,;:", cut     # a whole word, then "…"


def _paper_with_sentences(lib, title, methods, results):
    """A paper whose abstract has labelled method and result sentences."""
    with lib.transaction() as conn:
        pid = conn.execute("INSERT INTO papers (title, norm_title, added_at) VALUES (?, ?, '2026')",
                           (title, title.lower())).lastrowid
    labelled = [("method", t) for t in methods] + [("result", t) for t in results]
    rows = [(i, 20 * i, 20 * i + 10, t, role, 0.9, "none", 0.9) for i, (role, t) in enumerate(labelled)]
    lib.write_facet_sentences(pid, rows, "test", "h", "2026-01-01")
    return pid


def _problem_gap(pids, label="catastrophic forgetting"):
    return {"id": 105, "type": "method_x_problem", "score": 1.0,
            "statement": f"Apply \u201ccontrastive learning\u201d to \u201c{label}\u201d",
            "method": {"cluster": 1, "label": "contrastive learning", "keywords": []},
            "problem": {"cluster": 2, "label": label, "keywords": []},
            "evidence": pids, "evidence_roles": {str(p): "problem" for p in pids}}


def test_draft_protocol_read_from_the_papers_is_a_placeholder_that_quotes_them(library, tmp_path):
    """Gap 105 (contrastive learning x catastrophic forgetting) once got k-fold CV on a CSV, which cannot
    measure forgetting: the problem-side papers learn a sequence of tasks. The spec's [eval] now says so,
    quotes them, and the run refuses it (even once a data set is chosen) until the user fixes the protocol."""
    from gapscope.experiments.runner import run_spec
    from gapscope.experiments.spec import SpecError, unfilled_data

    pids = [_paper_with_sentences(library, "Replay for continual learning",
                                  ["We train the model on a sequence of tasks and replay stored exemplars."],
                                  ["Our method reduces forgetting by 4.1% on Split CIFAR-100."]),
            _paper_with_sentences(library, "Prompts for class-incremental learning",
                                  ["Each session adds new classes in a class-incremental setting."],
                                  ["Average accuracy rises to 71.2% while forgetting drops to 5.3%."]),
            _paper_with_sentences(library, "A survey of robustness", ["We review methods."], ["It is useful."])]
    text = draft_spec_from_gap(_problem_gap(pids), lib=library)
    spec = spec_from_text(text)                       # still a valid spec for the runner
    reason = spec["eval"]["placeholder"]
    assert "protocol: the problem-side papers evaluate with sequence of tasks (2 of 3 papers" in reason
    evaluation = text.split("[eval]")[1]
    assert "We train the model on a sequence of tasks" in evaluation and f"[{pids[1]}]" in evaluation
    assert "forgetting" in text.split("\nname =")[0] and "Metric the problem-side papers' result sentences share: " \
        "forgetting (2 of 3 papers" in text
    with pytest.raises(SpecError, match="evaluation is still a placeholder"):
        run_spec(spec, runs_dir=tmp_path / "runs")
    # a bundled data set chosen and the data placeholder deleted: the protocol placeholder still refuses
    lines = [line for line in text.splitlines() if not line.startswith("placeholder = \"no fitting data set")]
    chosen = spec_from_text("\n".join(lines).replace('dataset = "csv"', 'dataset = "wine"'))
    why = unfilled_data(chosen)
    assert why.startswith("Not started: the evaluation is still a placeholder") and "sequence of tasks" in why
    done = [line for line in lines if not line.startswith("placeholder =")]
    assert unfilled_data(spec_from_text("\n".join(done).replace('dataset = "csv"', 'dataset = "wine"'))) is None


def test_draft_says_what_each_figure_measures_and_on_what(library):
    """The draft once quoted "13.12%, 89.3%, 11.39%, 88.57%" with no meaning: each figure now comes with the
    words of its clause and the benchmark the sentence names for it, under the paper it comes from."""
    pid = _paper_with_results(library, "DuET", [
        "Extensive experiments on the Pascal Series and Diverse Weather Series demonstrate DuET's effectiveness, "
        "achieving a +13.12% RAI improvement while preserving 89.3% Avg RI on the Pascal Series (4 tasks), as "
        "well as a +11.39% RAI improvement with 88.57% Avg RI on the Diverse Weather Series (3 tasks).",
        "Recall rises from 68.1% to 75.2% over the baseline."])
    head = draft_spec_from_gap(_problem_gap([pid]), lib=library).split("\nname =")[0]
    lines = head.splitlines()
    at = lines.index(f"#   [{pid}] (problem) DuET:")
    said = lines[at + 1:at + 6]
    assert any(x.startswith("#       13.12%: ") and "achieving a +13.12% RAI improvement" in x and "Pascal Series" in x
               for x in said)
    assert '#       89.3%: "preserving 89.3% Avg RI on the Pascal Series (4 tasks)"' in said
    assert any(x.startswith("#       11.39%: ") and "RAI improvement" in x and "Diverse Weather" in x for x in said)
    # a short clause reaches back to what its figure is of; two figures of one clause are one statement
    pid2 = _paper_with_results(library, "TNT", ["The rate of reward hacking in answers, which skip thinking, "
                                                "remains below 10% across all tested datasets."])
    head2 = draft_spec_from_gap(_problem_gap([pid2]), lib=library)
    assert '10%: "which skip thinking, remains below 10% across all tested datasets"' not in head2
    assert "reward hacking in answers, which skip thinking, remains below 10%" in head2
    assert '#       68.1%, 75.2%: "Recall rises from 68.1% to 75.2% over the baseline"' in said
    assert "13.12%, 89.3%" not in head


def test_draft_evaluation_fits_a_bundled_set_the_problem_names():
    """A problem that is a bundled table's prediction (wine) keeps the runner's split: no evaluation placeholder."""
    gap = _gap("feed-forward networks", ["mlp"], "wine cultivar chemistry", ["chemical"])
    spec = spec_from_text(draft_spec_from_gap(gap))
    assert spec["data"]["dataset"] == "wine" and spec["eval"]["placeholder"] == ""
