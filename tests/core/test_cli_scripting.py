"""The CLI as a script sees it: a `--json` failure is JSON on stdout too, long work prints plain progress
lines when stderr is no terminal, and the help says which commands create a missing library."""

from __future__ import annotations

import io
import json

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.commands import plain_progress
from gapscope.commands.common import EXIT_NOT_FOUND, progress_bar
from gapscope.commands.plain_progress import PlainProgress
from gapscope.jobs import Notice


@pytest.fixture
def run(tmp_path):
    lib = tmp_path / "s.gapscope"

    def invoke(*args):
        return CliRunner().invoke(main, ["--library", str(lib), *args], catch_exceptions=False)

    return invoke


def _json_error(result) -> dict:
    """The one JSON object on stdout; its message is the stderr line's."""
    obj = json.loads(result.stdout)
    assert set(obj) == {"error", "code"} and obj["code"] == result.exit_code
    assert f"error: {obj['error']}" in result.stderr
    return obj


@pytest.mark.parametrize("args", [
    ("papers", "show", "999999", "--json"),
    ("triage", "decide", "abc", "include", "--json"),
    ("runs", "show", "nosuchrun", "--json"),
    ("gaps", "show", "99999", "--json"),
])
def test_a_json_command_that_fails_prints_its_error_as_json_on_stdout(run, args):
    run("init")
    r = run(*args)
    assert r.exit_code != 0
    obj = _json_error(r)
    assert obj["error"] and "Traceback" not in r.stderr


def test_the_json_error_keeps_the_message_and_exit_code(run):
    run("init")
    plain = run("papers", "show", "999999")
    as_json = run("papers", "show", "999999", "--json")
    assert plain.exit_code == as_json.exit_code == EXIT_NOT_FOUND
    assert plain.stdout == "" and plain.stderr == as_json.stderr      # without --json: as before
    assert f"error: {_json_error(as_json)['error']}\n" == plain.stderr


def test_a_missing_library_with_json_is_a_json_error(run):
    r = run("stats", "--json")
    assert r.exit_code == EXIT_NOT_FOUND and "no library at" in _json_error(r)["error"]


def test_a_bad_option_value_with_json_is_a_json_error(run):
    run("init")
    r = run("papers", "list", "--json", "--limit", "many")
    assert r.exit_code == 2 and "many" in json.loads(r.stdout)["error"]
    assert json.loads(r.stdout)["code"] == 2 and "many" in r.stderr


def test_a_bad_value_of_a_global_option_with_json_is_a_json_error(run):
    """--device is read by the group before any command: its usage error is JSON too, as the docs promise
    for a bad argument."""
    run("init")
    r = run("--device", "bogus", "stats", "--json")
    assert r.exit_code == 2 and "bogus" in r.stderr
    obj = json.loads(r.stdout)                  # one object, nothing else on stdout
    assert set(obj) == {"error", "code"} and obj["code"] == 2 and "bogus" in obj["error"]


def test_a_bad_global_option_without_json_leaves_stdout_empty(run):
    run("init")
    r = run("--device", "bogus", "stats")
    assert r.exit_code == 2 and r.stdout == "" and "bogus" in r.stderr


class FakeClock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_plain_progress_prints_at_most_one_line_per_interval():
    out, clock = io.StringIO(), FakeClock()
    bar = PlainProgress("map", stream=out, clock=clock, interval=5.0)
    bar(0, 1000, "topic: choosing k")
    clock.t += 3
    bar(100, 1000, "topic: k=40 silhouette 0.1")
    assert out.getvalue() == ""                  # a short command stays quiet
    clock.t += 3                                 # 6 s in
    bar(250, 1000, "topic: k=50 silhouette 0.2")
    clock.t += 1
    bar(300, 1000, "topic: k=60 silhouette 0.2")
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("map: ") and "25%" in lines[0] and "250/1000" in lines[0]
    assert "topic: k=50" in lines[0] and "6 s" in lines[0]
    clock.t += 5                                 # the next one only after the interval
    bar(600, 1000, "topic: k-means k=73")
    assert len(out.getvalue().splitlines()) == 2 and "60%" in out.getvalue().splitlines()[1]


def test_plain_progress_notices_always_and_nothing_else_when_quiet():
    out, clock = io.StringIO(), FakeClock()
    bar = PlainProgress("embed", stream=out, clock=clock, interval=5.0, enabled=False)
    for i in range(10):
        clock.t += 10
        bar(i, 10, "abstracts")
    bar(10, 10, Notice("model downloaded"))
    assert out.getvalue() == "embed: model downloaded\n"


