"""The local paper library: one SQLite file (WAL), versioned migrations, FTS5 search; the one API to it."""

from .base import (WriteFromForbiddenThread, allow_writes_in_current_thread, forbid_writes_in_current_thread,
                   writes_allowed_here, writes_forbidden)
from .library import Library, LibraryError, default_library_path

__all__ = ["Library", "default_library_path", "LibraryError", "WriteFromForbiddenThread",
           "forbid_writes_in_current_thread", "allow_writes_in_current_thread", "writes_forbidden",
           "writes_allowed_here"]
