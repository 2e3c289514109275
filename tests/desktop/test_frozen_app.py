"""The frozen build (`make dist`, packaging/gapscope.spec) started the way a user starts it: the CLI beside
the desktop app imports a file and analyses it, then gapscope-desktop --smoke-test opens that library
offscreen. Runs only when dist/GapScope exists: `make test` does not build it (minutes)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DIST = Path(os.environ.get("GAPSCOPE_DIST", ROOT / "dist" / "GapScope"))
DESKTOP = DIST / ("gapscope-desktop.exe" if os.name == "nt" else "gapscope-desktop")
CLI = DIST / ("gapscope.exe" if os.name == "nt" else "gapscope")

pytestmark = pytest.mark.skipif(not DESKTOP.exists(), reason=f"no frozen build at {DIST}: run `make dist` first")


def _run(args: list, tmp_path: Path, timeout: int, **extra: str) -> subprocess.CompletedProcess:
    # Only what a user's shell has: no PYTHONPATH into this checkout, so the bundle must hold everything.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env.update(QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", **extra)
    return subprocess.run([str(a) for a in args], env=env, capture_output=True, text=True, timeout=timeout,
                          cwd=tmp_path)


@pytest.fixture(scope="module")
def frozen_library(tmp_path_factory, shared_data):
    tmp = tmp_path_factory.mktemp("frozen")
    lib = tmp / "frozen.gapscope"
    out = _run([CLI, "--library", lib, "import", shared_data / "arxiv" / "kaggle-snapshot-head200.jsonl"], tmp, 300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "added 200" in out.stdout
    return lib


def test_frozen_desktop_smoke_test_opens_the_library_offscreen(frozen_library, tmp_path):
    out = _run([DESKTOP, "--smoke-test"], tmp_path, 300, GAPSCOPE_LIBRARY=str(frozen_library))
    assert out.returncode == 0, out.stdout + out.stderr
    assert f"smoke test ok: {frozen_library}, 200 papers listed, window drawn" in out.stdout


@pytest.mark.slow
def test_frozen_cli_analyzes_with_the_bundled_model(frozen_library, tmp_path):
    """torch, the bundled MiniLM weights, faiss and the facet head all load from the bundle."""
    out = _run([CLI, "--library", frozen_library, "analyze", "--json"], tmp_path, 900)
    assert out.returncode == 0, out.stdout + out.stderr
    rep = json.loads(out.stdout)
    assert {"facets", "embed", "map:topic", "gaps"} <= set(rep["ran"]), rep
