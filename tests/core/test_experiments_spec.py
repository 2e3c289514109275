"""Spec loading and validation: defaults, overrides, and errors that name the key."""

from __future__ import annotations

import pytest

from gapscope.experiments.spec import SpecError, cuda_only_notes, load_spec, parse_override, spec_from_text

from ._experiments_helpers import EXAMPLES, SMALL_IRIS


def test_every_example_spec_is_valid():
    specs = sorted(EXAMPLES.glob("*.toml"))
    names = {p.name for p in specs}
    assert {"digits-mlp.toml", "iris-logistic.toml", "diabetes-mlp-regression.toml", "digits-cnn.toml",
            "breast-cancer-logistic.toml", "breast-cancer-mlp.toml", "library-text-gru.toml"} <= names
    for p in specs:
        s = load_spec(p)
        assert s.name == p.stem
        assert s.task in ("classification", "regression")


def test_digits_mlp_example_is_five_fold_mlp():
    s = load_spec(EXAMPLES / "digits-mlp.toml")
    assert (s["data"]["dataset"], s["model"]["family"], s["eval"]["split"], s["eval"]["folds"]) == \
        ("digits", "mlp", "kfold", 5)


def test_defaults_filled_and_overrides_applied():
    s = spec_from_text(SMALL_IRIS, overrides=["train.epochs=2", "eval.seeds=[1, 2]", "train.optimizer=sgd"])
    assert s["train"]["epochs"] == 2
    assert s["eval"]["seeds"] == [1, 2]
    assert s["train"]["optimizer"] == "sgd"
    assert s["train"]["grad_accum"] == 1  # a default
    assert s.task == "classification"


@pytest.mark.parametrize("override, needle", [
    ("train.lr=-1", "train.lr: must be > 0"),
    ('train.lr="fast"', "train.lr: must be a number"),
    ("train.lrr=0.1", "train.lrr: unknown key (did you mean 'lr'?)"),
    ("model.family=resnet", "model.family: must be one of"),
    ("model.family=cnn", "model.family: the small CNN reads 8x8 images"),
    ("model.family=gru", "model.family: gru reads token sequences"),
    ("eval.folds=1", "eval.folds: must be >= 2"),
    ("eval.seeds=[0, 0]", "eval.seeds: repeated seed"),
    ('eval.metrics=["mae"]', "eval.metrics[0]: must be one of accuracy, macro_f1"),
    ("task=regression", "task: iris is a classification dataset"),
    ("train.val_fraction=0", "train.early_stopping: needs a validation part"),
    ("train=3", "train: must be a table"),
])
def test_validation_errors_name_the_key(override, needle):
    with pytest.raises(SpecError) as exc:
        spec_from_text(SMALL_IRIS, overrides=[override])
    assert needle in str(exc.value)


def test_missing_dataset_and_bad_toml(tmp_path):
    with pytest.raises(SpecError, match=r"data.dataset: missing"):
        spec_from_text("[model]\nfamily = 'mlp'\n")
    bad = tmp_path / "bad.toml"
    bad.write_text("[data\ndataset = 'iris'\n")
    with pytest.raises(SpecError, match=r"bad.toml: not valid TOML"):
        load_spec(bad)
    with pytest.raises(SpecError, match="no such spec file"):
        load_spec(tmp_path / "missing.toml")


def test_csv_needs_path_and_target():
    with pytest.raises(SpecError, match="data.path"):
        spec_from_text("[data]\ndataset='csv'\n[model]\nfamily='mlp'\n")
    with pytest.raises(SpecError, match="data.target"):
        spec_from_text("[data]\ndataset='csv'\npath='x.csv'\n[model]\nfamily='mlp'\n")


def test_cuda_only_options_are_explained_on_cpu():
    s = spec_from_text(SMALL_IRIS, overrides=["train.mixed_precision=true", "train.compile=true"])
    notes = cuda_only_notes(s.data, "cpu")
    assert any("mixed_precision ignored" in n for n in notes)
    assert any("compile ignored" in n for n in notes)
    assert cuda_only_notes(s.data, "cuda") == []


def test_parse_override_values():
    assert parse_override("train.lr=1e-3") == (["train", "lr"], 0.001)
    assert parse_override("data.dataset=wine") == (["data", "dataset"], "wine")
    with pytest.raises(SpecError):
        parse_override("train.lr")


def test_spec_round_trips_through_toml():
    s = spec_from_text(SMALL_IRIS)
    again = spec_from_text(s.to_toml())
    assert again.data == s.data


def test_a_drafted_placeholder_switched_to_a_bundled_data_set_may_run():
    """The refusal says "or set dataset to a bundled one": done so (placeholder line deleted), the FILL-IN path
    and target left from the draft mean nothing to a bundled set and no longer block it."""
    from gapscope.experiments.draft import draft_spec_from_gap
    from gapscope.experiments.spec import unfilled_data

    gap = {"id": 7, "type": "method_x_problem", "statement": "data augmentation for point clouds",
           "method": {"label": "data augmentation"}, "problem": {"label": "point cloud"}, "evidence": []}
    text = draft_spec_from_gap(gap)
    assert "FILL-IN" in text and 'dataset = "csv"' in text
    drafted = spec_from_text(text)
    assert "or set dataset to a bundled one" in unfilled_data(drafted)
    lines = [line for line in text.splitlines() if not line.startswith("placeholder =")]
    assert "FILL-IN" in unfilled_data(spec_from_text("\n".join(lines)))           # a CSV still needs them
    wine = "\n".join(lines).replace('dataset = "csv"', 'dataset = "wine"')
    assert unfilled_data(spec_from_text(wine)) is None


@pytest.mark.parametrize("name, text, other", [
    ("spec.json", '{"data": {"dataset": "iris"}, "model": {"family": "mlp"}}\n', "JSON"),
    ("spec.yaml", "data:\n  dataset: iris\nmodel:\n  family: mlp\n", "YAML"),
    ("spec.toml", "# my spec\ndata:\n  dataset: iris\n", "YAML"),
])
def test_a_spec_written_as_json_or_yaml_is_told_specs_are_toml(tmp_path, name, text, other):
    """"not valid TOML: Invalid statement (at line 1, column 1)" left a JSON or YAML spec's author guessing."""
    p = tmp_path / name
    p.write_text(text)
    with pytest.raises(SpecError) as err:
        load_spec(p)
    said = str(err.value)
    assert said.startswith(f"{p}: not valid TOML") and "line " in said
    assert f"a spec is TOML, not {other}" in said and "key = value" in said
    with pytest.raises(SpecError) as err:                      # a TOML typo is not called JSON or YAML
        spec_from_text("[data]\ndataset = 'iris'\nlr = 0.01,\n")
    assert "not JSON" not in str(err.value) and "not YAML" not in str(err.value)
