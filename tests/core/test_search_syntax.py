"""The search a researcher types (search box, `gapscope papers search`): every form the search box
advertises ("exact phrase", OR, -word, title:, au:) and their combinations find what they say; words the
index cannot tell from their letters (C++, C#, .NET) find those words; no text ever yields an SQLite error."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from gapscope.cli import main
from gapscope.ingest import ingest_papers
from gapscope.models import Paper
from gapscope.store import LibraryError

PAPERS = {
    "mt": ("Neural machine translation with attention", "We translate sentences between languages.", ["Ada Lovelace"]),
    "sign": ("Sign language translation from video", "Translation of signing into text.", ["Alan Turing"]),
    "graph": ("Graph neural networks for molecules", "Message passing on molecule graphs.", ["Alan Turing"]),
    "cpp": ("Teaching C++ to first-year students", "A course on templates in C++.", ["Grace Hopper"]),
    "c": ("A type system for C", "Pointers in the C language.", ["Grace Hopper"]),
    "csharp": ("Refactoring C# code bases", "Large .NET applications.", ["Barbara Liskov"]),
    "nets": ("Petri nets for workflows", "Nets model concurrency.", ["Carl Petri"]),
    "url": ("Video editing with masks", "Project page: https://example.net/edit.", ["Dana Scott"]),
}


@pytest.fixture
def found(library):
    ingest_papers(library, [Paper(title=t, abstract=a, authors=au, source="t", source_key=k)
                            for k, (t, a, au) in PAPERS.items()], kind="import", source="t", target="test")
    by_title = {title: k for k, (title, _a, _au) in PAPERS.items()}
    key = {p.id: by_title[p.title] for p in library.get_papers(library.list_paper_ids())}

    def search(q):
        listed = {key[i] for i in library.list_paper_ids(query=q)}
        ranked = {key[i] for i, _rank in library.search(q)}
        assert listed == ranked, q                 # the list filter and the ranked search agree
        return listed

    return search


def test_each_advertised_form(found):
    assert found('"machine translation"') == {"mt"}
    assert found("translation OR molecules") == {"mt", "sign", "graph"}
    assert found("translation -video") == {"mt"}
    assert found("title:graph") == {"graph"} and found("ti:translation") == {"mt", "sign"}
    assert found("au:turing") == {"sign", "graph"} and found("author:Hopper") == {"cpp", "c"}


def test_an_excluded_phrase_leaves_its_papers_out(found):
    """The review's case: -"machine translation" was passed to FTS5 as a column name."""
    assert found('translation -"machine translation"') == {"sign"}
    assert found('translation NOT "machine translation"') == {"sign"}
    assert found('translation -title:"sign language"') == {"mt"}


def test_combinations(found):
    assert found('au:turing (graph OR "sign language")') == {"sign", "graph"}
    assert found('title:(translation OR graph) -au:lovelace') == {"sign", "graph"}
    assert found('"neural" -"machine translation" -sign') == {"graph"}
    assert found("au:hopper AND ti:type") == {"c"}
    assert found("transl*") == {"mt", "sign"} and found("transl") == {"mt", "sign"}   # prefix, typed or asked
    assert found("first-year") == {"cpp"} and found("graphs - a survey") == set()    # a lone dash is no exclusion


def test_words_with_symbols_find_those_words_not_their_letters(found):
    assert found("C++") == {"cpp"}              # not the paper about C
    assert found("C#") == {"csharp"}
    assert found(".NET") == {"csharp"}          # not Petri nets, nor a project page's address (smart case)
    assert found(".net") == {"csharp", "url"}   # typed in lower case: any case
    assert found("C") == {"cpp", "c", "csharp"}
    assert found("C -C++") == {"c", "csharp"}
    assert found("title:C++ templates") == {"cpp"} and found("abstract:C#") == set()
    assert found('"C++ to first-year"') == {"cpp"}


