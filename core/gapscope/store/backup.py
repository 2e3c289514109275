"""A backup: a library you can open and restore from, made while others may use the original.

The database is copied by SQLite itself (the online backup API), never by a file copy: reading the live
file through another descriptor and closing it would drop this process's locks on it. Beside it go the
files the library owns: the attached PDFs (``files/``), the folder of every run it records and the specs
saved in its ``experiments/`` folder. A run folder may lie outside the library folder (runs made before
runs went into ``NAME.gapscope/runs/``, or with ``--runs-dir``): each is copied into ``BACKUP/runs/`` and
the backup's runs point at those copies, relative to the backup ("runs/ID"), so that it can be moved or
renamed into the library's place.

Everything is written into a hidden temporary folder beside the destination, synced to the disk, and
renamed into place at the end: a cancelled or failed backup leaves nothing that looks like a backup. The
temporary folder holds a marker locked for as long as its backup runs; the next backup to the same
destination removes the folders of backups to it that were killed (their marker no longer locked).
"""

from __future__ import annotations

import errno
import json
import os
import platform
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from ..jobs import CancelToken, ProgressFn, check, report

_CHUNK = 1 << 20                      # bytes copied between two cancel checks / progress reports
BACKUP_STEP_PAGES = 4096              # database pages (16 MB at 4 KB) copied between two of them
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
    notes: list[str] = field(default_factory=list)     # what else the user should know ("run X was running")
    upgrade_copies: int = 0           # files-only: database copies kept before schema upgrades (backups/)

    @property
    def size_text(self) -> str:
        """The bytes copied, as a person reads them ("27.6 MiB")."""
        n = float(self.bytes)
        for unit in ("bytes", "KiB", "MiB", "GiB"):
            if n < 1024 or unit == "GiB":
                return f"{int(n)} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
            n /= 1024
        return f"{n:.1f} GiB"

    def to_dict(self) -> dict:
        return {"library": str(self.library), "database": str(self.database), "papers": self.papers,
                "pdfs": self.pdfs, "runs": self.runs, "files": self.files, "bytes": self.bytes,
                "missing": list(self.missing), "notes": list(self.notes), "upgrade_copies": self.upgrade_copies}


class BackupError(OSError):
    """The backup could not be made; nothing was left at the destination. The message says why."""


_MARKER = "backup-in-progress"        # inside a partial folder: "pid host", flock held while the backup runs
# What a partial folder may hold: anything else means it is not one of ours and is never removed.
_PARTIAL_ENTRIES = {_MARKER, "library.sqlite", "library.sqlite-wal", "library.sqlite-shm", "library.sqlite-journal",
                    "files", "runs", "experiments"}


def _disk_full(exc: BaseException) -> bool:
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "") or ""
        return name.startswith("SQLITE_FULL") or "database or disk is full" in str(exc)
    return isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT)


