"""The store is the one API to the library: no module of the core or the desktop outside
``core/gapscope/store/`` runs SQL, holds the connection or spells a SQL statement."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "core" / "gapscope" / "store"
SOURCES = [ROOT / "core" / "gapscope", ROOT / "desktop" / "gapscope_desktop"]

_SQL_CALLS = {"execute", "executemany", "executescript"}
_PRIVATE = {"conn", "_conn", "_db", "_transaction"}
# a statement, not prose that starts with the same word ("Select a paper ...")
_SQL_TEXT = re.compile(r"^\s*(SELECT\s.*\bFROM\b|SELECT\s+(count|max|min|1)\b|INSERT\s+(OR\s+\w+\s+)?INTO\b|"
                       r"UPDATE\s+\w+\s+SET\b|DELETE\s+FROM\b|(CREATE|DROP|ALTER)\s+(TABLE|INDEX|TRIGGER|VIEW)\b|"
                       r"PRAGMA\s+\w+|WITH\s+\w+\s+AS\s*\()", re.IGNORECASE | re.DOTALL)
_SQL_MODULES = {"sqlite3", "sqlite_utils", "apsw"}


def sql_uses(source: str) -> list[str]:
    """What in ``source`` reaches the database directly: calls of execute*, the connection, the
    transaction's connection bound to a name, SQL statements in strings, sqlite imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _SQL_CALLS:
            found.append(f"line {line}: .{node.func.attr}()")
        elif isinstance(node, ast.Attribute) and node.attr in _PRIVATE:
            found.append(f"line {line}: .{node.attr}")
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            ctx = node.context_expr
            if isinstance(ctx, ast.Call) and isinstance(ctx.func, ast.Attribute) and ctx.func.attr == "transaction":
                found.append(f"line {line or ctx.lineno}: `with ....transaction() as ...` (the connection)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _SQL_TEXT.match(node.value):
            found.append(f"line {line}: SQL text {node.value[:40]!r}")
        elif isinstance(node, ast.Import):
            found += [f"line {line}: import {a.name}" for a in node.names if a.name.split(".")[0] in _SQL_MODULES]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in _SQL_MODULES:
            found.append(f"line {line}: from {node.module} import ...")
    return sorted(set(found), key=lambda f: int(f.split()[1].rstrip(":")))


def test_no_sql_outside_store():
    offenders = {}
    for base in SOURCES:
        for path in sorted(base.rglob("*.py")):
            if STORE in path.parents:
                continue
            uses = sql_uses(path.read_text(encoding="utf-8"))
            if uses:
                offenders[str(path.relative_to(ROOT))] = uses
    assert offenders == {}, "SQL outside core/gapscope/store/ (add a store method instead):\n" + "\n".join(
        f"{p}: {', '.join(u)}" for p, u in offenders.items())


def test_the_search_finds_each_way_of_reaching_the_database():
    planted = '''
import sqlite3
from sqlite_utils import Database
def f(lib):
    lib.conn.execute("SELECT 1")
    with lib.transaction() as conn:
        conn.executemany("x", [])
    q = """  insert into papers (title) values (?)"""
    return lib._conn
'''
    uses = sql_uses(planted)
    kinds = " ".join(uses)
    for expected in ("import sqlite3", "from sqlite_utils", ".conn", ".execute()", ".executemany()",
                     "transaction() as", "SQL text", "._conn"[1:]):
        assert expected in kinds, (expected, uses)
    # grouping store calls in one transaction is fine; so is prose that merely mentions a word
    assert sql_uses('def g(lib):\n    with lib.transaction():\n        lib.add_tag([1], "x")\n'
                    '    return "Select a paper to see it"\n') == []
