"""Reading an acronym's sense (concepts/acronyms.py: what it stands for in the library, and which abstracts of
the library and of a reference corpus use it so) reads every abstract naming it: tens of thousands for "LLM"
in a reference corpus. Each pass tells its progress and stops at a cancel, and a cancelled `gaps find`
leaves the library as it was."""

from __future__ import annotations

import pytest

from gapscope.jobs import Cancelled
from tests.core.test_concept_acronyms import ASR_TEXTS, _concept
from tests.core.test_gaps_cancel import CancelAfter
from tests.core.test_gaps_reference import FILLER, make_reference, spread_with_topics  # noqa: F401 - a fixture

# ASR_TEXTS five times over: 40 abstracts, 15 of them not about speech recognition (4, 5 and 7 of each eight)
MANY = {k * 10 + p: t for k in range(5) for p, t in ASR_TEXTS.items()}


def _asr_reading():
    from gapscope.concepts.acronyms import read_acronyms

    return read_acronyms([_concept(7, "ASR", sorted(MANY), kind="problem")], MANY)[7]


def test_the_sense_reading_tells_its_progress_and_stops_at_a_cancel_in_the_middle(monkeypatch):
    from gapscope.concepts import acronyms
    from gapscope.concepts.acronyms import off_sense

    monkeypatch.setattr(acronyms, "SENSE_BATCH", 4)
    reading, read, told = _asr_reading(), [], []

    def texts_of(ids):
        read.append(list(ids))
        return {p: MANY[p] for p in ids}

    whole = off_sense({7: reading}, {7: sorted(MANY)}, texts_of, progress=lambda d, t, m: told.append((d, t, m)))
    assert whole == {7: frozenset(p for p in MANY if p % 10 in (4, 5, 7))}
    assert [d for d, _t, _m in told] == list(range(4, 41, 4)) and {t for _d, t, _m in told} == {40}
    assert "reading the sense of ASR" in told[-1][2]

    read.clear()
    token = CancelAfter(3)
    with pytest.raises(Cancelled):
        off_sense({7: reading}, {7: sorted(MANY)}, texts_of, cancel=token)
    assert len(read) == 3                         # three batches of four read, then it stopped


def test_reading_what_the_library_s_acronyms_stand_for_tells_its_progress_and_cancels():
    from gapscope.concepts.acronyms import read_acronyms

    acr = [_concept(k, name, sorted(MANY)) for k, name in enumerate(["ASR", "POS", "LLM", "RAG"], 1)]
    told = []
    read_acronyms(acr, MANY, progress=lambda d, t, m: told.append((d, t, m)))
    assert [(d, t) for d, t, _m in told] == [(0, 4), (1, 4), (2, 4), (3, 4)]
    assert "RAG" in told[-1][2]
    token = CancelAfter(2)
    with pytest.raises(Cancelled):
        read_acronyms(acr, MANY, cancel=token)
    assert token.reads == 3


def test_a_reference_corpus_s_sense_reading_tells_its_progress_and_cancels_leaving_nothing_half_read(tmp_path,
                                                                                                     monkeypatch):
    from types import SimpleNamespace

    from gapscope.concepts import acronyms
    from gapscope.gaps.reference import ReferenceCorpus

    monkeypatch.setattr(acronyms, "SENSE_BATCH", 4)
    # each a paper of its own (the import keeps one of papers alike): "Streaming ASR 12"
    rows = [(f"{t.split('. ', 1)[0]} {p}", t.split(". ", 1)[1], 2025) for p, t in MANY.items()] + FILLER
    ref = ReferenceCorpus.open(make_reference(tmp_path / "ref.gapscope", rows))
    asr = SimpleNamespace(id=7, phrase="ASR", synonyms=[])
    ref.senses = {7: _asr_reading()}
    ref.cancel = CancelAfter(4)
    with pytest.raises(Cancelled):
        ref.mentions(asr)
    assert ref.cancel.reads == 5 and 7 not in ref._mentions       # nothing half-read kept for the next pair
    told = []
    ref.cancel, ref.progress = None, lambda d, t, m: told.append((d, t, m))
    titles = {p.title.rsplit(" ", 1)[0] for p in ref.lib.get_papers(sorted(ref.mentions(asr)))}
    assert len(ref.mentions(asr)) == 20       # five of each of the four naming ASR as speech recognition
    assert titles == {"ASR for dialects", "Noisy transcripts", "Streaming ASR", "Whisper for ASR"}
    assert told and told[-1][0] == told[-1][1] and "in the reference corpus" in told[-1][2]
    ref.close()


def test_gaps_find_cancelled_while_reading_acronyms_writes_nothing(spread_with_topics, monkeypatch):  # noqa: F811
    """The library-side pass of `gaps find` (what each acronym stands for, then which of the papers naming it
    use it so) tells its progress and a cancel in its middle stops `gaps find` with the library unchanged."""
    import gapscope.embed as embed_mod
    import gapscope.gaps.find as find_mod
    from gapscope.concepts import acronyms
    from gapscope.gaps import find_gaps

    lib, data, _ = spread_with_topics

    def vectors(_lib, kind, *a, **kw):
        return data["topic" if kind == "abstract" else kind][:2]

    monkeypatch.setattr(find_mod, "load_vectors", vectors)
    monkeypatch.setattr(embed_mod, "load_vectors", vectors)
    real = find_mod._concepts_for_gaps

    def with_an_acronym(*a, **kw):
        """The stand-in concepts have no acronym: "LLMs" and "LLM" join them, their papers those writing it."""
        from dataclasses import replace

        cs = real(*a, **kw)
        papers = {p: "method" for p in lib.papers_mentioning({0: ["LLMs", "LLM"]})[0]}
        top = max(c.id for c in cs.concepts)
        cs.concepts += [replace(cs.concepts[0], id=top + k, phrase=name, synonyms=[], papers=papers, scores={})
                        for k, name in enumerate(["LLMs", "LLM"], 1)]
        return cs

    monkeypatch.setattr(find_mod, "_concepts_for_gaps", with_an_acronym)
    monkeypatch.setattr(acronyms, "SENSE_BATCH", 8)         # its papers read in several batches
    for stage in ("stand for in the library", "reading the sense of"):
        token, told = CancelAfter(10 ** 9), []

        def progress(done, total, message, token=token, stage=stage):
            told.append((done, total, message))
            if stage in message and token.n == 10 ** 9:
                token.n = token.reads              # cancelled at the pass's next look
        before = (lib._conn.total_changes, lib.get_setting("gaps.notices"))
        with pytest.raises(Cancelled):
            find_gaps(lib, data=data, reference=False, progress=progress, cancel=token)
        at = [(d, t) for d, t, m in told if stage in m]
        assert at and at[-1][0] < at[-1][1], told        # stopped in the middle of the pass
        assert (lib._conn.total_changes, lib.get_setting("gaps.notices")) == before