class _PartialMarker:
    """The marker of a backup in progress: a file in its partial folder, locked (flock) while it runs.
    The kernel lets go of the lock when the process dies, kill -9 included."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / _MARKER
        self._fh = None

    def take(self) -> None:
        """Write and lock the marker under a temporary name, then rename it into place: a cleaner never
        sees the marker unlocked (it would take the backup for a killed one and remove it)."""
        pending = self.path.with_name(f"{_MARKER}.{os.getpid()}.tmp")
        fh = open(pending, "w", encoding="utf-8")
        fh.write(f"{os.getpid()} {platform.node()}\n")
        fh.flush()
        try:
            import fcntl
        except ImportError:                    # Windows: the pid in the file stands in for the lock, and
            fh.close()                         # an open file cannot be renamed there
            os.rename(pending, self.path)
            return
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(pending, self.path)
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None

    @staticmethod
    def is_stale(folder: Path) -> bool:
        """Is ``folder`` the partial folder of a backup that no longer runs? One without a marker is
        never taken for one (it may be a backup that has not locked its marker yet, or not ours)."""
        marker = folder / _MARKER
        if not marker.is_file():
            return False
        try:
            import fcntl
        except ImportError:
            return not _pid_alive(marker)
        try:
            with open(marker, "r+", encoding="utf-8") as fh:
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    return False               # its backup holds the lock: in progress
                return True
        except OSError:
            return False


def _pid_alive(marker: Path) -> bool:
    try:
        pid_text, host = (marker.read_text(encoding="utf-8").split() + [""])[:2]
        pid = int(pid_text)
    except (OSError, ValueError):
        return True                            # unreadable: leave it alone
    if host != platform.node():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def _partial_name(name: str, dest_name: str) -> bool:
    """Is ``name`` what ``_build`` names the partial folder of a backup to ``dest_name``
    (``.DEST.<mkdtemp's letters>.partial``)?"""
    prefix, suffix = f".{dest_name}.", ".partial"
    middle = name[len(prefix):-len(suffix)] if name.startswith(prefix) and name.endswith(suffix) else ""
    return bool(re.fullmatch(r"[a-z0-9_]+", middle))


def remove_stale_partials(dest: Path) -> list[Path]:
    """Remove the hidden ``.DEST.*.partial`` folders beside ``dest`` left by backups to it that were
    killed: only one holding an unlocked marker, never one still in progress, one without a marker, nor
    a folder holding anything a backup does not write; returns them."""
    removed = []
    try:
        entries = list(dest.parent.iterdir())
    except OSError:
        return removed
    for folder in entries:
        if not _partial_name(folder.name, dest.name) or folder.is_symlink() or not folder.is_dir():
            continue
        try:
            names = {e.name for e in folder.iterdir()}
            if not {n for n in names if not n.startswith(f"{_MARKER}.")} <= _PARTIAL_ENTRIES:
                continue
        except OSError:
            continue
        if _PartialMarker.is_stale(folder):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _fsync_tree(root: Path) -> None:
    """Every file and folder under ``root``, and ``root`` itself, on the disk (before the rename that
    makes the backup visible)."""
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            with open(os.path.join(dirpath, name), "rb") as fh:
                os.fsync(fh.fileno())
        _fsync_dir(Path(dirpath))


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return                                 # Windows cannot open a folder; its rename is durable there
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _inside(path: Path, folder: Path) -> bool:
    for p, f in ((path, folder), (path.resolve(), folder.resolve())):
        try:
            p.relative_to(f)
            return True
        except ValueError:
            continue
    return False


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


def _run_lock_held(run_dir: Path) -> bool:
    """Does a runner hold the run folder's ``run.lock`` (experiments.runner.RunLock) now?"""
    lock = run_dir / "run.lock"
    try:
        import fcntl
    except ImportError:
        return False
    try:
        with open(lock, "rb") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return True
            fcntl.flock(fh, fcntl.LOCK_UN)
    except OSError:
        return False                           # no lock file: not running (or from before locks)
    return False


def _size_or_none(path: Path) -> Optional[int]:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def _copy_planned(plan: list[tuple[Path, Path, str, Optional[str]]], tmp: Path, done: int,
                  progress: Optional[ProgressFn], cancel: Optional[CancelToken]) -> tuple[int, int, set[str]]:
    """Copy each (source, path inside the backup, label, run id or None) into ``tmp``, after ``done``
    bytes already written; returns (bytes written in all, files copied, runs whose files changed).

    A run in progress rewrites its status (via a .tmp file), appends to its logs and replaces its
    checkpoints: its files may change or vanish while copied, and its copy is what there was then. Any
    other file (a PDF, a spec, a database copy) that changes is an error: the backup would not hold
    what the library refers to."""
    sizes = [_size_or_none(src) for src, *_ in plan]
    total = done + sum(n or 0 for n in sizes)
    copied, changed = 0, set()
    report(progress, done, total, plan[0][2] if plan else "")
    for (src, rel, label, run_id), size in zip(plan, sizes):
        try:
            if size is None:
                raise FileNotFoundError(src)
            done = _copy_file(src, tmp / rel, done, total, progress, cancel, label)
        except FileNotFoundError:
            if run_id is None:
                raise
            (tmp / rel).unlink(missing_ok=True)
            changed.add(run_id)
            continue
        copied += 1
        got = (tmp / rel).stat().st_size
        if got != size:
            if run_id is None:
                raise BackupError(f"{src}: copied {got} of its {size} bytes")
            changed.add(run_id)
    return done, copied, changed


def _running_notes(run_ids) -> list[str]:
    return [f"run {run_id} was running; its copy may be partial" for run_id in run_ids]


def _build(dest, home: Optional[Path], fill) -> BackupReport:
    """Make the backup folder ``dest`` with ``fill(tmp, dest)`` in a hidden partial folder beside it, then
    sync it and rename it into place; a failure leaves no ``dest`` and no partial folder."""
    dest = Path(dest).expanduser().absolute()
    if home is not None and _inside(dest, home):
        raise BackupError(f"{dest} is inside the library folder {home}: a backup inside the library dies"
                          " with it; give a destination outside it")
    _check_destination(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_partials(dest)
    tmp = Path(tempfile.mkdtemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial"))
    marker = _PartialMarker(tmp)
    try:
        marker.take()
        result = fill(tmp, dest)
        _fsync_tree(tmp)
        _check_destination(dest)                   # someone may have made it meanwhile
        if dest.is_dir():
            dest.rmdir()                           # an empty folder the user picked
        marker.release()
        (tmp / _MARKER).unlink()
        os.rename(tmp, dest)
        _fsync_dir(dest.parent)
    except BaseException as exc:
        marker.release()
        shutil.rmtree(tmp, ignore_errors=True)
        if _disk_full(exc):
            raise BackupError(f"the destination's disk is full ({dest})") from exc
        raise
    return result


def backup_files_only(library, dest, *, progress: Optional[ProgressFn] = None,
                      cancel: Optional[CancelToken] = None) -> BackupReport:
    """Save what a library folder holds besides its database into the new folder ``dest``, without
    opening the database: the way out of a damaged library. That is ``files/``, ``runs/``,
    ``experiments/`` and the database copies kept before schema upgrades (``backups/*.sqlite``: often
    the best restore point then). Run folders kept outside the library folder are named only in the
    database and are not saved. The database is not copied (``report.database`` does not exist); the
    rest is as for a backup."""
    from .library import DATABASE_NAME, is_library_folder

    home = Path(library).expanduser().absolute()
    if not is_library_folder(home) or not home.is_dir():
        raise BackupError(f"{home} is not a library folder: there are no files to save without its database")

    def fill(tmp: Path, dest: Path) -> BackupReport:
        result = BackupReport(library=dest, database=dest / DATABASE_NAME)
        found = [f for sub in ("files", "runs", "experiments") if (home / sub).is_dir()
                 for f in sorted((home / sub).rglob("*"))
                 if f.is_file() and not f.is_symlink() and f.name not in _SKIP_IN_RUNS]
        if (home / "backups").is_dir():
            found += [f for f in sorted((home / "backups").glob("*.sqlite")) if f.is_file() and not f.is_symlink()]
        plan = []
        for f in found:
            rel = f.relative_to(home)
            run_id = rel.parts[1] if rel.parts[0] == "runs" and len(rel.parts) > 2 else None
            plan.append((f, rel, rel.parts[0], run_id))
        run_ids = sorted({run_id for *_, run_id in plan if run_id})
        running = {run_id for run_id in run_ids if _run_lock_held(home / "runs" / run_id)}
        result.bytes, result.files, changed = _copy_planned(plan, tmp, 0, progress, cancel)
        result.pdfs = sum(1 for _, rel, *_ in plan if rel.parts[0] == "files" and (tmp / rel).is_file())
        result.runs = len(run_ids)
        result.upgrade_copies = sum(1 for _, rel, *_ in plan if rel.parts[0] == "backups")
        result.notes += _running_notes(r for r in run_ids if r in running | changed)
        return result

    return _build(dest, home, fill)


class BackupMixin:
    def backup_to(self, dest, *, progress: Optional[ProgressFn] = None,
                  cancel: Optional[CancelToken] = None) -> BackupReport:
        """Back up the library, committed state only, into the new folder ``dest`` (refused when it exists
        and is not empty): the database, the attached PDFs and the run folders of its runs. A file the
        library references and that is missing is named in ``missing``; the rest is still backed up.
        Progress counts bytes; ``Cancelled`` (or any failure) leaves no destination behind."""
        return _build(dest, self._library_folder(), lambda tmp, dest: self._backup_into(tmp, dest, progress, cancel))

    def _backup_into(self, tmp: Path, dest: Path, progress, cancel) -> BackupReport:
        from .library import DATABASE_NAME

        check(cancel)
        report(progress, 0, 1, "database")
        db = tmp / DATABASE_NAME
        out = sqlite3.connect(str(db))
        try:
            self._copy_database(out, progress, cancel)
            out.execute("PRAGMA journal_mode=WAL")
            # what the snapshot references, so that files and rows agree
            papers = out.execute("SELECT count(*) FROM papers").fetchone()[0]
            attachments = out.execute("SELECT paper_id, stored_name FROM attachments ORDER BY id").fetchall()
            runs = out.execute("SELECT id, folder, spec_path FROM runs ORDER BY created_at, id").fetchall()
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
        running: set[str] = set()                        # runs whose files changed while copied
        for run_id, stored, _spec in runs:
            folder = self.resolved_path(stored)          # where it is now, the library perhaps moved
            src_dir = Path(folder) if folder else None
            if src_dir is None or not src_dir.is_dir():
                result.missing.append(f"the folder of run {run_id} is missing: {folder}")
                continue
            if _run_lock_held(src_dir):
                running.add(run_id)
            inside = Path("runs") / src_dir.name
            for path in sorted(src_dir.rglob("*")):
                if path.is_file() and not path.is_symlink() and path.name not in _SKIP_IN_RUNS:
                    plan.append((path, inside / path.relative_to(src_dir), f"run {run_id}"))
            copied_runs.append((run_id, src_dir.name))
        run_of = {f"run {run_id}": run_id for run_id, _name in copied_runs}
        _done, copied, changed = _copy_planned([(src, rel, label, run_of.get(label)) for src, rel, label in plan],
                                               tmp, result.bytes, progress, cancel)
        running |= changed
        result.notes += _running_notes(run_id for run_id, _name in copied_runs if run_id in running)
        result.pdfs, result.runs, result.files = pdfs, len(copied_runs), copied
        if runs:
            self._point_runs_at_copies(db, dest, copied_runs, tmp, runs)
        result.bytes = sum(f.stat().st_size for f in tmp.rglob("*")                    # as written, in all
                           if f.is_file() and f != tmp / _MARKER)
        return result

    def _copy_database(self, out: sqlite3.Connection, progress, cancel) -> None:
        """The committed database into ``out`` in steps (a gigabyte is seconds of copying): progress and
        Cancel between steps. One read transaction around them all keeps the steps one snapshot, so a
        commit made meanwhile by another connection neither restarts the copy nor gets half into it."""
        def step(_status: int, remaining: int, total: int) -> None:
            report(progress, total - remaining, total, "database")
            check(cancel)

        own = not self._conn.in_transaction
        if own:
            self._conn.execute("BEGIN")
        try:
            self._conn.execute("SELECT count(*) FROM sqlite_master").fetchone()   # the snapshot starts here
            self._conn.backup(out, pages=BACKUP_STEP_PAGES, progress=step)
        finally:
            if own:
                self._conn.execute("COMMIT")

    def _point_runs_at_copies(self, db: Path, dest: Path, copied: list[tuple[str, str]], tmp: Path,
                              runs: list[tuple]) -> None:
        """The backup's runs (and their status.json, without the library's path) name the copies inside the
        backup, not the originals, relative to it ("runs/ID"), so the backup may be moved or renamed; a
        spec kept in the library's ``experiments/`` folder is named relative to the backup's copy of it."""
        out = sqlite3.connect(str(db))
        try:
            with out:
                out.executemany("UPDATE runs SET folder = ? WHERE id = ?",
                                [(f"runs/{name}", run_id) for run_id, name in copied])
                out.executemany("UPDATE runs SET spec_path = ? WHERE id = ?",
                                [(self.recorded_path(self.resolved_path(spec)), run_id)
                                 for run_id, _folder, spec in runs if spec])
        finally:
            out.close()
        for _run_id, name in copied:
            status = tmp / "runs" / name / "status.json"
            try:
                data = json.loads(status.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue                       # a run without a readable status keeps its files as they are
            # no "library": a backup is moved or renamed into the library's place, and a path to it here
            # would send a resumed run's results to where the backup was made; its runs row says it
            data.pop("library", None)
            data.update(folder=str(dest / "runs" / name))
            status.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
