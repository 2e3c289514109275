"""The local paper library: one SQLite file (WAL), versioned migrations, FTS5 search."""

from .library import Library, default_library_path, LibraryError

__all__ = ["Library", "default_library_path", "LibraryError"]
