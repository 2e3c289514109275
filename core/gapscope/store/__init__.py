"""The local paper library: one SQLite file (WAL), versioned migrations, FTS5 search; the one API to it."""

from .base import (WriteFromForbiddenThread, allow_writes_in_current_thread, forbid_writes_in_current_thread,
                   writes_allowed_here, writes_forbidden)
from .errors import (DiskFull, DiskIOError, LibraryDamaged, LibraryError, LibraryFault, LibraryLocked,
                     LibraryReadOnly, MissingStep, NewerLibrary, NotALibrary, SQLiteTooOld, library_fault)
from .library import LIBRARY_SUFFIX, Library, database_file, default_library_path
from .notes import NoteChanged

__all__ = ["Library", "default_library_path", "database_file", "LIBRARY_SUFFIX", "LibraryError",
           "LibraryFault", "MissingStep", "NoteChanged", "LibraryLocked", "DiskFull", "LibraryReadOnly", "NotALibrary",
           "NewerLibrary", "SQLiteTooOld", "DiskIOError", "LibraryDamaged", "library_fault", "WriteFromForbiddenThread",
           "forbid_writes_in_current_thread", "allow_writes_in_current_thread", "writes_forbidden",
           "writes_allowed_here"]
