"""Fixtures for the network tests: a loopback server replaying recorded responses (no internet)."""

from __future__ import annotations

import pytest

from tests.replay_server import replay_server  # noqa: F401  (the fixture)


@pytest.fixture(autouse=True)
def private_log(monkeypatch, tmp_path_factory):
    """The command line's failures go to the app log: each test's to its own file, never the user's
    (outside tmp_path, which some tests list)."""
    monkeypatch.setenv("GAPSCOPE_LOG", str(tmp_path_factory.mktemp("user-log") / "gapscope.log"))


@pytest.fixture(autouse=True)
def no_real_endpoints(monkeypatch):
    """No test reaches the internet: unless a test points them at a replay server, both sources
    point at a closed local port (connection refused at once)."""
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", "http://127.0.0.1:9/api/query")
    monkeypatch.setenv("GAPSCOPE_SCHOLAR_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("GAPSCOPE_OPENALEX_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("GAPSCOPE_S2_URL", "http://127.0.0.1:9")


@pytest.fixture
def arxiv_server(replay_server, shared_data, monkeypatch):
    """The replay server loaded with the recorded arXiv API responses, set as $GAPSCOPE_ARXIV_URL."""
    replay_server.add_arxiv_fixtures(shared_data / "fixtures" / "arxiv-api-atom" / "arxivpy_fixtures_json")
    monkeypatch.setenv("GAPSCOPE_ARXIV_URL", replay_server.url + "/api/query")
    return replay_server


@pytest.fixture(scope="session")
def local_ray():
    """A local Ray of 2 CPUs for the cluster tests, shut down after them; skipped without Ray."""
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'gapscope[cluster]')")
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    if started:
        ray.shutdown()


@pytest.fixture
def adhd(library, shared_data):
    """A screening library: a slice of the Cohen 2006 ADHD review (its includes and 120 excludes), and
    {paper id: 1 relevant / 0 not}."""
    from .triage_helpers import load_screening_slice

    truth = load_screening_slice(library, shared_data / "screening" / "cohen2006-adhd.csv", n_excluded=120)
    return library, truth


@pytest.fixture(scope="session")
def extract_once():
    """The PDF parser with each file parsed once per session (PDF parsing is CPU-heavy)."""
    from gapscope.fulltext import extract as extract_mod

    from .fulltext_helpers import cached_extract

    return cached_extract(extract_mod.extract)


@pytest.fixture(scope="session")
def pdf_meta(shared_data, extract_once):
    """The metadata read from a shared PDF, by its path under ``pdfs/``."""
    from gapscope.fulltext.meta import read_metadata

    def read(name):
        path = shared_data / "pdfs" / name
        return read_metadata(extract_once(path), path)
    return read


@pytest.fixture
def pdf_library(tmp_path, monkeypatch, extract_once):
    """An empty library whose PDF attaching parses each file once per session."""
    from gapscope.fulltext import attach as attach_mod
    from gapscope.store import Library

    monkeypatch.setattr(attach_mod, "extract", extract_once)
    lib = Library(tmp_path / "review.gapscope")
    yield lib
    lib.close()
