"""A module of the concepts area uses another module's public names only: a private name (a leading
underscore) may change with its module, unseen by the callers."""

from __future__ import annotations

import ast
from pathlib import Path

import gapscope.concepts

CONCEPTS = Path(gapscope.concepts.__file__).resolve().parent


def private_imports(source: str) -> list[str]:
    """``module.name`` for each private name imported from a relative module (``from .x import _y``)."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level:
            out += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_") and a.name != "__future__"]
    return out


def test_the_check_finds_a_private_import():
    assert private_imports("from .quality import _adjective, adverb\n") == ["quality._adjective"]
    assert private_imports("from .quality import adjective\nfrom os import _exit\n") == []


def test_no_concepts_module_imports_a_private_name():
    found = {p.name: names for p in sorted(CONCEPTS.glob("*.py"))
             if (names := private_imports(p.read_text(encoding="utf-8")))}
    assert found == {}