def test_progress_bar_without_a_terminal_prints_plain_lines(monkeypatch):
    err, clock = io.StringIO(), FakeClock()       # StringIO.isatty() is False: a log, a pipe, a cluster job
    monkeypatch.setattr("sys.stderr", err)
    monkeypatch.setattr(plain_progress, "monotonic_clock", clock)
    with progress_bar("gaps") as (progress, _cancel):
        progress(1, 4, "scoring pairs")
        clock.t += 30
        progress(3, 4, "scoring pairs")
    lines = err.getvalue().splitlines()
    assert lines and all(line.startswith("gaps: ") and "scoring pairs" in line for line in lines), lines
    assert "\r" not in err.getvalue()


def test_the_library_option_says_which_commands_create_a_missing_library():
    text = CliRunner().invoke(main, ["--help"]).output
    assert "created when missing" not in text
    for command in ("init", "sample", "import", "collect", "attach", "settings set"):
        assert command in text.split("--library", 1)[1].split("--device", 1)[0]


def test_the_commands_the_help_names_do_create_a_library(tmp_path):
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "n.gapscope"), "settings", "set",
                                  "compute.device", "cpu"], catch_exceptions=False)
    assert r.exit_code == 0 and (tmp_path / "n.gapscope").exists()
    rows = tmp_path / "rows.csv"
    rows.write_text("title,abstract,year\nA title,An abstract,2020\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "i.gapscope"), "import", "--quiet", str(rows)],
                           catch_exceptions=False)
    assert r.exit_code == 0 and (tmp_path / "i.gapscope").exists()
    r = CliRunner().invoke(main, ["--library", str(tmp_path / "m.gapscope"), "stats"])
    assert r.exit_code == EXIT_NOT_FOUND and not (tmp_path / "m.gapscope").exists()


def test_a_map_reports_each_step_under_its_facet():
    """Every progress message of a map names its facet (the stage of a plain progress line), and the
    long steps after k-means (layout, keywords, labels) each say they have begun."""
    import numpy as np

    from gapscope.maps.build import make_map

    rng = np.random.default_rng(0)
    ids = np.arange(1, 61)
    vecs = rng.normal(size=(60, 16)).astype("float32")
    texts = {int(i): f"graph neural network paper {i % 7} about topic {i % 5}" for i in ids}
    seen: list[tuple[int, str]] = []
    make_map("topic", ids, vecs, texts, {}, progress=lambda done, total, message="": seen.append((done, message)))
    assert seen and all(message.startswith("topic: ") for _, message in seen), seen
    said = [message for _, message in seen]
    assert any("choosing k" in m for m in said)
    steps = [next(i for i, m in enumerate(said) if word in m) for word in ("layout", "keywords", "labels")]
    assert steps == sorted(steps) and said[-1] == f"topic: {said[-1].split(': ')[1]}" and seen[-1][0] == 1000


def test_an_update_held_back_by_the_interval_is_printed_when_it_is_over():
    """A step that begins right after a line and runs long is shown once the interval is over (the
    background tick), not hidden until the step after it reports."""
    out, clock = io.StringIO(), FakeClock()
    bar = PlainProgress("map", stream=out, clock=clock, interval=5.0)
    clock.t += 6
    bar(600, 1000, "topic: k-means k=73")
    clock.t += 1
    bar(850, 1000, "topic: keywords of 73 clusters")       # too soon: held back
    bar.tick()
    assert len(out.getvalue().splitlines()) == 1
    clock.t += 20                                           # the keywords take 20 s, with no report
    bar.tick()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "keywords of 73 clusters" in lines[1] and "85%" in lines[1]
    bar.tick()
    assert len(out.getvalue().splitlines()) == 2             # printed once


def test_a_step_quiet_for_a_minute_is_said_again_with_how_long():
    out, clock = io.StringIO(), FakeClock()
    bar = PlainProgress("gaps", stream=out, clock=clock, interval=5.0)
    clock.t += 10
    bar(0, 3, "concept mentions in the abstracts")
    clock.t += 30
    bar.tick()
    assert len(out.getvalue().splitlines()) == 1             # quiet, but not for a minute yet
    clock.t += 31
    bar.tick()
    lines = out.getvalue().splitlines()
    assert len(lines) == 2 and "concept mentions in the abstracts" in lines[1]
    assert "no update for 61 s" in lines[1] and "[71 s]" in lines[1]