@pytest.mark.parametrize("query, says", [
    ('"unclosed', 'a quote (") is not closed'),
    ("title:(", "title: needs a word"),
    ("graph OR", "OR needs a word"),
    ("OR graph", "OR needs a word"),
    ("graph AND", "AND needs a word"),          # a dangling AND is read as a dangling OR is
    ("AND graph", "AND needs a word"),
    ("graph AND AND video", "AND needs a word"),
    ("(graph AND) video", "AND needs a word"),
    ("graph OR -video", "cannot be one side of OR"),
    ("-graph", "a -word only leaves papers out"),
    ('-"machine translation"', "a -word only leaves papers out"),
    ("NOT", "needs a word"),
    ("()", "holds nothing to search for"),
    # a bad NEAR group says what is wrong, and shows one as it should be
    ("NEAR(graph molecules, 5", 'NEAR( is not closed (as in NEAR(word "a phrase", 5))'),
    ("NEAR(", "NEAR( is not closed (as in"),
    ("NEAR(graph)", "needs two or more words or \"phrases\" to find near each other (as in"),
    ("NEAR(graph molecules, five)", "the distance after the comma in NEAR( ) must be a number of words (as in"),
    ("NEAR(graph molecules, 5 more)", "a ) must follow the number (as in"),
    ("NEAR(graph OR molecules)", "NEAR( ) holds words and \"phrases\" only, no OR, NOT, -word, field: or parentheses"),
    ("NEAR(graph -molecules)", "holds words and \"phrases\" only"),
    ("NEAR(ti:graph molecules)", "holds words and \"phrases\" only"),
])
def test_bad_searches_say_what_is_wrong_in_the_users_terms(library, query, says):
    with pytest.raises(LibraryError) as err:
        library.search(query)
    message = str(err.value)
    assert message.startswith(f"bad search {query!r}") and says in message
    assert "column" not in message and "fts5" not in message and "syntax error" not in message


def test_a_pasted_fragment_with_a_parenthesis_without_its_partner_is_searched(found):
    from gapscope.store.search_query import parse_search

    assert found("graph)") == {"graph"} and found("(graph") == {"graph"}
    assert found("(translation OR graph") == {"mt", "sign", "graph"}
    assert found("(translation OR graph) molecules)") == {"graph"}          # the balanced group still groups
    assert found('"C++ (to" first-year)') == {"cpp"}                        # one inside a phrase is the phrase's
    assert parse_search("graph)").notes == ["the parenthesis ) without a partner was ignored"]
    assert parse_search("((graph").notes == ["the parentheses ( ( without a partner were ignored"]
    assert parse_search("(graph)").notes == []


@pytest.mark.parametrize("query", [
    'a -"b c" ^d', "title:* NEAR(a b)", "col:umn:x", '"" OR ""', "{title nope}:x", "a AND AND OR b",
    "*", "-", ":", "{", "}", "^", "NEAR(", "au:\"", "x:(y", "((((a))))", 'ti:"a" OR au:(b -c)', "C++ OR C#",
])
def test_no_user_text_yields_an_sqlite_error(library, query):
    ingest_papers(library, [Paper(title="a b c", abstract="d", source="t", source_key="1")],
                  kind="import", source="t", target="test")
    try:
        library.search(query)
        library.list_paper_ids(query=query)
    except LibraryError as exc:
        assert "fts5" not in str(exc) and "no such column" not in str(exc) and "syntax error" not in str(exc)


def test_cli_search_with_an_excluded_phrase_and_a_note_on_symbols_inside_or(tmp_path):
    rows = tmp_path / "rows.csv"
    rows.write_text("title,abstract\nNeural machine translation,Attention.\nSign language translation,Video.\n",
                    encoding="utf-8")
    run = lambda *a: CliRunner().invoke(main, ["--library", str(tmp_path / "l.gapscope"), *a])  # noqa: E731
    assert run("import", "--quiet", str(rows)).exit_code == 0
    res = run("papers", "search", 'translation -"machine translation"')
    assert res.exit_code == 0, res.output
    assert "Sign language" in res.output and "Neural machine" not in res.output
    res = run("papers", "search", "C++ OR translation")
    assert "note: C++ inside OR or ( ) was searched as \u201cC\u201d" in res.output


