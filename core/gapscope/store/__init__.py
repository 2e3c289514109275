"""The local paper library: one SQLite file (WAL), versioned migrations, FTS5 search."""

from .errors import (DiskFull, DiskIOError, LibraryDamaged, LibraryError, LibraryFault, LibraryLocked,
                     LibraryReadOnly, MissingStep, NewerLibrary, NotALibrary, library_fault)
from .library import LIBRARY_SUFFIX, Library, database_file, default_library_path

__all__ = ["Library", "default_library_path", "database_file", "LIBRARY_SUFFIX", "LibraryError",
           "LibraryFault", "MissingStep", "LibraryLocked", "DiskFull", "LibraryReadOnly", "NotALibrary",
           "NewerLibrary", "DiskIOError", "LibraryDamaged", "library_fault"]
