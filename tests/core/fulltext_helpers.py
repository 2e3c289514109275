"""Shared helpers for the full-text tests: PDFs are parsed once per session (PDF parsing is CPU-heavy)."""

from __future__ import annotations

from pathlib import Path

_CACHE: dict[tuple[str, int], object] = {}


def cached_extract(real_extract):
    """An ``extract`` that parses each file (by path and size) once per test session."""
    def extract(path, **kwargs):
        p = Path(path)
        key = (p.name, p.stat().st_size)
        if key not in _CACHE:
            try:
                _CACHE[key] = real_extract(path, **kwargs)
            except Exception as exc:            # unreadable files are cached as their error
                _CACHE[key] = exc
        hit = _CACHE[key]
        if isinstance(hit, Exception):
            raise type(hit)(str(hit).replace(str(hit).split(":")[0], str(path), 1)) if ":" in str(hit) else hit
        hit.path = str(path)
        return hit
    return extract


def add_paper(lib, **fields) -> int:
    """A paper imported into ``lib`` with these fields (its source key its title); its id."""
    from gapscope.ingest import ingest_papers
    from gapscope.models import Paper

    rep = ingest_papers(lib, [Paper(source="test", source_key=fields["title"], **fields)], kind="import",
                        source="test", target="test")
    return rep.added_ids[0]
