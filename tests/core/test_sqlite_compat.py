"""A library never fails because the user's SQLite is older than ours: the SQL of the core and the desktop
uses nothing newer than store.sqlite_support.MIN_SQLITE, and an older SQLite is refused before the file
is touched."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from gapscope.store.sqlite_support import MIN_SQLITE

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "core" / "gapscope", ROOT / "desktop" / "gapscope_desktop"]

# SQL newer than some SQLite: (what, first version with it, pattern over the SQL with its comments and
# quoted literals blanked). A construct of a version above MIN_SQLITE fails the scan. Those at or below
# it are listed so that lowering the minimum finds them.
_I = re.IGNORECASE
NEWER_SQL: list[tuple[str, tuple[int, int, int], re.Pattern]] = [
    ("ON CONFLICT upsert", (3, 24, 0), re.compile(r"\bON\s+CONFLICT\s*\(", _I)),
    ("window function (OVER)", (3, 25, 0), re.compile(r"\bOVER\s*\(|\bOVER\s+\w+\s*(?:,|\)|$)", _I)),
    ("ALTER TABLE RENAME COLUMN", (3, 25, 0), re.compile(r"\bRENAME\s+COLUMN\b", _I)),
    ("generated column", (3, 31, 0), re.compile(r"\bGENERATED\s+ALWAYS\b", _I)),
    ("iif()", (3, 32, 0), re.compile(r"\biif\s*\(", _I)),
    ("sqlite_schema (sqlite_master before 3.33)", (3, 33, 0), re.compile(r"\bsqlite_(?:temp_)?schema\b", _I)),
    ("RETURNING", (3, 35, 0), re.compile(r"\bRETURNING\b", _I)),
    ("ALTER TABLE DROP COLUMN", (3, 35, 0), re.compile(r"\bALTER\s+TABLE\s+\S+\s+DROP\b", _I)),
    ("ON CONFLICT DO UPDATE without a conflict target", (3, 35, 0),
     re.compile(r"\bON\s+CONFLICT\s+DO\s+UPDATE\b", _I)),
    ("MATERIALIZED common table expression", (3, 35, 0), re.compile(r"\bAS\s+(?:NOT\s+)?MATERIALIZED\b", _I)),
    ("built-in math function (3.35, and only when compiled in)", (3, 35, 0), re.compile(
        r"\b(?:acosh?|asinh?|atan2|atanh?|ceil|ceiling|cosh?|degrees|exp|floor|ln|log|log10|log2|mod|pi|pow|power"
        r"|radians|sinh?|sqrt|tanh?|trunc)\s*\(", _I)),
    ("STRICT table", (3, 37, 0), re.compile(r"\)\s*(?:WITHOUT\s+ROWID\s*,\s*)?STRICT\b", _I)),
    ("PRAGMA table_list", (3, 37, 0), re.compile(r"\bPRAGMA\s+table_list\b", _I)),
    ("-> / ->> JSON operator", (3, 38, 0), re.compile(r"->")),
    ("unixepoch()", (3, 38, 0), re.compile(r"\bunixepoch\s*\(", _I)),
    ("format()", (3, 38, 0), re.compile(r"\bformat\s*\(", _I)),
    ("RIGHT / FULL OUTER JOIN", (3, 39, 0), re.compile(r"\b(?:RIGHT|FULL)\s+(?:OUTER\s+)?JOIN\b", _I)),
    ("IS [NOT] DISTINCT FROM", (3, 39, 0), re.compile(r"\bIS\s+(?:NOT\s+)?DISTINCT\s+FROM\b", _I)),
    ("unhex()", (3, 41, 0), re.compile(r"\bunhex\s*\(", _I)),
    ("octet_length() / timediff()", (3, 43, 0), re.compile(r"\b(?:octet_length|timediff)\s*\(", _I)),
    ("concat() / concat_ws() / string_agg()", (3, 44, 0), re.compile(r"\b(?:concat|concat_ws|string_agg)\s*\(", _I)),
    ("JSONB", (3, 45, 0), re.compile(r"\bjsonb\w*\s*\(", _I)),
    ("json_pretty()", (3, 46, 0), re.compile(r"\bjson_pretty\s*\(", _I)),
]
# in the raw text: these hide inside quoted literals (FTS5 options)
NEWER_IN_LITERALS: list[tuple[str, tuple[int, int, int], re.Pattern]] = [
    ("FTS5 trigram tokenizer", (3, 34, 0), re.compile(r"\btrigram\b", _I)),
    ("FTS5 secure-delete / contentless_delete", (3, 42, 0), re.compile(r"secure-delete|contentless_delete", _I)),
]
UPDATE_FROM = ("UPDATE ... FROM", (3, 33, 0))

# a string holds SQL when it names a statement's keyword, as the code writes them (upper case)
_SQL_WORDS = re.compile(r"\b(?:SELECT|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP|PRAGMA|WHERE|VALUES|FROM|JOIN|"
                        r"SET|RETURNING|ON CONFLICT|WITH)\b")
_UPDATE_SET = re.compile(r"\bUPDATE\s+(?:OR\s+\w+\s+)?[\w.\"]+\s+SET\b", _I)
_CLAUSE_END = re.compile(r"\b(?:WHERE|RETURNING|ORDER|LIMIT|END)\b|;", _I)
_FROM = re.compile(r"\bFROM\b", _I)


def blank_comments_and_literals(sql: str) -> str:
    """``sql`` with its ``--`` and ``/* */`` comments and its '...' literals turned to spaces (newlines
    kept, so that offsets and line numbers stay those of the source)."""
    out = list(sql)
    i, n = 0, len(sql)
    while i < n:
        if sql.startswith("--", i):
            end = sql.find("\n", i)
            end = n if end < 0 else end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            end = n if end < 0 else end + 2
        elif sql[i] == "'":
            end = i + 1
            while end < n and not (sql[end] == "'" and not sql.startswith("''", end)):
                end += 2 if sql.startswith("''", end) else 1
            end = min(end + 1, n)
        else:
            i += 1
            continue
        for j in range(i, end):
            if out[j] != "\n":
                out[j] = " "
        i = end
    return "".join(out)


def _update_from_offsets(clean: str) -> list[int]:
    """Where an UPDATE takes a FROM clause of its own (3.33): a FROM at the SET's own depth, before its
    WHERE; a FROM inside parentheses is a subquery's."""
    found = []
    for m in _UPDATE_SET.finditer(clean):
        depth, i = 0, m.end()
        while i < len(clean):
            c = clean[i]
            if c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
                if depth < 0:
                    break
            elif depth == 0:
                if _CLAUSE_END.match(clean, i):
                    break
                if _FROM.match(clean, i):
                    found.append(i)
                    break
            i += 1
    return found


