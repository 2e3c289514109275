"""Reading text files line by line whatever their encoding, without loading them whole."""

from __future__ import annotations

import codecs
import gzip
import io
from pathlib import Path
from typing import Iterator, Optional

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def open_binary(path: Path):
    """The file's bytes, gunzipped when it is gzip (by magic number, not by name)."""
    f = open(path, "rb")
    magic = f.read(2)
    f.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.open(f, "rb")
    return f


class TextLines:
    """Iterates ``(line_number, text)`` over a file, decoding each line as UTF-8 and falling back to
    Windows-1252 for lines that are not UTF-8 (a common export encoding). ``fallback_line`` tells the
    first line that needed the fallback, so the importer can say so."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fallback_line: Optional[int] = None
        self.encoding = "utf-8"

    def __iter__(self) -> Iterator[tuple[int, str]]:
        with open_binary(self.path) as raw:
            head = raw.read(4)
            raw.seek(0) if hasattr(raw, "seek") else None
            for bom, enc in _BOMS:
                if head.startswith(bom):
                    self.encoding = enc
                    break
            if self.encoding == "utf-16":
                text = io.TextIOWrapper(raw, encoding="utf-16", newline="")
                for n, line in enumerate(text, 1):
                    yield n, line
                return
            for n, bline in enumerate(raw, 1):
                if n == 1 and bline.startswith(codecs.BOM_UTF8):
                    bline = bline[len(codecs.BOM_UTF8):]
                try:
                    yield n, bline.decode("utf-8")
                except UnicodeDecodeError:
                    if self.fallback_line is None:
                        self.fallback_line = n
                    yield n, bline.decode("cp1252", errors="replace")
