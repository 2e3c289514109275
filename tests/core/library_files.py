"""A library that owns files: attached PDFs (stored without parsing them) and an experiment run folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from gapscope.fulltext.attach import file_hash
from gapscope.ingest import ingest_papers
from gapscope.models import Paper
from gapscope.store import Library

PDFS = ("cs/1903.10676.pdf", "cs/2304.02623v1.pdf")


def _attach_without_parsing(lib, pdf: Path, title: str) -> int:
    """A paper with ``pdf`` stored as attach does (files/<sha256>.pdf): no PDF parsing needed here."""
    pid = ingest_papers(lib, [Paper(title=title, source="test", source_key=title)], kind="import",
                        source="test", target="test").added_ids[0]
    sha = file_hash(pdf)
    lib.files_folder().mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pdf, lib.files_folder() / f"{sha}.pdf")
    lib.add_attachment(pid, sha, f"{sha}.pdf", str(pdf), source="file", match_how="new", match_score=0.0,
                       status="extracted", message=None, pages=1)
    return pid


def library_with_files(tmp_path, shared_data):
    """``src ü.gapscope`` with two attached PDFs, a saved spec, and one experiment run kept beside it (runs/,
    where runs went before they went inside the library folder)."""
    path = tmp_path / "src ü.gapscope"
    run_dir = tmp_path / "runs" / "20260101-000000-iris-ab12"
    (run_dir / "checkpoints").mkdir(parents=True)
    (run_dir / "status.json").write_text(json.dumps({
        "run_id": run_dir.name, "status": "done", "folder": str(run_dir), "library": str(path), "folds": []}))
    (run_dir / "spec.toml").write_text('name = "iris"\n')
    (run_dir / "checkpoints" / "best-s0-f0.pt").write_bytes(b"\0" * 5000)
    with Library(path) as lib:
        pids = [_attach_without_parsing(lib, shared_data / "pdfs" / p, f"Paper {i}") for i, p in enumerate(PDFS)]
        lib.insert_run(run_id=run_dir.name, name="iris", spec_path=None, spec='name = "iris"\n',
                       folder=str(run_dir), status="done", gap_id=None, created_at="2026-01-01T00:00:00+00:00",
                       papers=pids)
    (path / "experiments").mkdir()
    (path / "experiments" / "iris.toml").write_text('name = "iris"\n')      # a spec saved from the window
    return path, pids, run_dir
