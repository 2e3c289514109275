"""The user docs name only files that exist, and no folder of the product is named after a work session."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", ROOT / "desktop" / "README.md", ROOT / "benchmarks" / "README.md",
        *sorted((ROOT / "docs").glob("*.md"))]
# a repository path as the docs write it: `benchmarks/x.py`, core/gapscope/..., docs/facets.md ...
PATH = re.compile(r"(?<![\w/.])((?:benchmarks|core|desktop|docs|resources|tests|packaging)/[\w./-]*\w)")


def test_every_path_the_docs_name_exists():
    missing = []
    for doc in DOCS:
        fenced = False
        for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            if line.startswith("```"):
                fenced = not fenced
            if "git show" in line or "git checkout" in line or (fenced and "benchmarks/" not in line):
                continue                    # history on purpose; layout trees and examples in code blocks
            for path in PATH.findall(line):
                here = ROOT / path
                if not here.exists() and not (doc.parent / path).exists() and not (ROOT / "benchmarks" / path).exists():
                    missing.append(f"{doc.relative_to(ROOT)}:{n}: {path}")
    assert missing == [], "\n".join(missing)


def test_no_folder_is_named_after_a_session():
    folders = [p for p in ROOT.rglob("*") if p.is_dir() and re.fullmatch(r"session[-_ ]?\d+", p.name, re.I)
               and ".venv" not in p.parts and ".git" not in p.parts]
    assert folders == []


def test_every_benchmark_script_is_in_the_benchmarks_table():
    """A bench_*.py that benchmarks/README.md does not list is one nobody finds, nor where it writes."""
    readme = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    rows = [line for line in readme.splitlines() if line.startswith("|")]
    listed = {name for row in rows for name in re.findall(r"`(bench_\w+\.py)\b", row)}
    unlisted = sorted(p.name for p in (ROOT / "benchmarks").glob("bench_*.py") if p.name not in listed)
    assert unlisted == [], "not in benchmarks/README.md: " + ", ".join(unlisted)
