"""Shared test fixtures: a fresh library per test and the real data in ../shared/data."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# the session's label-term vectors (embed.phrase_cache) out of the user's cache folder, for the fixtures
# wider than a test too; each test gets a folder of its own (_isolated_user_settings)
SESSION_PHRASE_CACHE = os.environ["GAPSCOPE_PHRASE_CACHE"] = tempfile.mkdtemp(prefix="gapscope-test-phrase-vectors-")

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("GAPSCOPE_SHARED_DATA", ROOT.parent / "shared" / "data")).resolve()


@pytest.fixture(scope="session", autouse=True)
def _session_phrase_cache():
    yield
    shutil.rmtree(SESSION_PHRASE_CACHE, ignore_errors=True)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.fail(f"the shared data folder is missing: {SHARED_DATA} (set GAPSCOPE_SHARED_DATA)")
    return SHARED_DATA


@pytest.fixture
def library(tmp_path):
    from gapscope.store import Library

    lib = Library(tmp_path / "library.sqlite")
    yield lib
    lib.close()


@pytest.fixture(autouse=True)
def _isolated_user_settings(tmp_path, monkeypatch):
    """No test reads or writes the real user settings file or phrase vectors, or inherits a device from the
    shell."""
    from gapscope import settings

    monkeypatch.setenv("GAPSCOPE_SETTINGS", str(tmp_path / "user-settings" / "GapScope.ini"))
    monkeypatch.delenv("GAPSCOPE_DEVICE", raising=False)
    monkeypatch.setenv("GAPSCOPE_PHRASE_CACHE", str(tmp_path / "phrase-vectors"))   # nor the real cache folder
    settings.clear_command_line()
    yield
    settings.clear_command_line()
