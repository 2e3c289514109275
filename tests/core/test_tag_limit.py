"""A tag the user types is a label, not a note: `gapscope tag` refuses one longer than TAG_MAX_LENGTH with
a message and tags nothing (a 300-character tag once went in, and widened the window's detail pane)."""

from __future__ import annotations

from click.testing import CliRunner

from gapscope.cli import main
from gapscope.ingest import ingest_papers
from gapscope.models import TAG_MAX_LENGTH, Paper, tag_problem
from gapscope.store import Library


def test_cli_tag_refuses_a_tag_over_the_limit_and_takes_one_at_it(tmp_path):
    path = tmp_path / "review.gapscope"
    lib = Library(path)
    [pid] = ingest_papers(lib, [Paper(title="A paper to tag", source="test", source_key="a")], kind="import",
                          source="test", target="test").added_ids
    lib.close()
    long = "x" * (TAG_MAX_LENGTH + 200)
    out = CliRunner().invoke(main, ["--library", str(path), "tag", long, str(pid)])
    assert out.exit_code == 2 and f"a tag is at most {TAG_MAX_LENGTH} characters (this one has 300)" in out.output
    ok = CliRunner().invoke(main, ["--library", str(path), "tag", "y" * TAG_MAX_LENGTH, str(pid)])
    assert ok.exit_code == 0, ok.output
    lib = Library(path)
    assert lib.tags_of(pid) == ["y" * TAG_MAX_LENGTH]
    lib.close()


def test_tag_problem_names_what_is_wrong():
    assert tag_problem("  ") == "a tag needs a name"
    assert tag_problem("needs-replication-on-ImageNet-and-COCO-before-citing") is None
    assert "shorten it" in tag_problem("z" * (TAG_MAX_LENGTH + 1))


def test_a_long_tag_the_library_already_holds_can_still_be_put_on_more_papers(tmp_path):
    """An import keeps its keywords as tags whatever their length: the limit is on new labels, so
    `gapscope tag` still files another paper under one the library has, and still removes it."""
    path = tmp_path / "review.gapscope"
    lib = Library(path)
    long = "k" * (TAG_MAX_LENGTH + 50)
    first, second = ingest_papers(lib, [Paper(title=f"Paper {n}", source="test", source_key=str(n)) for n in (1, 2)],
                                  kind="import", source="test", target="test").added_ids
    lib.add_tag([first], long)
    lib.close()
    out = CliRunner().invoke(main, ["--library", str(path), "tag", long, str(second)])
    assert out.exit_code == 0, out.output
    gone = CliRunner().invoke(main, ["--library", str(path), "tag", "--remove", long, str(first)])
    assert gone.exit_code == 0, gone.output
    lib = Library(path)
    assert (lib.tags_of(first), lib.tags_of(second)) == ([], [long])
    lib.close()
