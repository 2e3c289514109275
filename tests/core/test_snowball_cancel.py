"""`triage snowball --add` stopped (Ctrl-C, Cancel) says so, exits 130 and keeps what it added; before, it
printed its counts and exited 0 as if every candidate had come in."""

from __future__ import annotations

from click.testing import CliRunner

from gapscope.citations.snowball import SnowballReport, add_candidates, candidates
from gapscope.jobs import CancelToken

from . import test_citations_graph

g = test_citations_graph.g      # the small citation graph and its library (a fixture)


def test_a_stopped_add_says_cancelled_and_the_next_adds_the_rest(g, monkeypatch):
    import functools

    import gapscope.ingest
    from gapscope.triage import decide

    # batches of 2, so that the few candidates of the graph make several (a cancel is read after each)
    monkeypatch.setattr(gapscope.ingest, "ingest_papers", functools.partial(gapscope.ingest.ingest_papers,
                                                                            batch_size=2))
    lib, w = g
    decide(lib, w.pid_a, "include")
    decide(lib, w.pid_b, "include")
    cands = candidates(lib)
    before = lib.count_papers()
    token = CancelToken()
    token.cancel()
    rep = add_candidates(lib, cands, cancel=token)
    assert rep.cancelled and rep.to_dict()["cancelled"] is True
    assert 0 < rep.added + rep.merged < len(cands)
    assert lib.count_papers() == before + rep.added
    again = add_candidates(lib, cands)
    assert not again.cancelled and lib.count_papers() == before + rep.added + again.added
    assert candidates(lib) == []


def test_the_cli_exits_130_and_names_the_command_that_goes_on(tmp_path, monkeypatch):
    import gapscope.citations.snowball as snowball
    from gapscope.cli import main
    from gapscope.store import Library

    path = tmp_path / "review.gapscope"
    Library(path, create=True).close()
    monkeypatch.setattr(snowball, "candidates", lambda lib, **kw: [{"work_id": 1}, {"work_id": 2}])
    monkeypatch.setattr(snowball, "add_candidates", lambda lib, cands, **kw: SnowballReport(
        offered=2, added=1, import_id=1, cancelled=True))
    out = CliRunner().invoke(main, ["-L", str(path), "triage", "snowball", "--add"])
    assert out.exit_code == 130, out.output
    assert "offered 2: added 1" in out.output and "`gapscope triage snowball --add` again" in out.output


def test_the_command_that_goes_on_keeps_the_collection_direction_and_what_is_left_of_the_limit(tmp_path, monkeypatch):
    """Snowballing from one collection's includes: the command for the rest snowballs from the same ones (the
    whole library's includes give other candidates), with what is left of --limit."""
    import gapscope.citations.snowball as snowball
    import gapscope.commands.citations as cmd
    from gapscope.cli import main
    from gapscope.store import Library

    path = tmp_path / "review.gapscope"
    Library(path, create=True).close()
    monkeypatch.setattr(cmd, "_scope_ids", lambda *a: [])
    monkeypatch.setattr(snowball, "candidates", lambda lib, **kw: [{"work_id": i} for i in range(30)])
    monkeypatch.setattr(snowball, "add_candidates", lambda lib, cands, **kw: SnowballReport(
        offered=30, added=8, merged=2, import_id=1, cancelled=True))
    out = CliRunner().invoke(main, ["-L", str(path), "triage", "snowball", "--add", "-c", "my review",
                                    "--direction", "backward", "--limit", "30"])
    assert out.exit_code == 130, out.output
    assert ("`gapscope triage snowball --add --collection 'my review' --direction backward --limit 20` again"
            in out.output)
