"""The facet model's LoRA adapter of the encoder's top layers: shipped small and without pickle, run as a
branch of the one pass that leaves the abstract embedding and the base span vectors as they were."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from gapscope.facets.adapter import build_trainable
from gapscope.facets.model import load_model, resource_dir

TEXTS = ["Existing detectors fail on small objects. We propose a multi-scale head. It improves recall by 4 points.",
         "Evaluation of long-context reasoning remains largely unexplored."]
SPANS = [[(0, 41), (42, 74), (75, 103)], [(0, 65)]]


@pytest.fixture(scope="module")
def encoder():
    from gapscope.embed import Encoder

    return Encoder(device="cpu")


def _random_adapter(encoder, layers: int, seed: int = 0):
    import torch

    torch.manual_seed(seed)
    top = build_trainable(encoder.transformer, layers)
    with torch.no_grad():
        for k in top.B:
            top.B[k].normal_(0, 0.05)
    return top.to_adapter()


def test_shipped_adapter_is_small_and_loads_without_pickle():
    folder = resource_dir()
    info = json.loads((folder / "head.json").read_text())
    ad = info["config"]["adapter"]
    assert 1 <= ad["layers"] <= 6 and ad["rank"] >= 1
    assert sum(p.stat().st_size for p in folder.iterdir()) < 10 * 1024 * 1024
    with zipfile.ZipFile(folder / "adapter.npz") as z:
        assert all(n.endswith(".npy") for n in z.namelist())
    with np.load(folder / "adapter.npz", allow_pickle=False) as z:
        assert len(z.files) == ad["layers"] * len(ad["targets"]) * 2
    model = load_model()
    top = set(model.adapter.layers)
    assert model.span_layers == [f"a{i}" if i in top else i for i in info["config"]["span_layers"]]


def test_adapter_leaves_the_abstract_embedding_and_base_vectors_unchanged_bit_for_bit(encoder):
    adapter = _random_adapter(encoder, 2)
    d0, v0 = encoder.encode_spans(TEXTS, SPANS, span_layers=[1, 2, 3, 4, 5, 6])
    d1, v1 = encoder.encode_spans(TEXTS, SPANS, span_layers=[1, 2, 3, 4, 5, 6, "a5", "a6"], adapter=adapter)
    assert np.array_equal(d0, d1)
    assert np.array_equal(d0, encoder.encode(TEXTS))
    dim = encoder.dim
    for a, b in zip(v0, v1):
        assert np.array_equal(a, b[:, :6 * dim])
        assert np.abs(a[:, 4 * dim:] - b[:, 6 * dim:]).max() > 1e-3      # the branch does change its layers


def test_packed_branch_matches_the_adapter_merged_into_a_plain_model():
    """The branch (base top layers + low-rank products) against the update merged into the weights of a
    copy of the model run by transformers' own forward, both in fp32."""
    import torch

    from gapscope.embed import Encoder

    enc = Encoder(device="cpu", precision="fp32")
    adapter = _random_adapter(enc, 3, seed=1)
    _, vecs = enc.encode_spans(TEXTS, SPANS, span_layers=["a6", 6], adapter=adapter)
    merged = adapter.merged_copy(enc.transformer)
    ids = enc.tokenizer(TEXTS[1], return_tensors="pt")
    with torch.inference_mode():
        ref = merged(**ids).last_hidden_state[0, 1:-1].mean(0)      # the sentence: no [CLS] and [SEP]
    ref = (ref / ref.norm()).numpy()
    assert float(vecs[1][0, :enc.dim] @ ref) > 0.9999
    assert float(vecs[1][0, enc.dim:] @ ref) < 0.99       # the base layer is not the adapted one


def test_classify_texts_with_an_adapter_keeps_the_pooled_facet_vectors_of_the_base_layer(encoder):
    from gapscope.facets.split import split_sentences
    from gapscope.facets.store import classify_texts, pooled_facet_vectors, prepare_chunk

    model = load_model()
    rows = [(1, "Small objects", TEXTS[0]), (2, "Long context", TEXTS[1])]
    texts, spans, splits = prepare_chunk(rows)
    docs, preds, pools = classify_texts(encoder, model, texts, spans, splits, pooled=True)
    d0, base = encoder.encode_spans(texts, spans, span_layers=[6])
    assert np.array_equal(docs, d0)
    for sents, v, labels, got in zip(splits, base, preds, pools):
        want = pooled_facet_vectors(sents, v, labels, encoder.dim, 0)
        assert want.keys() == got.keys()
        assert all(np.array_equal(want[k][1], got[k][1]) for k in want)
    assert len(split_sentences(TEXTS[0])) == len(preds[0])


