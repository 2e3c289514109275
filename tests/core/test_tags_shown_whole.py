"""`annotate show` and `papers show` list a paper's tags with ", " between them: a tag that holds a comma
(or a quote) is quoted the way `gapscope tag NAME` takes it, so "x, y" reads as one tag and can be copied
back into a command."""

from __future__ import annotations

import shlex

from click.testing import CliRunner

from gapscope.cli import main

from .facets_helpers import add_papers

TAGS = ["méthode", "x, y", "to-read", "Bob's"]


def _tagged(library) -> int:
    pid = add_papers(library, [("Reordering for sparse factorization", "We study sparse matrix reordering.")])[0]
    for t in TAGS:
        r = CliRunner().invoke(main, ["-L", str(library.path), "tag", t, str(pid)])
        assert r.exit_code == 0, r.output
    return pid


def _tags_line(library, *command) -> str:
    r = CliRunner().invoke(main, ["-L", str(library.path), *command])
    assert r.exit_code == 0, r.output
    return next(line for line in r.output.splitlines() if line.startswith("tags: "))[len("tags: "):]


def _read_back(line: str) -> list[str]:
    """The tags as a shell reads the line (", " parts, quotes taken as `gapscope tag` takes them)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=",")
    lexer.whitespace_split = True
    return [w for w in lexer if w != ","]


def test_annotate_show_and_papers_show_keep_a_tag_with_a_comma_whole(library):
    pid = _tagged(library)
    for command in (("annotate", "show", str(pid)), ("papers", "show", str(pid))):
        line = _tags_line(library, *command)
        assert '"x, y"' in line and "méthode" in line and '"méthode"' not in line      # plain tags stay bare
        assert sorted(_read_back(line)) == sorted(TAGS)
