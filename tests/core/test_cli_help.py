"""`gapscope --help` and each subcommand's help say what each command and option does, in the words a
user sees elsewhere: no command or option without help, no Python names (`Gap.to_dict()`), and a setting
named by the key `gapscope settings list` shows (gaps.reference, not gaps_reference)."""

from __future__ import annotations

import re

import click

from gapscope.cli import main
from gapscope.settings import SETTINGS

# options whose meaning their name says in every command
SELF_EXPLAINED = {"--json", "--quiet", "--help"}


def _commands(cmd: click.Command = main, path: tuple[str, ...] = ("gapscope",)):
    yield path, cmd
    if isinstance(cmd, click.Group):
        ctx = click.Context(cmd)
        for name in cmd.list_commands(ctx):
            yield from _commands(cmd.get_command(ctx, name), path + (name,))


def _helps():
    for path, cmd in _commands():
        yield " ".join(path), cmd.help or ""
        for param in cmd.params:
            if isinstance(param, click.Option):
                yield f"{' '.join(path)} {param.opts[-1]}", param.help or ""


def test_every_command_says_what_it_does():
    silent = [" ".join(path) for path, cmd in _commands() if not (cmd.help or cmd.short_help)]
    assert silent == []


def test_every_option_says_what_it_does():
    silent = [f"{' '.join(path)} {param.opts[-1]}" for path, cmd in _commands() for param in cmd.params
              if isinstance(param, click.Option) and not param.help
              and not set(param.opts) & SELF_EXPLAINED]
    assert silent == []


def test_no_help_names_python_internals():
    internal = re.compile(r"\b[A-Z]\w*\.\w+\(\)|\bto_dict\b|\b[a-z_]+\.[a-z_]+\(\)")
    named = [f"{where}: {text}" for where, text in _helps() if internal.search(text)]
    assert named == []


def test_help_names_settings_by_their_library_key():
    inner = {s.name: s.library_key for s in SETTINGS.values() if s.library_key and "_" in s.name}
    named = [f"{where}: {name} (say {key})" for where, text in _helps()
             for name, key in inner.items() if re.search(rf"(?<![\w.$]){name}\b", text)]
    assert named == []