def test_finetune_trains_and_saves_a_loadable_adapter(shared_data, tmp_path, monkeypatch):
    from gapscope.facets.finetune import train_finetune

    from .shortcoming_fixtures import ANNOTATIONS

    monkeypatch.setenv("GAPSCOPE_FEATURE_CACHE", str(tmp_path / "cache"))
    d = shared_data / "facets"
    model = train_finetune(d / "csabstruct" / "train.jsonl", d / "limitations" / "limitation-sentences-seed-semi.tsv",
                           cs_jsonl=ANNOTATIONS / "train.jsonl.gz", cs_labels=[ANNOTATIONS / "labels" / "a1" / "train.tsv"],
                           limit=3, overrides={"ft_epochs": 1, "ft_layers": 1})
    assert model.adapter.layers == [6] and model.span_layers[-1] == "a6"
    model.save(tmp_path / "m")
    again = load_model(tmp_path / "m")
    assert again.model_id == model.model_id and again.adapter.digest() == model.adapter.digest()
    assert len(again.info["finetune"]["epochs"]) == 1
    (tmp_path / "m" / "adapter.npz").unlink()
    with pytest.raises(FileNotFoundError, match="adapter.npz"):
        load_model(tmp_path / "m")


def test_a_learning_curve_hook_sees_each_epoch_but_the_last_and_changes_no_weight(shared_data, encoder, tmp_path,
                                                                                  monkeypatch):
    """fit_finetune(after_epoch=...) (finetune_experiment.py --curve): called in eval mode after epochs 1 .. N-1,
    and the trained weights are the same bit for bit as without it."""
    from gapscope.facets.finetune import FT_DEFAULTS, fit_finetune, make_source
    from gapscope.facets.shortcoming_data import csabstruct_examples, read_limitation_runs
    from gapscope.facets.train import DEFAULTS, resolve_layers

    monkeypatch.setenv("GAPSCOPE_FEATURE_CACHE", str(tmp_path / "cache"))
    d = shared_data / "facets"
    cfg = {**DEFAULTS, **FT_DEFAULTS, "ft_epochs": 3, "ft_layers": 1, "doc_dim": encoder.dim}
    layers, frm = resolve_layers(cfg, encoder), encoder.num_layers - 1
    sources = [make_source(encoder, csabstruct_examples(d / "csabstruct" / "train.jsonl")[:4], "csab", layers, frm, {}),
               make_source(encoder, read_limitation_runs(d / "limitations" / "limitation-sentences-seed-semi.tsv",
                                                         split="train")[:4], "limalone", layers, frm,
                           dict(short_weight=cfg["lim_weight"]))]
    seen = []

    def hook(epoch, model, top):
        seen.append((epoch, model.net.training, top.training))

    plain, _ = fit_finetune(encoder, sources, cfg, 0)
    curved, _ = fit_finetune(encoder, sources, cfg, 0, after_epoch=hook)
    assert seen == [(1, False, False), (2, False, False)]
    assert curved.adapter.digest() == plain.adapter.digest()
    assert all(np.array_equal(a.detach().numpy(), b.detach().numpy())
               for a, b in zip(plain.net.parameters(), curved.net.parameters()))


def test_facets_train_finetune_cli_writes_head_and_adapter(shared_data, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from gapscope.cli import main

    monkeypatch.setenv("GAPSCOPE_FEATURE_CACHE", str(tmp_path / "cache"))
    out = tmp_path / "m"
    res = CliRunner().invoke(main, ["facets", "train", "--finetune", "--layers", "1", "--epochs", "1", "--limit", "3",
                                    "--device", "cpu", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    info = json.loads(res.output[res.output.index("{"):])
    assert info["config"]["adapter"]["layers"] == 1 and info["config"]["ft_epochs"] == 1
    assert sorted(p.name for p in out.iterdir()) == ["adapter.npz", "head.json", "head.npz"]
    assert load_model(out).span_layers[-1] == "a6"
    res = CliRunner().invoke(main, ["facets", "train", "--layers", "2", "--out", str(tmp_path / "x")])
    assert res.exit_code == 2 and "--layers goes with --finetune" in res.output
