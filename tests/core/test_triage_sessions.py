"""A ranking session kept between rankings (SessionCache): its features are loaded once for many
decisions, it ranks as a new session would, and it is dropped when the scope, its papers, their texts
or the model settings change; decisions made elsewhere are seen."""

from __future__ import annotations

import pytest

from gapscope.store import Library
from gapscope.triage import Scope, SessionCache, TriageSession, decide, queue


@pytest.fixture(autouse=True)
def _cache(tmp_path, monkeypatch):
    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))


@pytest.fixture
def loads(monkeypatch):
    """The calls of the features' load (or build)."""
    calls = []
    real = queue.load_scope_features

    def counted(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(queue, "load_scope_features", counted)
    return calls


def _rank(cache, lib, scope=Scope(), **kw):
    with cache.session(lib, scope, **kw) as s:
        return s.queue(5), s.stats()


def test_one_feature_load_for_many_decisions_and_the_same_ranking_as_a_new_session(adhd, loads):
    lib, truth = adhd
    cache = SessionCache()
    for k in range(8):
        kept, kept_stats = _rank(cache, lib)
        fresh = TriageSession(lib).queue(5)
        assert kept == fresh                      # the same papers, scores and probabilities
        assert kept_stats["screened"] == k
        pid = kept[0]["paper_id"]
        decide(lib, pid, "include" if truth[pid] else "exclude")
    # one load by the kept session, one by each new session it was compared with
    assert len(loads) == 1 + 8 and cache.loads == 1


def test_decisions_made_elsewhere_are_seen(adhd, loads):
    lib, _truth = adhd
    cache = SessionCache()
    top = _rank(cache, lib)[0][0]["paper_id"]
    other = Library(lib.path)
    try:
        decide(other, top, "exclude")            # another window or process
    finally:
        other.close()
    ranked, stats = _rank(cache, lib)
    assert top not in [q["paper_id"] for q in ranked] and stats["exclude"] == 1
    assert cache.loads == 1


def test_a_new_scope_new_papers_an_edited_text_or_other_settings_start_afresh(adhd, loads):
    from gapscope.editing import set_title
    from gapscope.store.library import now_iso

    lib, truth = adhd
    cache = SessionCache()
    _rank(cache, lib)
    _rank(cache, lib, reviewer="ann")            # another reviewer: the same features, a session of their own
    assert cache.loads == 1
    _rank(cache, lib, Scope(query="children"))   # another scope
    assert cache.loads == 2
    _rank(cache, lib)
    assert cache.loads == 3
    with lib.transaction() as conn:              # a paper comes in (an import, another process)
        new = conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                           ("A new trial", "Methylphenidate in adults.", "a new trial", now_iso())).lastrowid
    ranked = _rank(cache, lib)[0]
    assert cache.loads == 4
    with cache.session(lib, Scope()) as s:
        assert new in s.paper_ids
    set_title(lib, next(iter(truth)), "An edited title about stimulants")
    _rank(cache, lib)
    assert cache.loads == 5
    _rank(cache, lib, use_embeddings=False)      # model settings
    assert cache.loads == 6
    with cache.session(lib, Scope(), use_embeddings=False, C=1.0) as s:    # the features do not depend on C
        assert s.C == 1.0
    assert cache.loads == 6
    assert ranked                                # (the new paper is ranked with the others)


def test_the_whole_library_is_checked_in_one_pass_over_the_papers(adhd, loads, monkeypatch):
    """After each decision the kept session checks the scope's papers and texts, and a new session reads
    them to find its features: for the whole library ids and texts come from one read of the table, not
    a lookup of 75,000 ids (and an edit is seen)."""
    from gapscope.editing import set_title

    lib, truth = adhd
    cache = SessionCache()
    _rank(cache, lib)

    def looked_up(*_a, **_k):
        raise AssertionError("texts looked up by id")

    with monkeypatch.context() as m:
        m.setattr(type(lib), "title_abstracts_of", looked_up)
        _rank(cache, lib)
        assert TriageSession(lib).queue(5) == _rank(cache, lib)[0]      # a new session (the CLI's) too
    assert cache.loads == 1
    set_title(lib, next(iter(truth)), "An edited title about stimulants")
    _rank(cache, lib)
    assert cache.loads == 2


def _texts_not_read(monkeypatch, lib):
    def read(*_a, **_k):
        raise AssertionError("the papers' texts were read")

    monkeypatch.setattr(type(lib), "paper_title_abstracts", read)
    monkeypatch.setattr(type(lib), "title_abstracts_of", read)


def test_an_unchanged_library_is_known_current_without_reading_the_texts(adhd, loads, monkeypatch):
    """The library's text stamp (moved by triggers on every added or deleted paper, changed title or
    abstract) says the texts are as they were: the kept session is used without reading them."""
    lib, truth = adhd
    cache = SessionCache()
    first = _rank(cache, lib)[0]
    pid = first[0]["paper_id"]
    decide(lib, pid, "include" if truth[pid] else "exclude")     # decisions, tags, notes: no text change
    lib.add_note(pid, "read it")
    with monkeypatch.context() as m:
        _texts_not_read(m, lib)
        kept = _rank(cache, lib)[0]
    assert cache.loads == 1 and pid not in [q["paper_id"] for q in kept]
    assert kept == TriageSession(lib).queue(5)


@pytest.mark.parametrize("how", ["title", "abstract", "insert", "delete"])
def test_a_text_changed_by_plain_sql_in_another_connection_is_seen(adhd, loads, how):
    """A write that no GapScope code sees (plain SQL, through another connection, as another process
    would) moves the stamp through the triggers: the kept session is dropped."""
    from .triage_helpers import write_behind

    lib, truth = adhd
    cache = SessionCache()
    _rank(cache, lib)
    pid = next(iter(truth))
    write_behind(lib, how, pid, lib.get_paper(pid).title + " stimulants")
    with cache.session(lib, Scope()) as s:
        assert (pid in s.paper_ids) == (how != "delete")
        assert s.queue(5) == TriageSession(lib).queue(5)
    assert cache.loads == 2


def test_a_text_changed_and_changed_back_keeps_the_session(adhd, loads, monkeypatch):
    """A moved stamp is not a changed text: the texts are compared, and, equal, the new stamp is noted."""
    from gapscope.editing import set_title

    lib, truth = adhd
    cache = SessionCache()
    _rank(cache, lib)
    pid = next(iter(truth))
    title = lib.get_paper(pid).title
    before = lib.paper_text_stamp()
    set_title(lib, pid, "An edited title about stimulants")
    set_title(lib, pid, title)
    assert lib.paper_text_stamp() != before
    _rank(cache, lib)
    assert cache.loads == 1
    with monkeypatch.context() as m:
        _texts_not_read(m, lib)
        _rank(cache, lib)
    assert cache.loads == 1


def test_a_collections_papers_are_still_compared(adhd, loads):
    lib, truth = adhd
    ids = list(truth)
    lib.create_collection("picked")
    lib.add_to_collection("picked", ids[:40])
    cache = SessionCache()
    _rank(cache, lib, Scope(collection="picked"))
    _rank(cache, lib, Scope(collection="picked"))
    assert cache.loads == 1
    lib.add_to_collection("picked", ids[40:41])                  # no text changed, yet the scope did
    with cache.session(lib, Scope(collection="picked")) as s:
        assert ids[40] in s.paper_ids
    assert cache.loads == 2
