"""House rules that keep the core GUI-free and quick to start."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop"), env.get("PYTHONPATH", "")])
    return env


def _lint_imports(root: Path) -> subprocess.CompletedProcess:
    """import-linter with the contracts of ``root``/pyproject.toml over ``root``/core."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root / "core"), str(root / "desktop")])
    return subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
                          cwd=root, env=env, capture_output=True, text=True)


def test_import_contracts_hold():
    """The import-linter contracts in pyproject.toml (as napari does): the core never imports Qt, and
    inside the core imports run downward through the layers."""
    r = _lint_imports(ROOT)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "The core's layers" in r.stdout and "KEPT" in r.stdout and "BROKEN" not in r.stdout


def test_an_upward_import_breaks_the_layers_contract(tmp_path):
    """A copy of the core with one planted upward import (the store reaching up into the maps, through a
    function-level import as the old embed -> facets cycle did) fails the contract, naming the import."""
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "core" / "gapscope", tmp_path / "core" / "gapscope",
                    ignore=shutil.ignore_patterns("__pycache__", "resources"))
    (tmp_path / "core" / "gapscope" / "store" / "planted.py").write_text(
        "def f():\n    from ..maps import model\n    return model\n", encoding="utf-8")
    r = _lint_imports(tmp_path)
    assert r.returncode != 0
    assert "BROKEN" in r.stdout
    assert "gapscope.store is not allowed to import gapscope.maps" in r.stdout
    assert "gapscope.store.planted -> gapscope.maps.model" in r.stdout


def test_cli_help_imports_no_heavy_library():
    code = ("import sys; from gapscope.cli import main\n"
            "heavy = [m for m in ('torch', 'sentence_transformers', 'faiss', 'transformers', 'sklearn', 'PySide6', 'matplotlib')"
            " if m in sys.modules]\nprint(','.join(heavy))")
    r = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""


def test_opening_a_library_and_a_first_triage_ranking_import_no_heavy_library(tmp_path, monkeypatch):
    """Every command opens the library and `triage next` ranks (a CLI call starts Python afresh): the
    library needs only sqlite3 (sqlite_utils pulled in pandas, 0.4 s), and a ranking from cached
    features before there are both includes and excludes needs no classifier (scikit-learn is a
    second to import)."""
    from gapscope.store import Library
    from gapscope.triage import TriageSession, seed

    monkeypatch.setenv("GAPSCOPE_TRIAGE_CACHE", str(tmp_path / "cache"))
    lib = Library(tmp_path / "lib.sqlite")
    with lib.transaction() as conn:
        ids = [conn.execute("INSERT INTO papers (title, abstract, norm_title, added_at) VALUES (?, ?, ?, ?)",
                            (t, t, t, "2026-01-01")).lastrowid for t in ("agents at scale", "a study of agents", "graphs")]
    seed(lib, ids[:1])
    TriageSession(lib, use_embeddings=False)       # the features, built once and cached
    lib.close()
    code = ("import sys; from pathlib import Path\n"
            "from gapscope.store import Library\n"
            "from gapscope.triage import TriageSession\n"
            f"lib = Library(Path({str(tmp_path / 'lib.sqlite')!r}))\n"
            "assert TriageSession(lib, use_embeddings=False).queue(1)[0]['ranked_by'] == 'similarity'\n"
            "print(','.join(m for m in ('pandas', 'sqlite_utils', 'sklearn') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, **_env()), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""


def test_the_integrity_check_reads_the_schema_with_sqlite_utils_and_opening_does_not(tmp_path):
    """sqlite-utils (which imports pandas) is the integrity check's, imported inside it: a library opens
    without it, and `gapscope check` loads it."""
    from gapscope.store import Library

    Library(tmp_path / "lib.gapscope").close()
    code = ("import sys; from gapscope.store import Library\n"
            f"lib = Library({str(tmp_path / 'lib.gapscope')!r}, create=False)\n"
            "opened = 'sqlite_utils' in sys.modules\n"
            "from gapscope.integrity import check_library\n"
            "assert check_library(lib).clean\n"
            "print(opened, 'sqlite_utils' in sys.modules)")
    r = subprocess.run([sys.executable, "-c", code], env=dict(os.environ, **_env()), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["False", "True"]


def test_core_sources_do_not_mention_qt():
    offenders = [str(p) for p in (ROOT / "core" / "gapscope").rglob("*.py")
                 if any(line.lstrip().startswith(("import PySide6", "from PySide6", "import gapscope_desktop", "from gapscope_desktop"))
                        for line in p.read_text(encoding="utf-8").splitlines())]
    assert offenders == []
