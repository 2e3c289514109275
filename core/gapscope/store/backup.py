"""A backup: a library you can open and restore from, made while others may use the original.

The database is copied by SQLite itself (the online backup API), never by a file copy: reading the live
file through another descriptor and closing it would drop this process's locks on it. Beside it go the
files the library owns: the attached PDFs (``files/``), the folder of every run it records and the specs
saved in its ``experiments/`` folder. A run folder may lie outside the library folder (runs made before
runs went into ``NAME.gapscope/runs/``, or with ``--runs-dir``): each is copied into ``BACKUP/runs/`` and
the backup's runs point at those copies.

Everything is written into a hidden temporary folder beside the destination and renamed into place at
the end: a cancelled or failed backup leaves nothing that looks like a backup.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..jobs import CancelToken, ProgressFn, check, report

_CHUNK = 1 << 20                      # bytes copied between two cancel checks / progress reports
_SKIP_IN_RUNS = {"run.lock"}          # the live runner's flock file: not part of a run's results


@dataclass
class BackupReport:
    library: Path                     # the backup's library folder: open it with `gapscope -L`
    database: Path
    papers: int = 0
    pdfs: int = 0
    runs: int = 0
    files: int = 0                    # every file copied besides the database
    bytes: int = 0                    # their bytes, the database's included
    missing: list[str] = field(default_factory=list)   # what the library references and was not found

    def to_dict(self) -> dict:
        return {"library": str(self.library), "database": str(self.database), "papers": self.papers,
                "pdfs": self.pdfs, "runs": self.runs, "files": self.files, "bytes": self.bytes,
                "missing": list(self.missing)}


class BackupError(OSError):
    """The backup could not be made; nothing was left at the destination."""


def _check_destination(dest: Path) -> None:
    if dest.is_dir():
        if any(dest.iterdir()):
            raise FileExistsError(f"{dest} exists already and is not empty; give a new name")
    elif dest.exists():
        raise FileExistsError(f"{dest} exists already; give a new name")


def _copy_file(src: Path, dst: Path, done: int, total: int, progress: Optional[ProgressFn],
               cancel: Optional[CancelToken], label: str) -> int:
    """Copy in chunks, checking ``cancel`` between them; returns the bytes copied so far in all."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with open(src, "rb") as fin, open(dst, "wb") as fout:
        while True:
            check(cancel)
            chunk = fin.read(_CHUNK)
            if not chunk:
                break
            fout.write(chunk)
            done += len(chunk)
            report(progress, done, total, label)
    shutil.copystat(src, dst)
    return done


class BackupMixin:
    def backup_to(self, dest, *, progress: Optional[ProgressFn] = None,
                  cancel: Optional[CancelToken] = None) -> BackupReport:
        """Back up the library, committed state only, into the new folder ``dest`` (refused when it exists
        and is not empty): the database, the attached PDFs and the run folders of its runs. A file the
        library references and that is missing is named in ``missing``; the rest is still backed up.
        Progress counts bytes; ``Cancelled`` (or any failure) leaves no destination behind."""
        dest = Path(dest).expanduser().absolute()
        _check_destination(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial"))
        try:
            result = self._backup_into(tmp, dest, progress, cancel)
            _check_destination(dest)                   # someone may have made it meanwhile
            if dest.is_dir():
                dest.rmdir()                           # an empty folder the user picked
            os.rename(tmp, dest)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return result

    def _backup_into(self, tmp: Path, dest: Path, progress, cancel) -> BackupReport:
        from .library import DATABASE_NAME

        check(cancel)
        report(progress, 0, 1, "database")
        db = tmp / DATABASE_NAME
        out = sqlite3.connect(str(db))
        try:
            self._conn.backup(out)
            out.execute("PRAGMA journal_mode=WAL")
            # what the snapshot references, so that files and rows agree
            papers = out.execute("SELECT count(*) FROM papers").fetchone()[0]
            attachments = out.execute("SELECT paper_id, stored_name FROM attachments ORDER BY id").fetchall()
            runs = out.execute("SELECT id, folder FROM runs ORDER BY created_at, id").fetchall()
        finally:
            out.close()
        result = BackupReport(library=dest, database=dest / DATABASE_NAME, papers=papers,
                              bytes=db.stat().st_size)

        # (source, path inside the backup, label) of every file to copy, with their sizes
        plan: list[tuple[Path, Path, str]] = []
        files = self.files_folder().absolute()
        pdfs = 0
        for paper_id, name in attachments:
            src = files / name
            if src.is_file():
                plan.append((src, Path("files") / name, f"PDF of paper {paper_id}"))
                pdfs += 1
            else:
                result.missing.append(f"the PDF file of paper {paper_id} is missing: {src}")
        specs = Path(self.path) / "experiments"
        if Path(self.path).is_dir() and specs.is_dir():         # specs saved from the Experiments view
            plan += [(f, Path("experiments") / f.relative_to(specs), "specs") for f in sorted(specs.rglob("*"))
                     if f.is_file() and not f.is_symlink()]
        copied_runs: list[tuple[str, str]] = []
        for run_id, folder in runs:
            src_dir = Path(folder) if folder else None
            if src_dir is None or not src_dir.is_dir():
                result.missing.append(f"the folder of run {run_id} is missing: {folder}")
                continue
            inside = Path("runs") / src_dir.name
            for path in sorted(src_dir.rglob("*")):
                if path.is_file() and not path.is_symlink() and path.name not in _SKIP_IN_RUNS:
                    plan.append((path, inside / path.relative_to(src_dir), f"run {run_id}"))
            copied_runs.append((run_id, src_dir.name))
        sizes = [src.stat().st_size for src, _, _ in plan]
        total = result.bytes + sum(sizes)
        done = result.bytes
        report(progress, done, total, "database")
        for (src, rel, label), size in zip(plan, sizes):
            done = _copy_file(src, tmp / rel, done, total, progress, cancel, label)
            got = (tmp / rel).stat().st_size
            if got != size:
                raise BackupError(f"{src}: copied {got} of its {size} bytes; the backup was not made")
        result.pdfs, result.runs, result.files = pdfs, len(copied_runs), len(plan)
        if copied_runs:
            self._point_runs_at_copies(db, dest, copied_runs, tmp)
        result.bytes = sum(f.stat().st_size for f in tmp.rglob("*") if f.is_file())     # as written, in all
        return result

    @staticmethod
    def _point_runs_at_copies(db: Path, dest: Path, copied: list[tuple[str, str]], tmp: Path) -> None:
        """The backup's runs (and their status.json) name the copies inside the backup, not the originals."""
        out = sqlite3.connect(str(db))
        try:
            with out:
                out.executemany("UPDATE runs SET folder = ? WHERE id = ?",
                                [(str(dest / "runs" / name), run_id) for run_id, name in copied])
        finally:
            out.close()
        for _run_id, name in copied:
            status = tmp / "runs" / name / "status.json"
            try:
                data = json.loads(status.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue                       # a run without a readable status keeps its files as they are
            data.update(folder=str(dest / "runs" / name), library=str(dest))
            status.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
