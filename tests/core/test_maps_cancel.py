"""A `gapscope map` stopped between facets: the maps stored before the stop are kept and named (the
message said "no map was stored" while the topic map was there), and `analyze` need not build them again."""

from __future__ import annotations

import pytest

from . import maps_fixtures
from .maps_fixtures import facet_data, insert_papers

cs_rows = maps_fixtures.cs_rows     # the fixture


@pytest.fixture
def lib_and_data(tmp_path, cs_rows):
    from gapscope.store import Library

    rows = cs_rows[:200]
    lib = Library(tmp_path / "lib.sqlite")
    ids = insert_papers(lib, rows)
    yield lib, facet_data(ids, rows)
    lib.close()


def _cancel_after_first_save(monkeypatch, token):
    import gapscope.maps.store as store

    saved = store.save_map

    def save_then_cancel(lib, m):
        out = saved(lib, m)
        token.cancel()                     # Ctrl-C as the first map is stored
        return out

    monkeypatch.setattr(store, "save_map", save_then_cancel)


def test_a_cancel_between_facets_hands_back_the_maps_kept(lib_and_data, monkeypatch):
    from gapscope.jobs import CancelToken, Cancelled
    from gapscope.maps import build_maps, latest_map

    lib, data = lib_and_data
    token = CancelToken()
    _cancel_after_first_save(monkeypatch, token)
    with pytest.raises(Cancelled) as info:
        build_maps(lib, facets=("topic", "method"), data=data, k=4, stability_seeds=0, cancel=token)
    kept = info.value.state["maps"]
    assert list(kept) == ["topic"]
    assert latest_map(lib, "topic").id == kept["topic"].id
    assert lib.latest_map_id("method") is None


def test_the_message_names_the_maps_kept_and_the_command_for_the_rest():
    from types import SimpleNamespace

    from gapscope.commands.maps import cancelled_maps_message

    msg = cancelled_maps_message({"topic": SimpleNamespace(id=7)}, ("topic", "method", "result"))
    assert "topic (map 7)" in msg and "`gapscope map --facet method --facet result`" in msg
    assert "no map was stored" in cancelled_maps_message({}, ("topic",))


def test_the_command_for_the_rest_keeps_the_options_given(tmp_path, monkeypatch):
    """A map of one collection (or with its own k, seed ...) stopped: the command for the rest maps the same
    papers with the same options, not the whole library with the defaults."""
    from types import SimpleNamespace

    from click.testing import CliRunner

    import gapscope.maps
    from gapscope.cli import main
    from gapscope.jobs import Cancelled

    def stop(lib, **kw):
        raise Cancelled(state={"maps": {"topic": SimpleNamespace(id=3)}})

    from gapscope.store import Library

    lib_path = tmp_path / "review.gapscope"
    Library(lib_path, create=True).close()
    monkeypatch.setattr(gapscope.maps, "build_maps", stop)
    out = CliRunner().invoke(main, ["-L", str(lib_path), "map", "--facet", "topic", "--facet", "method",
                                    "--collection", "my review", "--k", "8", "--quiet"])
    assert out.exit_code == 130, out.output
    assert "`gapscope map --facet method --k 8 --collection 'my review'`" in out.output


def test_analyze_records_the_maps_kept_by_a_cancelled_build(lib_and_data, monkeypatch):
    import gapscope.embed
    import gapscope.maps
    from gapscope import analyze
    from gapscope.jobs import CancelToken, Cancelled

    lib, data = lib_and_data
    token = CancelToken()
    _cancel_after_first_save(monkeypatch, token)
    real = gapscope.maps.build_maps
    # the steps before the maps have nothing to do here: the vectors are handed in
    monkeypatch.setattr(analyze, "_pdf_labels_step", lambda *a: None)
    monkeypatch.setattr(analyze, "_needs_classify", lambda lib: False)
    monkeypatch.setattr(gapscope.embed, "embed_library", lambda *a, **kw: {"embedded": 0})
    monkeypatch.setattr(gapscope.maps, "build_maps", lambda lib, facets, **kw: real(
        lib, facets=facets, data=data, k=4, stability_seeds=0, cancel=kw["cancel"]))
    with pytest.raises(Cancelled):
        analyze.analyze(lib, facets=("topic", "method"), gaps=False, cancel=token)
    topic = lib.latest_map_id("topic")
    assert topic is not None and lib.latest_map_id("method") is None
    assert lib.analysis_input("map:topic") == (analyze._map_fingerprint(lib, "topic"), topic)