def test_what_fts5_still_refuses_is_said_in_the_users_terms_and_other_failures_stay_themselves():
    import sqlite3

    from gapscope.store.papers import search_error

    said = search_error("x", sqlite3.OperationalError('fts5: syntax error near "^"'))
    assert isinstance(said, LibraryError) and str(said).startswith("bad search 'x': GapScope could not read it")
    assert "fts5" not in str(said)
    locked = sqlite3.OperationalError("database is locked")
    assert search_error("x", locked) is locked          # the library's fault, with its own message and exit code


def test_the_typed_prefix_needs_three_letters_in_the_last_word_part_the_index_sees():
    """Search as you type makes the last word a prefix from three letters on; the index sees "R&D" and
    "i.e." as "r d" and "i e", so a prefix there would be "d*" or "e*" (every word starting with d or e:
    slow, and papers with neither "R&D" nor "i.e."). A hyphen keeps a word whole as before ("GPT-4")."""
    from gapscope.store.search_query import parse_search

    assert parse_search("R&D").fts == '"R&D"'
    assert parse_search("methods i.e.").fts == '"methods" AND "i.e."'
    assert parse_search("a/b").fts == '"a/b"'
    assert parse_search("chain-of-thought").fts == '"chain-of-thought"*'
    assert parse_search("GPT-4").fts == '"GPT-4"*'
    assert parse_search("transformer").fts == '"transformer"*'


def test_near_groups_find_words_within_the_distance(found):
    """FTS5's NEAR(a b, N) reaches the index as a NEAR group, with a column before it or left out."""
    from gapscope.store.search_query import parse_search

    assert parse_search("NEAR(graph molecules, 5)").fts == 'NEAR("graph" "molecules", 5)'
    assert found("NEAR(graph molecules, 5)") == {"graph"}
    assert found("NEAR(neural molecules, 1)") == set()                # three words apart
    assert found('NEAR("machine translation" attention)') == {"mt"}   # no distance: FTS5's 10
    assert found("ti:NEAR(sign video, 3)") == {"sign"} and found("abs:NEAR(sign video, 3)") == set()
    assert found("translation -NEAR(machine attention, 3)") == {"sign"}
    assert found("NEAR(graph molecules) OR NEAR(petri workflows)") == {"graph", "nets"}
    assert found("near") == set()                                     # in lower case a word, as in FTS5


def test_fulltext_search_finds_words_with_symbols_as_written(library):
    """A PDF's sentences are searched as titles and abstracts are: "C++" is not every "C"."""
    rep = ingest_papers(library, [Paper(title="Languages", abstract="x", source="t", source_key="1")],
                        kind="import", source="t", target="test")
    pid = rep.added_ids[0]
    att = library.add_attachment(pid, "0" * 64, "a.pdf", "a.pdf", source="file", match_how=None, match_score=None,
                                 status="ok", message=None, pages=1)
    texts = ["Templates in C++ are hard.", "Pointers in C are easy.", "The .NET runtime.", "See example.net."]
    library.put_fulltext(att, pid, [dict(position=0, name="Intro", kind="introduction", page=1)],
                         [dict(section_pos=0, page=1, paragraph=0, start=0, end=len(t), text=t) for t in texts])
    hit = lambda q: sorted(h["text"] for h in library.search_fulltext(q))  # noqa: E731
    assert hit("C++") == ["Templates in C++ are hard."]
    assert hit("C -C++") == ["Pointers in C are easy."]
    assert hit(".NET") == ["The .NET runtime."]
    assert hit("NEAR(templates hard, 3)") == hit("NEAR(templates hard)") != hit("NEAR(templates hard, 2)")
    assert hit("NEAR(templates hard, 3)") == ["Templates in C++ are hard."]