def newer_sql(text: str, minimum: tuple[int, int, int] = MIN_SQLITE) -> list[tuple[int, str, tuple]]:
    """(offset, what, version) of each construct in the SQL ``text`` newer than ``minimum``."""
    clean = blank_comments_and_literals(text)
    hits = []
    for what, version, pattern in NEWER_SQL:
        if version > minimum:
            hits += [(m.start(), what, version) for m in pattern.finditer(clean)]
    raw = blank_comments_and_literals(text.replace("'", " "))       # comments out, literals kept
    for what, version, pattern in NEWER_IN_LITERALS:
        if version > minimum:
            hits += [(m.start(), what, version) for m in pattern.finditer(raw)]
    if UPDATE_FROM[1] > minimum:
        hits += [(at, *UPDATE_FROM) for at in _update_from_offsets(clean)]
    return sorted(hits)


def sql_strings(source: str) -> list[tuple[int, str]]:
    """(line, text) of the string literals of ``source`` that hold SQL (docstrings are prose); an
    f-string's pieces count one by one, adjacent literals as one."""
    tree = ast.parse(source)
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and _SQL_WORDS.search(node.value)]


def scan(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line: what (SQLite X.Y)`` for each construct newer than the minimum in ``path``'s SQL."""
    out = []
    for line, text in sql_strings(path.read_text(encoding="utf-8")):
        for offset, what, version in newer_sql(text):
            at = line + text.count("\n", 0, offset)
            out.append(f"{path.relative_to(root)}:{at}: {what} (SQLite {'.'.join(map(str, version[:2]))})")
    return out


def test_the_sql_of_the_core_and_the_desktop_needs_no_newer_sqlite_than_the_minimum():
    found = [hit for base in SOURCES for path in sorted(base.rglob("*.py")) for hit in scan(path)]
    assert found == [], (f"SQL newer than SQLite {'.'.join(map(str, MIN_SQLITE))} (store/sqlite_support.py);"
                         " write it in SQL that version reads, or in Python:\n" + "\n".join(found))


def test_the_scan_finds_each_newer_construct_and_passes_what_older_sqlite_reads():
    planted = {
        "UPDATE papers SET biblio = r.b FROM (SELECT 1 AS b) AS r WHERE r.id = papers.id": "UPDATE ... FROM",
        "UPDATE OR IGNORE t SET a = x.a\n FROM x": "UPDATE ... FROM",
        "DELETE FROM t WHERE id = ? RETURNING id": "RETURNING",
        "ALTER TABLE papers DROP COLUMN biblio": "ALTER TABLE DROP COLUMN",
        "SELECT data ->> '$.a' FROM t": "-> / ->> JSON operator",
        "CREATE TABLE t (a INTEGER) STRICT": "STRICT table",
        "CREATE TABLE t (a INTEGER PRIMARY KEY) WITHOUT ROWID, STRICT": "STRICT table",
        "SELECT ln(score) FROM gaps": "built-in math function",
        "SELECT unixepoch('now')": "unixepoch()",
        "SELECT iif(a, 1, 2) FROM t": "iif()",
        "INSERT INTO t (a) VALUES (1) ON CONFLICT DO UPDATE SET a = 2": "ON CONFLICT DO UPDATE without",
        "CREATE VIRTUAL TABLE f USING fts5(x, tokenize='trigram')": "FTS5 trigram tokenizer",
        "SELECT name FROM sqlite_schema": "sqlite_schema",
    }
    for sql, what in planted.items():
        hits = newer_sql(sql)
        assert hits and hits[0][1].startswith(what), (sql, hits)
    # constructs up to 3.31 pass it, and lowering the minimum finds them
    assert newer_sql("SELECT a, row_number() OVER (ORDER BY a) FROM t") == []
    assert newer_sql("SELECT a, row_number() OVER (ORDER BY a) FROM t", (3, 24, 0))[0][1] == "window function (OVER)"
    assert newer_sql("INSERT INTO s (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v") == []
    assert newer_sql("CREATE TABLE t (a, b GENERATED ALWAYS AS (a + 1))", (3, 30, 0))[0][1] == "generated column"
    for sql in (
            "UPDATE citations SET via = via | coalesce((SELECT c.via FROM citations c WHERE c.citing = ?), 0)"
            " WHERE citing = ?",                                         # a subquery's FROM
            "UPDATE t SET a = 1 WHERE id IN (SELECT id FROM u)",
            "CREATE TRIGGER x AFTER UPDATE OF title ON papers BEGIN UPDATE s SET v = random(); END",
            "-- sorting by title: 1.1 s -> a walk of the index\nCREATE INDEX i ON t(a)",   # a comment
            "SELECT replace(x, '--', '-') FROM t WHERE y = 'a -> b'",       # literals
            "SELECT json_extract(data, '$.a'), json_each.value FROM t, json_each(t.data)"):
        assert newer_sql(sql) == [], sql


def test_the_scan_names_file_and_line(tmp_path):
    store = tmp_path / "core" / "gapscope" / "store"
    store.mkdir(parents=True)
    (store / "x.py").write_text('def f(conn):\n    conn.execute("SELECT 1")\n'
                                '    conn.executescript("""\n        CREATE TABLE t (a);\n'
                                '        UPDATE t SET a = u.a\n        FROM u;\n    """)\n', encoding="utf-8")
    assert scan(store / "x.py", tmp_path) == [
        f"{Path('core/gapscope/store/x.py')}:6: UPDATE ... FROM (SQLite 3.33)"]
