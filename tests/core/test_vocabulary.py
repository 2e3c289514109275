"""The shared vocabulary: one spelling of each set, importable without numpy, in step with the schema."""

import re
import subprocess
import sys
from pathlib import Path

from gapscope import vocabulary as v
from gapscope.store.schema import MIGRATIONS

ROOT = Path(__file__).resolve().parents[2]


def test_vocabulary_imports_without_numpy():
    code = "import sys; import gapscope.vocabulary; print('numpy' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={"PYTHONPATH": str(ROOT / "core")})
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "False"


def test_the_sets_fit_together():
    assert v.FACET_LABELS == v.SENTENCE_ROLES
    assert set(v.FACET_TEXT_LABELS) - {"shortcoming"} <= set(v.SENTENCE_ROLES)
    assert set(v.CORRECTION_LABELS) == set(v.SENTENCE_ROLES) | set(v.SHORTCOMINGS) | {"limitation"}
    assert set(v.MAP_FACET_EMBED_KIND) == set(v.MAP_FACETS)
    assert set(v.MAP_FACET_EMBED_KIND.values()) == set(v.EMBED_KINDS)
    assert set(v.LABELLING_DECISIONS) <= set(v.DECISIONS)


def _check_constraint(column: str) -> tuple[str, ...]:
    """The words of the latest CHECK (column IN (...)) the migrations put on ``column``."""
    sql = "\n".join(str(m) for m in MIGRATIONS)
    found = re.findall(rf"{column} TEXT (?:NOT NULL )?CHECK \({column} IN \(([^)]*)\)\)", sql)
    assert found, column
    return tuple(w.strip().strip("'") for w in found[-1].split(","))


def test_the_schema_checks_the_same_words():
    assert _check_constraint("decision") == v.DECISIONS
    assert _check_constraint("label") == v.FACET_LABELS          # facet_corrections, since 0500
    assert _check_constraint("shortcoming") == v.SHORTCOMINGS


def test_no_module_spells_a_set_again():
    """A tuple literal of the same words (in any order) outside vocabulary.py is a second spelling."""
    sets = {frozenset(s) for s in (v.FACET_LABELS, v.SENTENCE_ROLES, v.SHORTCOMINGS, v.FACET_TEXT_LABELS, v.EMBED_KINDS,
                                   v.MAP_FACETS, v.DECISIONS)}
    literal = re.compile(r"[(\[]\s*((?:[\"'][a-z_]+[\"']\s*,\s*){3,}[\"'][a-z_]+[\"'])\s*,?\s*[)\]]")
    offenders = []
    for folder in ("core/gapscope", "desktop/gapscope_desktop"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "vocabulary.py" or "store" in path.parts and path.name == "schema.py":
                continue
            for m in literal.finditer(path.read_text(encoding="utf-8")):
                words = frozenset(w.strip().strip("'\"") for w in m.group(1).split(","))
                if words in sets:
                    offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert offenders == []


def test_a_facet_correction_s_labels_are_named_by_one_helper_everywhere():
    """"role method, shortcoming own" is written by vocabulary.correction_labels only: every message about a
    correction (CLI, integrity check, import notes, abstract edit note, desktop review) names it the same way."""
    correction_labels = v.correction_labels
    assert correction_labels({"role": "method", "shortcoming": "own"}) == "role method, shortcoming own"
    assert correction_labels({"role": "result", "shortcoming": ""}) == "role result"
    assert correction_labels({"role": None, "shortcoming": "open"}) == "shortcoming open"
    assert correction_labels({"role": "", "shortcoming": None}) == ""
    assert correction_labels({}, "no label") == "no label"
    inline = re.compile(r'f"\{k\} \{\w+\[k\]\}" for k in \("role", "shortcoming"\)')
    built_inline = [str(p.relative_to(ROOT)) for d in ("core/gapscope", "desktop/gapscope_desktop")
                    for p in sorted((ROOT / d).rglob("*.py"))
                    if p.name != "vocabulary.py" and inline.search(p.read_text(encoding="utf-8"))]
    assert built_inline == []
