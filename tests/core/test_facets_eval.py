"""`gapscope facets eval --json` on slices of CSAbstruct dev and the held-out limitation sentences."""

import csv
import json

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.facets.data import CSABSTRUCT_LABELS, heldout_article


def _slices(shared_data, tmp_path):
    d = shared_data / "facets"
    dev = tmp_path / "dev.jsonl"
    dev.write_text("".join((d / "csabstruct" / "dev.jsonl").read_text(encoding="utf-8").splitlines(True)[:60]),
                   encoding="utf-8")
    lim = tmp_path / "lim.tsv"
    with open(d / "limitations" / "limitation-sentences-seed-semi.tsv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    head = rows[0]
    body = [r for r in rows[1:] if heldout_article(r[head.index("article")])]
    pos = [r for r in body if r[head.index("label")] == "POS"][:60]
    neg = [r for r in body if r[head.index("label")] == "NEG"][:140]
    with open(lim, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n").writerows([head] + pos + neg)
    return dev, lim


def test_eval_json_shape_and_shipped_weights_on_a_slice(shared_data, tmp_path):
    dev, lim = _slices(shared_data, tmp_path)
    res = CliRunner().invoke(main, ["facets", "eval", "--csabstruct", str(dev), "--limitations", str(lim), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(out) == {"csabstruct", "limitations", "limitations_in_sections"}
    assert set(out["csabstruct"]) == {"macro_f1", "labels"}
    assert set(out["csabstruct"]["labels"]) == set(CSABSTRUCT_LABELS)
    for v in list(out["csabstruct"]["labels"].values()) + [out["limitations"], out["limitations_in_sections"]]:
        assert set(v) == {"precision", "recall", "f1"} and all(0 <= x <= 1 for x in v.values())
    f1s = [v["f1"] for v in out["csabstruct"]["labels"].values()]
    assert abs(out["csabstruct"]["macro_f1"] - sum(f1s) / 5) < 1e-3
    # what the shipped head reaches on full dev is in resources/facets/head.json; on a slice it stays
    # well above chance (a majority-class guess scores 0.10 macro-F1 and 0 limitation F1)
    assert out["csabstruct"]["macro_f1"] > 0.5
    assert out["limitations"]["f1"] > 0.5

    only = CliRunner().invoke(main, ["facets", "eval", "--limitations", str(lim), "--json"])
    assert only.exit_code == 0
    assert set(json.loads(only.stdout.strip().splitlines()[-1])) == {"limitations", "limitations_in_sections"}


def test_own_limitations_are_read_with_their_section(shared_data, tmp_path):
    """Real held-out limitation sentences: found alone and under their own headings, never under "Methods"
    (where papers do not state their limitations: fulltext/section_prior.py); a file without a section
    column gives only the sentence-alone figure."""
    d = shared_data / "facets" / "limitations" / "limitation-sentences-seed-semi.tsv"
    with open(d, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    head = rows[0]
    col = {name: head.index(name) for name in head}
    pos = [r for r in rows[1:] if heldout_article(r[col["article"]]) and r[col["label"]] == "POS"
           and r[col["section"]] in ("Discussion", "Limitations")][:30]

    def write(name, rows_, drop_section=False):
        path = tmp_path / name
        keep = [i for i, h in enumerate(head) if not (drop_section and h == "section")]
        with open(path, "w", encoding="utf-8", newline="") as fh:
            csv.writer(fh, delimiter="\t", quoting=csv.QUOTE_NONE, lineterminator="\n").writerows(
                [[r[i] for i in keep] for r in [head] + rows_])
        return path

    def run(path):
        res = CliRunner().invoke(main, ["facets", "eval", "--limitations", str(path), "--split", "all", "--json"])
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout.strip().splitlines()[-1])

    as_written = run(write("own.tsv", pos))
    assert as_written["limitations"]["recall"] > 0.6
    assert as_written["limitations_in_sections"]["recall"] >= as_written["limitations"]["recall"]
    in_methods = run(write("methods.tsv", [r[:col["section"]] + ["Methods"] + r[col["section"] + 1:] for r in pos]))
    assert in_methods["limitations"]["recall"] == as_written["limitations"]["recall"]
    assert in_methods["limitations_in_sections"]["recall"] == 0.0
    assert set(run(write("plain.tsv", pos, drop_section=True))) == {"limitations"}


def test_eval_names_the_bad_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"sentences": ["a"], "labels": ["result"]}\n{"sentences": ["b"], "labels": ["nope"]}\n')
    res = CliRunner().invoke(main, ["facets", "eval", "--csabstruct", str(bad)])
    assert res.exit_code == 1 and "bad.jsonl:2" in res.output


def test_eval_cs_shortcomings_json_on_a_slice_of_the_held_out_test(tmp_path):
    import gzip

    from .shortcoming_fixtures import ANNOTATIONS

    sl = tmp_path / "cs.jsonl"
    with gzip.open(ANNOTATIONS / "test.jsonl.gz", "rt", encoding="utf-8") as fh:
        sl.write_text("".join(fh.readlines()[:12]), encoding="utf-8")
    res = CliRunner().invoke(main, ["facets", "eval", "--cs", str(sl), "--cs-labels",
                                    str(ANNOTATIONS / "labels" / "adjudicated" / "test.tsv"), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert set(out) == {"shortcomings"} and set(out["shortcomings"]) == {"any", "types", "roles_macro_f1"}
    assert set(out["shortcomings"]["types"]) == {"prior", "open", "own"}
    assert 0.5 < out["shortcomings"]["any"]["f1"] <= 1        # a guess of "none" everywhere scores 0
    text = CliRunner().invoke(main, ["facets", "eval", "--cs", str(sl), "--cs-labels",
                                     str(ANNOTATIONS / "labels" / "adjudicated" / "test.tsv")])
    assert f"CS roles macro-F1 {out['shortcomings']['roles_macro_f1']:.4f}" in text.output   # as in the JSON
    missing = CliRunner().invoke(main, ["facets", "eval", "--cs", str(sl)])
    assert missing.exit_code == 2 and "--cs-labels" in missing.output
