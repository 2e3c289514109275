"""`--ray` without Ray installed says how to install it and changes nothing (runs with or without Ray)."""

import sys

from click.testing import CliRunner

from gapscope.cli import main


def test_ray_flag_without_ray_says_how_to_install(tmp_path, shared_data, monkeypatch):
    lib = tmp_path / "cli.sqlite"
    runner = CliRunner()
    assert runner.invoke(main, ["--library", str(lib), "init"]).exit_code == 0
    runner.invoke(main, ["--library", str(lib), "import", "--quiet",
                         str(shared_data / "arxiv/kaggle-snapshot-head200.jsonl")])
    monkeypatch.setitem(sys.modules, "ray", None)          # import ray -> ImportError, as when not installed
    for args in (["embed", "--ray"], ["facets", "--ray", "local"], ["embed", "--ray", "10.0.0.5:6379"]):
        res = runner.invoke(main, ["--library", str(lib)] + args)
        assert res.exit_code == 2, (args, res.output)
        assert "pip install 'gapscope[cluster]'" in res.output
    stats = runner.invoke(main, ["--library", str(lib), "stats", "--json"])
    assert '"papers": 200' in stats.output.replace("  ", " ")
