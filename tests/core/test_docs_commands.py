"""Every `gapscope ...` command the user docs show names subcommands and options the CLI has.

The commands are read from the docs' code blocks and inline code: a researcher copies them. A
subcommand or option that the parser does not know (renamed, never written, misspelt) fails here, as
does a choice value it would refuse (`--facet topics`). Placeholders (PAPER, `[--role R]`, `...`) are
read as the usage lines write them."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import click
import pytest

from gapscope.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```.*?^```", re.S | re.M)
INLINE = re.compile(r"`(gapscope [^`]+)`")
# inline code naming a command without the program: `triage decide 643 exclude`, `backup --files-only`
FRAGMENT = re.compile(r"`((?:[a-z][a-z-]*) (?:[a-z][a-z-]*|--?[a-z][^`]*)(?: [^`]*)?)`")
# where a command starts on a line of a code block: after a prompt, a venv path, `nice`, env assignments
START = re.compile(r"(?:^|&&|;|\$ )\s*(?:[A-Z_]+=\S+\s+)*(?:nice\s+(?:-n\s*\d+\s+)?)?(?:\S*/)?(gapscope .*)")


def doc_commands(text: str) -> list[tuple[int, str]]:
    """(line, command) for each `gapscope ...` command of a doc: code-block lines and inline code."""
    found: list[tuple[int, str]] = []
    for block in FENCE.finditer(text):
        first = text.count("\n", 0, block.start()) + 1
        lines = block.group(0).splitlines()
        joined: list[tuple[int, str]] = []
        for n, line in enumerate(lines[1:-1], first + 1):
            if joined and joined[-1][1].endswith("\\"):          # a command continued on the next line
                joined[-1] = (joined[-1][0], joined[-1][1][:-1] + " " + line.strip())
            else:
                joined.append((n, line))
        for n, line in joined:
            for part in re.split(r"\s&&\s", line):
                match = START.search(part)
                if match:
                    found.append((n, match.group(1)))
    prose = FENCE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    for match in INLINE.finditer(prose):
        found.append((prose.count("\n", 0, match.start()) + 1, " ".join(match.group(1).split())))
    commands = set(main.list_commands(click.Context(main)))
    for match in FRAGMENT.finditer(prose):
        words = match.group(1).split()
        if words[0] in commands and (words[1].startswith("-") or _is_subcommand(words[0], words[1])):
            found.append((prose.count("\n", 0, match.start()) + 1, "gapscope " + " ".join(words)))
    return found


def _is_subcommand(name: str, word: str) -> bool:
    group = main.get_command(click.Context(main), name)
    return isinstance(group, click.Group) and all(group.get_command(click.Context(group), w) for w in word.split("|"))


# a shell redirection (`> out`, `2> err`, `2>/dev/null`, `>>log`, `< in`): the shell's, not the command's
# (a `<placeholder>` is not one: it closes its `>`)
REDIRECT = re.compile(r"^(?:\d?>>?|\d?>&|<(?!.*>$))")


def _words(command: str) -> list[str]:
    command = re.sub(r"(?<!\S)#.*$", "", command)                 # a shell comment
    try:
        words = shlex.split(command)
    except ValueError:                                           # an unbalanced quote in prose
        words = command.split()
    cut = next((i for i, w in enumerate(words) if REDIRECT.match(w)), len(words))
    return words[:cut]


def _options(cmd: click.Command) -> dict[str, click.Parameter]:
    names = {"-h": None, "--help": None}
    for param in cmd.params:
        if isinstance(param, click.Option):
            for name in (*param.opts, *param.secondary_opts):
                names[name] = param
    return names


def _is_placeholder(word: str) -> bool:
    word = word.strip("[]().,")
    return (not word or word == "..." or word.endswith("...") or bool(re.fullmatch(r"[A-Z][A-Z0-9_]*(?:[.:][A-Z0-9_]+)*", word))
            or word.startswith("<"))


def problems_of(command: str) -> list[str]:
    """What the CLI would not accept in a documented command (empty when it would)."""
    words = _words(command)[1:]
    # `gapscope collection list | create NAME | rename OLD NEW`: alternatives under one group
    segments: list[list[str]] = [[]]
    for word in words:
        if word == "|":
            segments.append([])
        else:
            segments[-1].append(word)
    problems, path = _check(segments[0], [main])
    parent = path[:-1] if len(path) > 1 else path      # the group whose subcommands the alternatives are
    for segment in segments[1:]:
        problems += _check(segment, list(parent))[0]
    return problems


def _check(words: list[str], path: list[click.Command]) -> tuple[list[str], list[click.Command]]:
    problems: list[str] = []
    expect_value: click.Parameter | None = None
    for word in words:
        cmd = path[-1]
        where = " ".join(c.name for c in path[1:]) or "gapscope"
        if word.strip("[]").endswith("...") and isinstance(cmd, click.Group) and not cmd.invoke_without_command:
            break                                                  # `gapscope ... --ray auto`: any command
        if expect_value is not None:
            _check_value(expect_value, word, problems)
            expect_value = None
            continue
        bare = word.strip("[]")
        if bare.startswith("-") and len(bare) > 1 and not bare[1].isdigit():
            name = bare.split("=", 1)[0]
            param = _options(cmd).get(name, False)
            if param is False:
                problems.append(f"`{where}` has no option {name}")
            elif param is not None and not param.is_flag and not param.count:
                if "=" in bare:
                    _check_value(param, bare.split("=", 1)[1], problems)
                elif not word.endswith("]"):
                    expect_value = param
            continue
        if isinstance(cmd, click.Group) and not _is_placeholder(bare):
            alternatives = bare.split("|")
            subs = [cmd.get_command(click.Context(cmd), name) for name in alternatives]
            missing = [name for name, sub in zip(alternatives, subs) if sub is None]
            if missing and not any(isinstance(p, click.Argument) for p in cmd.params):
                problems.append(f"`{where}` has no subcommand {missing[0]}")
                return problems, path
            if not missing:
                path = path + [subs[-1]]
        # a positional argument: nothing to check
    return problems, path


def _check_value(param: click.Parameter, value: str, problems: list[str]) -> None:
    if not isinstance(param.type, click.Choice) or _is_placeholder(value):
        return
    for choice in value.strip("[]").split("|"):
        if choice and not _is_placeholder(choice) and choice not in param.type.choices:
            problems.append(f"{param.opts[-1]} does not take {choice!r} (it takes {', '.join(param.type.choices)})")


def test_every_documented_command_parses():
    bad = []
    for doc in DOCS:
        for line, command in doc_commands(doc.read_text(encoding="utf-8")):
            for problem in problems_of(command):
                bad.append(f"{doc.relative_to(ROOT)}:{line}: {command}\n    {problem}")
    assert bad == [], "\n".join(bad)


def test_the_docs_hold_commands_to_check():
    count = sum(len(doc_commands(doc.read_text(encoding="utf-8"))) for doc in DOCS)
    assert count > 150


@pytest.mark.parametrize("command, problem", [
    ("gapscope maps show --facet topic", "no subcommand maps"),
    ("gapscope map show --facets topic", "no option --facets"),
    ("gapscope map show --facet topics", "does not take 'topics'"),
    ("gapscope triage next|stats --collection C --colour red", "no option --colour"),
    ("gapscope collection list | create NAME | wipe NAME", "no subcommand wipe"),
    ("gapscope --library L gaps find --refrence R", "no option --refrence"),
    ("gapscope facets revew --shortcoming own", "no subcommand revew"),
    ("gapscope triage reasons [add|remve NAME]", "no subcommand remve"),
    ("gapscope export ris -o x.ris --included --tags-notes", "no option --tags-notes"),
    ("gapscope import <file> --colection X > log", "no option --colection"),   # a placeholder, not a redirection
])
def test_the_check_fails_on_what_the_cli_refuses(command, problem):
    problems = problems_of(command)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize("command", [
    "gapscope -L ref.gapscope import arxiv-cs-2025-2026.jsonl.gz",
    "gapscope facets review [--role R] [--shortcoming S] [--by role|shortcoming|either]",
    "gapscope collection list | create NAME | rename OLD NEW | add NAME [PAPER...] [--query Q]",
    "gapscope sweep SPEC --grid KEY=V1,V2 ... [--ray ADDRESS]",
    "gapscope export ris -o - --ids 2503.11731,42",
    "gapscope triage reasons [add|remove NAME]",
    "gapscope map > out 2> err",
    "gapscope gaps list --json 2>/dev/null >gaps.json",
])
def test_the_check_reads_usage_lines(command):
    assert problems_of(command) == []


def test_commands_are_found_in_code_blocks_and_prose():
    text = ("Run `gapscope map show\n--facet shortcoming --cluster N` to see it.\n\n```sh\n"
            "source .venv/bin/activate\ngapscope init   # a comment\n"
            "nice .venv/bin/gapscope facets --ray && gapscope embed --ray\n"
            "gapscope sweep spec.toml --grid a=1 \\\n    --ray auto\n```\n")
    assert doc_commands(text) == [(6, "gapscope init   # a comment"), (7, "gapscope facets --ray"),
                                  (7, "gapscope embed --ray"), (8, "gapscope sweep spec.toml --grid a=1  --ray auto"),
                                  (1, "gapscope map show --facet shortcoming --cluster N")]
