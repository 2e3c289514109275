"""The screening list kept with the library (gapscope.triage.kept_scope): read back as written, checked against
the library as it is now, and printed by `gapscope triage scope`."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.store.library import now_iso
from gapscope.triage import Scope
from gapscope.triage.kept_scope import KeptScope, keep_scope, kept_scope


def _papers(lib, titles):
    with lib.transaction() as conn:
        return [conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                             (t, f"{t} abstract", t.lower(), now_iso())).lastrowid for t in titles]


def _scope_cli(lib, *args):
    res = CliRunner().invoke(main, ["--library", str(lib.path), "triage", "scope", *args])
    assert res.exit_code == 0, res.output
    return res.output


def test_a_kept_list_reads_back_and_the_cli_names_it(library):
    ids = _papers(library, ["protein folding", "protein design", "graph networks"])
    library.add_to_collection("review", ids)
    library.save_search("proteins", "protein")
    assert kept_scope(library) is None
    assert "no screening list kept" in _scope_cli(library)

    kept = KeptScope(Scope(collection="review", query="protein", ids=frozenset(ids[:1])),
                     list_label="collection “review”, matching “protein”", saved_search="proteins")
    assert keep_scope(library, kept) is True
    assert keep_scope(library, kept) is False            # the same list: nothing written again
    assert kept_scope(library) == kept
    out = _scope_cli(library)
    assert "the Library's list (collection “review”, matching “protein”)" in out
    assert "saved search “proteins”" in out and "1 paper" in out
    record = json.loads(_scope_cli(library, "--json"))
    assert record["ids"] == ids[:1] and record["gone"] == [] and record["papers"] == 1


def test_a_kept_list_whose_saved_search_and_collection_are_gone_falls_back_and_says_which(library):
    ids = _papers(library, ["protein folding", "protein design"])
    library.add_to_collection("review", ids)
    library.save_search("proteins", "protein")
    keep_scope(library, KeptScope(Scope(collection="review", query="protein", ids=frozenset(ids)),
                                  list_label="matching “protein”", saved_search="proteins"))
    library.delete_saved_search("proteins")
    kept = kept_scope(library)
    assert kept.gone == ("saved search “proteins”",) and kept.scope == Scope(collection="review")
    library.delete_collection("review")
    kept = kept_scope(library)
    assert kept.gone == ("collection “review”", "saved search “proteins”") and kept.scope == Scope()
    assert "is gone" in _scope_cli(library) and "the whole library instead" in _scope_cli(library)


def test_an_unreadable_kept_list_is_no_list(library):
    library.set_setting("triage.scope", {"cluster": "not a pair", "ids": [1]})
    assert kept_scope(library) is None
    library.set_setting("triage.scope", "garbage")
    assert kept_scope(library) is None


def test_a_kept_list_with_a_short_or_odd_cluster_is_no_list(library):
    """Written by another client or an older app: the value is a convenience, never a reason the Triage view
    fails to open (an IndexError or KeyError from the record escaped kept_scope)."""
    for record in ({"cluster": [3]}, {"cluster": {"map": 1}}, {"ids": {"a": 1}}):
        library.set_setting("triage.scope", record)
        assert kept_scope(library) is None, record


def test_a_kept_list_whose_search_no_longer_runs_is_named_with_why_not_a_traceback(library):
    """The Triage view keeps what its search box holds, a search that does not parse too (the view says so
    in red): `triage scope` names the list and what is wrong with its search, as `triage next` does."""
    _papers(library, ["protein folding"])
    keep_scope(library, KeptScope(Scope(query='"protein')))
    for args in ((), ("--json",)):
        res = CliRunner().invoke(main, ["--library", str(library.path), "triage", "scope", *args])
        assert res.exit_code != 0 and isinstance(res.exception, SystemExit), repr(res.exception)
        assert "bad search" in res.output and "protein" in res.output, res.output


def test_a_kept_list_whose_papers_were_all_deleted_is_gone_and_falls_back_to_its_collection(library):
    """Every paper of the Library's list deleted since: the list is gone (as a deleted collection is), named
    with its label, and the screening falls back to the collection still there, not to a list of 0 papers."""
    ids = _papers(library, ["protein folding", "protein design", "graph networks"])
    library.add_to_collection("review", ids)
    keep_scope(library, KeptScope(Scope(collection="review", ids=frozenset(ids[:2])),
                                  list_label="matching “protein”"))
    library.delete_papers(ids[:1])
    assert not kept_scope(library).gone           # one paper of the list left: the list is still there
    library.delete_papers(ids[1:2])
    kept = kept_scope(library)
    assert kept.scope == Scope(collection="review") and len(kept.gone) == 1
    assert "matching “protein”" in kept.gone[0] and "2 papers" in kept.gone[0]
    out = _scope_cli(library)
    assert "is gone" in out and "collection 'review' instead" in out
