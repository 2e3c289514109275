"""House rules that keep the core GUI-free and quick to start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "core"), str(ROOT / "desktop"), env.get("PYTHONPATH", "")])
    return env


def test_core_never_imports_qt_or_the_desktop():
    """import-linter contract from pyproject.toml (as napari does)."""
    r = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; lint_imports_command()"],
                       cwd=ROOT, env=_env(), capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "KEPT" in r.stdout and "BROKEN" not in r.stdout


def test_cli_help_imports_no_heavy_library():
    code = ("import sys; from gapscope.cli import main\n"
            "heavy = [m for m in ('torch', 'sentence_transformers', 'faiss', 'transformers', 'sklearn', 'PySide6', 'matplotlib')"
            " if m in sys.modules]\nprint(','.join(heavy))")
    r = subprocess.run([sys.executable, "-c", code], env=_env(), capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""


def test_core_sources_do_not_mention_qt():
    offenders = [str(p) for p in (ROOT / "core" / "gapscope").rglob("*.py")
                 if any(line.lstrip().startswith(("import PySide6", "from PySide6", "import gapscope_desktop", "from gapscope_desktop"))
                        for line in p.read_text(encoding="utf-8").splitlines())]
    assert offenders == []
