"""`gapscope diagnostics`: versions, platform, library counts, the last errors of the log; no paper
text, no settings values, secrets redacted."""

from __future__ import annotations

import json

from click.testing import CliRunner


def test_cli_diagnostics_file(tmp_path, monkeypatch):
    from gapscope.cli import main
    from gapscope.sample import SAMPLE_SIZE
    from gapscope.store import Library

    path = tmp_path / "lib.gapscope"
    assert CliRunner().invoke(main, ["--library", str(path), "sample", "--quiet"]).exit_code == 0
    with Library(path) as lib:
        lib.set_setting("collect.proxy", "http://me:pa55word@proxy.example:3128")
        titles = [t for _i, t, _a in lib.paper_title_abstracts()]
    log = tmp_path / "gapscope.log"
    log.write_text("2026-05-01 10:00:00 INFO gapscope: started\n"
                   "2026-05-01 10:00:01 ERROR gapscope.collect: arXiv answered 503 (token=abc123)\n"
                   "Traceback (most recent call last):\n  File \"x.py\", line 1\n"
                   "2026-05-01 10:00:02 WARNING gapscope.embed: slow disk\n", encoding="utf-8")
    monkeypatch.setenv("GAPSCOPE_LOG", str(log))
    out = tmp_path / "diag.json"
    result = CliRunner().invoke(main, ["--library", str(path), "diagnostics", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    info = json.loads(text)
    assert info["gapscope"] and info["python"] and info["platform"] and "torch" in info["packages"]
    assert info["library"]["counts"]["papers"] == SAMPLE_SIZE
    assert "collect.proxy" in info["library"]["setting_keys"]
    assert len(info["last_errors"]) == 2 and "Traceback" in info["last_errors"][0]
    assert "abc123" not in text and "pa55word" not in text and "[redacted]" in info["last_errors"][0]
    assert not any(t in text for t in titles)
